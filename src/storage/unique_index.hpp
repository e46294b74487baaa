// A PRIMARY KEY or UNIQUE constraint's index: the encoded key of every committed row to its row id.
//   (1) Keys with a NULL part are not indexed (NULLs never collide, as in PostgreSQL).
//   (2) An entry may name a row that was deleted since; callers check the row's versions. The entry is
//       replaced when a later row with the same key commits.
//   (3) Guarded by the owning table's lock.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/version.hpp"
#include "vector/data_chunk.hpp"

namespace basalt {

class UniqueIndex {
public:
    UniqueIndex(std::string name, std::vector<idx_t> columns, std::vector<std::string> column_names);

    const std::string& name() const { return name_; }
    const std::vector<idx_t>& columns() const { return columns_; }

    // Encodes the key of row `row` of chunk (whose columns are the table's); false when a key part is NULL.
    bool encode(const DataChunk& chunk, idx_t row, std::string& key) const;
    // "(a, b)=(1, x)" for error details.
    std::string describe(const DataChunk& chunk, idx_t row) const;

    std::optional<row_t> find(const std::string& key) const;
    void insert(const std::string& key, row_t row) { map_[key] = row; }
    void clear() { map_.clear(); }
    // Column positions shift when a column before them is dropped.
    void drop_column(idx_t index);

private:
    std::string name_;
    std::vector<idx_t> columns_;
    std::vector<std::string> column_names_;
    std::unordered_map<std::string, row_t> map_;
};

}  // namespace basalt

// A PRIMARY KEY or UNIQUE constraint's index: the encoded key of every committed row to its row id.
//   (1) Keys with a NULL part are not indexed (NULLs never collide, as in PostgreSQL).
//   (2) An entry names the newest version of its key: the row whose insert committed last (a later commit
//       replaces it). It may have been deleted since; callers check the row's versions. Row order says nothing
//       of age (a compaction sorts rows by cluster and partition keys), so a rebuild ranks rows by their versions.
//   (3) Guarded by the owning table's lock. The map is split in shards by key hash, so a rebuild fills the
//       shards on several threads.
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
    void insert(const std::string& key, row_t row) { shard_of(key)[key] = row; }
    void clear();

    // Rebuild support: keys go to shard shard_index(key); each shard may be filled by its own thread.
    static constexpr size_t kShards = 64;
    static size_t shard_index(const std::string& key);
    std::unordered_map<std::string, row_t>& shard(size_t i) { return shards_[i]; }
    // Column positions shift when a column before them is dropped.
    void drop_column(idx_t index);

private:
    std::unordered_map<std::string, row_t>& shard_of(const std::string& key) { return shards_[shard_index(key)]; }

    std::string name_;
    std::vector<idx_t> columns_;
    std::vector<std::string> column_names_;
    std::vector<std::unordered_map<std::string, row_t>> shards_;
};

}  // namespace basalt

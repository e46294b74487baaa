// The result of one statement: rows as DataChunks with column names and types, or a command tag
// ("CREATE TABLE", "INSERT 0 5") for statements without rows.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vector/data_chunk.hpp"

namespace basalt {

struct QueryResult {
    std::vector<std::string> names;
    std::vector<LogicalType> types;
    std::vector<std::unique_ptr<DataChunk>> chunks;
    std::string command_tag;
    bool returns_rows = false;

    idx_t row_count() const;
    Value get_value(idx_t column, idx_t row) const;  // slow: for tests and small results
};

}  // namespace basalt

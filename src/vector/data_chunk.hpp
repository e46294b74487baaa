// A batch of rows as one Vector per column; the unit every operator consumes and produces.
#pragma once

#include <string>
#include <vector>

#include "vector/vector.hpp"

namespace basalt {

class DataChunk {
public:
    void initialize(const std::vector<LogicalType>& types, idx_t capacity = kVectorSize);
    idx_t column_count() const { return columns_.size(); }
    idx_t size() const { return count_; }
    void set_size(idx_t count) { count_ = count; }
    idx_t capacity() const { return capacity_; }
    Vector& column(idx_t i) { return columns_[i]; }
    const Vector& column(idx_t i) const { return columns_[i]; }
    std::vector<LogicalType> types() const;
    // Fresh buffers for every column, size 0 (previous contents may still be referenced elsewhere).
    void reset();
    // Makes this chunk share other's columns.
    void reference(const DataChunk& other);
    std::string to_string() const;  // for debugging and tests

private:
    std::vector<Vector> columns_;
    idx_t count_ = 0;
    idx_t capacity_ = kVectorSize;
};

}  // namespace basalt

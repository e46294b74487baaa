// An append-only list of rows kept as full DataChunks of kVectorSize rows (the last one may be partial), so
// that row r lives in chunk r / kVectorSize at offset r % kVectorSize. Used by every materializing operator.
//   (1) Not thread-safe: each worker appends to its own collection; combine() moves them together.
#pragma once

#include <memory>
#include <vector>

#include "vector/data_chunk.hpp"

namespace basalt {

class ColumnDataCollection {
public:
    ColumnDataCollection() = default;
    explicit ColumnDataCollection(std::vector<LogicalType> types) : types_(std::move(types)) {}

    const std::vector<LogicalType>& types() const { return types_; }
    idx_t row_count() const { return rows_; }
    idx_t chunk_count() const { return chunks_.size(); }
    const DataChunk& chunk(idx_t i) const { return *chunks_[i]; }
    DataChunk& chunk(idx_t i) { return *chunks_[i]; }

    // Copies rows (sel == nullptr: all rows of input) to the end; strings keep pointing at their owners,
    // which the stored vectors keep alive.
    void append(const DataChunk& input, const sel_t* sel = nullptr, idx_t count = 0);
    // Moves all of other's rows to the end of this collection.
    void merge(ColumnDataCollection&& other);
    void clear();
    // The memory the rows take: fixed-width values and the strings' lengths.
    size_t bytes() const;

    // Row accessors for operators that work row by row (sort, window).
    const Vector& column(idx_t row, idx_t column) const { return chunks_[row / kVectorSize]->column(column); }
    static idx_t offset(idx_t row) { return row % kVectorSize; }

private:
    std::vector<LogicalType> types_;
    std::vector<std::unique_ptr<DataChunk>> chunks_;
    idx_t rows_ = 0;
    size_t string_bytes_ = 0;
};

}  // namespace basalt

// Rows an operator moved out of memory, split into hash partitions, in one temporary file per writer (a worker
// or an operator's state). Rows are buffered per partition (at most kMaxBufferedRows in all) and written as
// blocks of at most kVectorSize rows, so reading a partition back takes one chunk of memory at a time.
//   (1) The partition of a row is the top `bits` bits of its 64-bit hash: the same rule for every writer of an
//       operator, so partition p of all writers together holds every row whose key hashes to p.
//   (2) One thread appends; after flush() any number of threads may read blocks at once.
//   (3) The file goes when this object goes (a cancelled or failed query leaves nothing on disk).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/temporary_directory.hpp"
#include "execution/column_data_collection.hpp"

namespace basalt {

class SpillPartitions {
public:
    SpillPartitions(TemporaryDirectory& directory, std::string purpose, std::vector<LogicalType> types, int bits);

    const std::vector<LogicalType>& types() const { return types_; }
    idx_t partition_count() const { return buffers_.size(); }
    static idx_t partition_of(uint64_t hash, int bits) { return static_cast<idx_t>(hash >> (64 - bits)); }
    // The partition rule's hash of a row: its columns [first, first + count) of chunk, combined.
    static void hash_columns(const DataChunk& chunk, idx_t first, idx_t count, uint64_t* hashes);

    // Appends every row of chunk to the partition its hash selects (invariant 1).
    void append(const DataChunk& chunk, const uint64_t* hashes);
    // Appends rows sel[0..n) of chunk to partition p.
    void append(idx_t partition, const DataChunk& chunk, const sel_t* sel, idx_t n);
    // Writes what is buffered; reads see only what was written.
    void flush();

    idx_t block_count(idx_t partition) const { return blocks_[partition].size(); }
    uint64_t row_count(idx_t partition) const { return rows_[partition]; }
    // Block `block` of a partition into out (initialized to types()).
    void read(idx_t partition, idx_t block, DataChunk& out) const;
    // Bytes in the file (for EXPLAIN ANALYZE).
    uint64_t bytes_written() const { return file_ ? file_->size() : 0; }

private:
    void write_buffer(idx_t partition);

    TemporaryDirectory& directory_;
    std::string purpose_;
    std::vector<LogicalType> types_;
    int bits_;
    std::unique_ptr<TemporaryFile> file_;  // created by the first write
    std::vector<ColumnDataCollection> buffers_;
    struct Block {
        uint64_t offset;
        uint64_t size;
        idx_t rows;
    };
    std::vector<std::vector<Block>> blocks_;
    std::vector<uint64_t> rows_;
    idx_t buffered_ = 0;  // rows in buffers_, all partitions together
    static constexpr idx_t kMaxBufferedRows = 8 * kVectorSize;
};

}  // namespace basalt

#include "execution/spill_partitions.hpp"

#include "storage/binary_io.hpp"
#include "storage/chunk_serialization.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

SpillPartitions::SpillPartitions(TemporaryDirectory& directory, std::string purpose, std::vector<LogicalType> types, int bits)
    : directory_(directory), purpose_(std::move(purpose)), types_(std::move(types)), bits_(bits) {
    idx_t partitions = idx_t{1} << bits;
    for (idx_t p = 0; p < partitions; p++) buffers_.emplace_back(types_);
    blocks_.resize(partitions);
    rows_.assign(partitions, 0);
}

void SpillPartitions::hash_columns(const DataChunk& chunk, idx_t first, idx_t count, uint64_t* hashes) {
    for (idx_t k = 0; k < count; k++) vector_hash(chunk.column(first + k), chunk.size(), hashes, k > 0);
}

void SpillPartitions::append(const DataChunk& chunk, const uint64_t* hashes) {
    idx_t partitions = buffers_.size();
    // Rows grouped by partition with one counting pass, so each partition gets one append per chunk.
    std::vector<idx_t> counts(partitions + 1, 0);
    for (idx_t i = 0; i < chunk.size(); i++) counts[partition_of(hashes[i], bits_) + 1]++;
    for (idx_t p = 1; p <= partitions; p++) counts[p] += counts[p - 1];
    std::vector<sel_t> order(chunk.size());
    std::vector<idx_t> next(counts.begin(), counts.end() - 1);
    for (idx_t i = 0; i < chunk.size(); i++) order[next[partition_of(hashes[i], bits_)]++] = static_cast<sel_t>(i);
    for (idx_t p = 0; p < partitions; p++) {
        idx_t n = counts[p + 1] - counts[p];
        if (n > 0) append(p, chunk, order.data() + counts[p], n);
    }
}

void SpillPartitions::append(idx_t partition, const DataChunk& chunk, const sel_t* sel, idx_t n) {
    buffers_[partition].append(chunk, sel, n);
    rows_[partition] += n;
    buffered_ += n;
    if (buffers_[partition].row_count() >= kVectorSize) {
        buffered_ -= buffers_[partition].row_count();
        write_buffer(partition);
    }
    // Many partitions each holding a little add up: past a bound every buffer is written (smaller blocks).
    if (buffered_ > kMaxBufferedRows) flush();
}

void SpillPartitions::write_buffer(idx_t partition) {
    ColumnDataCollection& buffer = buffers_[partition];
    if (buffer.row_count() == 0) return;
    if (!file_) file_ = directory_.create(purpose_);
    BinaryWriter writer;
    for (idx_t c = 0; c < buffer.chunk_count(); c++) {
        writer.buffer().clear();
        const DataChunk& chunk = buffer.chunk(c);
        serialize_chunk(writer, chunk);
        uint64_t at = file_->append(writer.buffer().data(), writer.buffer().size());
        blocks_[partition].push_back({at, writer.buffer().size(), chunk.size()});
    }
    buffer.clear();
}

void SpillPartitions::flush() {
    for (idx_t p = 0; p < buffers_.size(); p++) write_buffer(p);
    buffered_ = 0;
}

void SpillPartitions::read(idx_t partition, idx_t block, DataChunk& out) const {
    const Block& b = blocks_[partition][block];
    std::string bytes(b.size, '\0');
    file_->read(bytes.data(), b.size, b.offset);
    BinaryReader reader(bytes, file_->path());
    auto chunk = deserialize_chunk(reader, types_);
    out.reference(*chunk);
    out.set_size(chunk->size());
}

}  // namespace basalt

// A column file: one row group's columns, written once at a checkpoint and never changed.
// Layout: "BSLTCOL1", then the encoded blocks of every column (each column split into blocks of kBlockRows
// rows), then the footer (row count, and per column per block: offset, size, rows, encoding, compression,
// encoded size, XXH3 checksum, zone map), then [u32 footer size][u64 footer checksum]["BSLTCOL1"].
//   (1) Every read checks what it reads: a footer or block failing its checksum gives XX001 naming the file.
//   (2) Reads fetch only the blocks a scan asks for (pread at the block's offset).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/file_system.hpp"
#include "storage/buffer_cache.hpp"
#include "storage/column_encoding.hpp"

namespace basalt {

struct BlockInfo {
    uint64_t offset = 0;
    uint32_t size = 0;
    uint32_t rows = 0;
    Encoding encoding = Encoding::kPlain;
    Compression compression = Compression::kNone;
    uint32_t encoded_size = 0;
    uint64_t checksum = 0;
    uint64_t raw_size = 0;
    ZoneMap zone_map;
};

// data/<number>.bcol under a database directory.
std::string column_file_path(const std::string& directory, uint64_t number);

class RowGroupFile {
public:
    // Writes the file (fsync'd) from the row group's vectors: columns[c][v] is vector v of column c.
    static std::shared_ptr<RowGroupFile> write(std::shared_ptr<FileSystem> fs, const std::string& path, uint64_t number, const std::vector<LogicalType>& types,
                                               const std::vector<std::vector<const Vector*>>& columns, idx_t rows,
                                               Compression compression, BufferCache* cache);
    // An existing file of `rows` rows. Its footer (which records the column types) is read and checked on first
    // use, so a damaged file fails the queries that read it, not the opening of the database.
    static std::shared_ptr<RowGroupFile> open(std::shared_ptr<FileSystem> fs, const std::string& path, uint64_t number, idx_t rows,
                                              BufferCache* cache);

    const std::string& path() const { return path_; }
    uint64_t number() const { return number_; }
    idx_t row_count() const { return rows_; }
    uint64_t file_size() const { return file_size_; }
    const std::vector<LogicalType>& types() const {
        load_footer();
        return types_;
    }
    const std::vector<BlockInfo>& blocks(idx_t column) const {
        load_footer();
        return columns_[column];
    }
    uint64_t column_bytes(idx_t column) const;
    // A column's values as plain bytes (for compression ratios).
    uint64_t column_raw_bytes(idx_t column) const;

    // Opens the file now and keeps it open: reads keep working after another process removes it.
    void hold_open();

    // Vector `vector_index` (of kVectorSize rows) of a column, through the buffer cache.
    const Vector& vector(idx_t column, idx_t vector_index, std::shared_ptr<const DecodedBlock>& hold) const;

private:
    RowGroupFile() = default;
    DecodedBlock read_block(idx_t column, idx_t block, size_t& bytes_read) const;
    void load_footer() const;
    void read_footer();

    std::shared_ptr<FileSystem> fs_;
    std::unique_ptr<FileHandle> held_;  // set by hold_open(), then used by every read
    std::string path_;
    uint64_t number_ = 0;
    idx_t rows_ = 0;
    uint64_t file_size_ = 0;
    std::vector<LogicalType> types_;
    std::vector<std::vector<BlockInfo>> columns_;
    BufferCache* cache_ = nullptr;
    mutable std::mutex footer_mutex_;
    mutable std::atomic<bool> footer_loaded_{false};
};

}  // namespace basalt

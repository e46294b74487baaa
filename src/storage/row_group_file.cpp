#include "storage/row_group_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "storage/binary_io.hpp"
#include "storage/chunk_serialization.hpp"

namespace basalt {

namespace {

constexpr char kMagic[8] = {'B', 'S', 'L', 'T', 'C', 'O', 'L', '1'};
constexpr size_t kTrailerSize = sizeof(uint32_t) + sizeof(uint64_t) + sizeof(kMagic);

[[noreturn]] void corrupt(const std::string& path, const std::string& what) {
    throw Error(sql_state::kDataCorrupted, fmt::format("could not read \"{}\": corrupt data ({})", path, what));
}

}  // namespace

std::string column_file_path(const std::string& directory, uint64_t number) {
    return fmt::format("{}/data/{:08}.bcol", directory, number);
}

uint64_t RowGroupFile::column_bytes(idx_t column) const {
    load_footer();
    uint64_t bytes = 0;
    for (const auto& b : columns_[column]) bytes += b.size;
    return bytes;
}

uint64_t RowGroupFile::column_raw_bytes(idx_t column) const {
    load_footer();
    uint64_t bytes = 0;
    for (const auto& b : columns_[column]) bytes += b.raw_size;
    return bytes;
}

std::shared_ptr<RowGroupFile> RowGroupFile::write(std::shared_ptr<FileSystem> fs, const std::string& path, uint64_t number, const std::vector<LogicalType>& types,
                                                  const std::vector<std::vector<const Vector*>>& columns, idx_t rows,
                                                  Compression compression, BufferCache* cache) {
    auto file = std::shared_ptr<RowGroupFile>(new RowGroupFile());
    file->fs_ = std::move(fs);
    file->path_ = path;
    file->number_ = number;
    file->rows_ = rows;
    file->types_ = types;
    file->cache_ = cache;
    file->columns_.resize(types.size());
    std::string data(kMagic, sizeof(kMagic));
    for (idx_t c = 0; c < types.size(); c++) {
        for (idx_t start = 0; start < rows; start += kBlockRows) {
            idx_t n = std::min(kBlockRows, rows - start);
            std::vector<const Vector*> vectors(columns[c].begin() + static_cast<std::ptrdiff_t>(start / kVectorSize),
                                               columns[c].begin() + static_cast<std::ptrdiff_t>((start + n + kVectorSize - 1) / kVectorSize));
            EncodedBlock encoded = encode_block(vectors, n, types[c], compression);
            BlockInfo info;
            info.offset = data.size();
            info.size = static_cast<uint32_t>(encoded.bytes.size());
            info.rows = static_cast<uint32_t>(n);
            info.encoding = encoded.encoding;
            info.compression = encoded.compression;
            info.encoded_size = encoded.encoded_size;
            info.checksum = checksum64(encoded.bytes.data(), encoded.bytes.size());
            info.raw_size = encoded.raw_size;
            info.zone_map = std::move(encoded.zone_map);
            data += encoded.bytes;
            file->columns_[c].push_back(std::move(info));
        }
    }
    BinaryWriter footer;
    footer.write_varint(rows);
    footer.write_varint(types.size());
    for (idx_t c = 0; c < types.size(); c++) {
        serialize_type(footer, types[c]);
        footer.write_varint(file->columns_[c].size());
        for (const auto& b : file->columns_[c]) {
            footer.write_varint(b.offset);
            footer.write_varint(b.size);
            footer.write_varint(b.rows);
            footer.write<uint8_t>(static_cast<uint8_t>(b.encoding));
            footer.write<uint8_t>(static_cast<uint8_t>(b.compression));
            footer.write_varint(b.encoded_size);
            footer.write<uint64_t>(b.checksum);
            footer.write_varint(b.raw_size);
            footer.write_varint(b.zone_map.null_count);
            footer.write<uint8_t>(b.zone_map.has_min_max ? 1 : 0);
            if (b.zone_map.has_min_max) {
                serialize_value(footer, b.zone_map.min);
                serialize_value(footer, b.zone_map.max);
            }
        }
    }
    data += footer.buffer();
    auto footer_size = static_cast<uint32_t>(footer.size());
    uint64_t footer_sum = checksum64(footer.buffer().data(), footer.size());
    data.append(reinterpret_cast<const char*>(&footer_size), sizeof(footer_size));
    data.append(reinterpret_cast<const char*>(&footer_sum), sizeof(footer_sum));
    data.append(kMagic, sizeof(kMagic));

    write_file_synced(*file->fs_, path, data);
    file->file_size_ = data.size();
    file->footer_loaded_ = true;
    return file;
}

std::shared_ptr<RowGroupFile> RowGroupFile::open(std::shared_ptr<FileSystem> fs, const std::string& path, uint64_t number, idx_t rows,
                                                 BufferCache* cache) {
    auto file = std::shared_ptr<RowGroupFile>(new RowGroupFile());
    file->fs_ = std::move(fs);
    file->path_ = path;
    file->number_ = number;
    file->rows_ = rows;
    file->cache_ = cache;
    return file;
}

void RowGroupFile::hold_open() {
    if (!held_) held_ = fs_->open(path_, OpenMode::kRead);
}

void RowGroupFile::load_footer() const {
    if (footer_loaded_.load(std::memory_order_acquire)) return;
    std::lock_guard guard(footer_mutex_);
    if (footer_loaded_.load(std::memory_order_relaxed)) return;
    const_cast<RowGroupFile*>(this)->read_footer();  // fills the fields that are fixed from then on
    footer_loaded_.store(true, std::memory_order_release);
}

void RowGroupFile::read_footer() {
    RowGroupFile* file = this;
    types_.clear();
    columns_.clear();
    const std::string& path = path_;
    std::unique_ptr<FileHandle> opened;
    FileHandle* handle = held_.get();
    try {
        if (!handle) handle = (opened = fs_->open(path, OpenMode::kRead)).get();
    } catch (const Error& e) {
        if (std::string(e.sql_state()) != sql_state::kUndefinedFile.code) throw;
        throw Error(sql_state::kDataCorrupted, fmt::format("could not read \"{}\": the column file is missing", path));
    }
    file->file_size_ = handle->size();
    if (file->file_size_ < sizeof(kMagic) + kTrailerSize) corrupt(path, "too short to be a column file");
    char trailer[kTrailerSize];
    read_exactly(*handle, trailer, kTrailerSize, file->file_size_ - kTrailerSize);
    if (std::memcmp(trailer + 12, kMagic, sizeof(kMagic)) != 0) corrupt(path, "not a Basalt column file");
    uint32_t footer_size;
    uint64_t footer_sum;
    std::memcpy(&footer_size, trailer, sizeof(footer_size));
    std::memcpy(&footer_sum, trailer + 4, sizeof(footer_sum));
    if (footer_size > file->file_size_ - kTrailerSize - sizeof(kMagic)) corrupt(path, "a footer larger than the file");
    std::string footer(footer_size, '\0');
    uint64_t footer_offset = file->file_size_ - kTrailerSize - footer_size;
    read_exactly(*handle, footer.data(), footer_size, footer_offset);
    if (checksum64(footer.data(), footer.size()) != footer_sum) corrupt(path, "the footer fails its checksum");
    BinaryReader in(footer, path);
    if (in.read_varint() != file->rows_) in.corrupt("a row count that disagrees with the manifest");
    uint64_t column_count = in.read_varint();
    if (column_count > 10000) in.corrupt("an impossible column count");
    file->columns_.resize(column_count);
    for (idx_t c = 0; c < column_count; c++) {
        file->types_.push_back(deserialize_type(in));
        uint64_t blocks = in.read_varint();
        if (blocks != (file->rows_ + kBlockRows - 1) / kBlockRows) in.corrupt("a column with the wrong number of blocks");
        for (uint64_t b = 0; b < blocks; b++) {
            BlockInfo info;
            info.offset = in.read_varint();
            info.size = static_cast<uint32_t>(in.read_varint());
            info.rows = static_cast<uint32_t>(in.read_varint());
            info.encoding = static_cast<Encoding>(in.read<uint8_t>());
            info.compression = static_cast<Compression>(in.read<uint8_t>());
            info.encoded_size = static_cast<uint32_t>(in.read_varint());
            info.checksum = in.read<uint64_t>();
            info.raw_size = in.read_varint();
            info.zone_map.null_count = in.read_varint();
            info.zone_map.has_min_max = in.read<uint8_t>() != 0;
            if (info.zone_map.has_min_max) {
                info.zone_map.min = deserialize_value(in);
                info.zone_map.max = deserialize_value(in);
            }
            if (info.offset < sizeof(kMagic) || info.offset + info.size > footer_offset) in.corrupt("a block outside the file");
            if (info.rows != std::min<uint64_t>(kBlockRows, file->rows_ - b * kBlockRows)) in.corrupt("a block with the wrong row count");
            file->columns_[c].push_back(std::move(info));
        }
    }
    if (!in.done()) in.corrupt("bytes left over after the footer");
}

DecodedBlock RowGroupFile::read_block(idx_t column, idx_t block, size_t& bytes_read) const {
    const BlockInfo& info = columns_[column][block];
    std::unique_ptr<FileHandle> opened;
    FileHandle& handle = held_ ? *held_ : *(opened = fs_->open(path_, OpenMode::kRead));
    std::string bytes(info.size, '\0');
    read_exactly(handle, bytes.data(), info.size, info.offset);
    if (checksum64(bytes.data(), bytes.size()) != info.checksum) {
        corrupt(path_, fmt::format("block {} of column {} fails its checksum", block, column));
    }
    bytes_read = info.size;
    return decode_block(bytes, info.encoding, info.compression, info.encoded_size, types_[column], info.rows, path_);
}

const Vector& RowGroupFile::vector(idx_t column, idx_t vector_index, std::shared_ptr<const DecodedBlock>& hold) const {
    load_footer();
    if (column >= columns_.size()) corrupt(path_, "a column the manifest names is not in the file");
    idx_t block = vector_index / kBlockVectors;
    BlockKey key{number_, static_cast<uint32_t>(column), static_cast<uint32_t>(block)};
    static_assert(kBlockVectors <= 64, "the buffer cache tells passes apart by a 64-bit mask of a block's vectors");
    hold = cache_->get(key, vector_index % kBlockVectors, [&]() {
        size_t bytes = 0;
        DecodedBlock decoded = read_block(column, block, bytes);
        return std::make_pair(std::move(decoded), bytes);
    });
    return (*hold)[vector_index % kBlockVectors];
}

}  // namespace basalt

#include "storage/write_ahead_log.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace basalt {

namespace {

constexpr char kMagic[8] = {'B', 'S', 'L', 'T', 'W', 'A', 'L', '1'};
// [u32 payload length][u32 check of the length][u64 checksum of the payload]
constexpr size_t kHeaderSize = 2 * sizeof(uint32_t) + sizeof(uint64_t);

uint32_t length_check(uint32_t length) { return static_cast<uint32_t>(checksum64(&length, sizeof(length))) ^ 0x5a5a5a5au; }

[[noreturn]] void io_error(const std::string& what, const std::string& path) {
    throw Error(sql_state::kIoError, fmt::format("could not {} \"{}\": {}", what, path, std::strerror(errno)));
}

void write_all(int fd, const char* data, size_t size, const std::string& path) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            io_error("write to", path);
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
}

}  // namespace

WriteAheadLog::WriteAheadLog(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) io_error("open", path_);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) io_error("stat", path_);
    size_ = static_cast<uint64_t>(st.st_size);
    if (size_ == 0) {
        write_all(fd_, kMagic, sizeof(kMagic), path_);
        if (::fsync(fd_) != 0) io_error("sync", path_);
        size_ = sizeof(kMagic);
    }
}

WriteAheadLog::~WriteAheadLog() {
    if (fd_ >= 0) ::close(fd_);
}

size_t WriteAheadLog::replay(const std::function<void(BinaryReader&)>& on_record) {
    std::string data(size_, '\0');
    size_t got = 0;
    while (got < data.size()) {
        ssize_t n = ::pread(fd_, data.data() + got, data.size() - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) io_error("read", path_);
        got += static_cast<size_t>(n);
    }
    if (data.size() < sizeof(kMagic) || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0) {
        throw Error(sql_state::kDataCorrupted, fmt::format("could not read \"{}\": not a Basalt log file", path_));
    }
    size_t offset = sizeof(kMagic);
    size_t records = 0;
    while (offset < data.size()) {
        bool torn = false;
        uint32_t length = 0, check = 0;
        uint64_t sum = 0;
        if (data.size() - offset < kHeaderSize) {
            torn = true;
        } else {
            std::memcpy(&length, data.data() + offset, sizeof(length));
            std::memcpy(&check, data.data() + offset + 4, sizeof(check));
            std::memcpy(&sum, data.data() + offset + 8, sizeof(sum));
            if (check != length_check(length)) {
                // A damaged length would make the record look torn and drop everything after it: refuse instead.
                throw Error(sql_state::kDataCorrupted,
                            fmt::format("could not read \"{}\": the record header at byte {} is damaged", path_, offset));
            }
            if (length > data.size() - offset - kHeaderSize) {
                torn = true;
            } else if (checksum64(data.data() + offset + kHeaderSize, length) != sum) {
                // Invariant 2: a record that is all there but fails its checksum was damaged after it was written.
                throw Error(sql_state::kDataCorrupted,
                            fmt::format("could not read \"{}\": the record at byte {} fails its checksum", path_, offset));
            }
        }
        if (torn) {
            if (::ftruncate(fd_, static_cast<off_t>(offset)) != 0 || ::fsync(fd_) != 0) io_error("truncate", path_);
            size_ = offset;
            break;
        }
        BinaryReader reader(std::string_view(data.data() + offset + kHeaderSize, length), path_);
        on_record(reader);
        records++;
        offset += kHeaderSize + length;
    }
    return records;
}

void WriteAheadLog::append(const std::string& payload, bool sync) {
    std::string record(kHeaderSize, '\0');
    auto length = static_cast<uint32_t>(payload.size());
    uint32_t check = length_check(length);
    uint64_t sum = checksum64(payload.data(), payload.size());
    std::memcpy(record.data(), &length, sizeof(length));
    std::memcpy(record.data() + 4, &check, sizeof(check));
    std::memcpy(record.data() + 8, &sum, sizeof(sum));
    record += payload;
    // pwrite at the known end: a failed earlier append never leaves a gap the next one would hide.
    const char* data = record.data();
    size_t left = record.size();
    uint64_t at = size_;
    while (left > 0) {
        ssize_t n = ::pwrite(fd_, data, left, static_cast<off_t>(at));
        if (n < 0) {
            if (errno == EINTR) continue;
            io_error("write to", path_);
        }
        data += n;
        left -= static_cast<size_t>(n);
        at += static_cast<uint64_t>(n);
    }
    if (sync && ::fdatasync(fd_) != 0) io_error("sync", path_);
    size_ = at;
}

}  // namespace basalt

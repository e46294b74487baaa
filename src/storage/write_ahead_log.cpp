#include "storage/write_ahead_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "common/error.hpp"

namespace basalt {

namespace {

constexpr char kMagic[8] = {'B', 'S', 'L', 'T', 'W', 'A', 'L', '2'};
constexpr size_t kFileHeaderSize = sizeof(kMagic) + sizeof(uint64_t);
// [u32 length][u8 kind][3 zero bytes][u32 check][u64 checksum]
constexpr size_t kFragmentHeaderSize = 20;
// Fragments stay small so a write never needs a huge buffer; records of any size span several.
constexpr size_t kMaxFragment = 1 << 20;

enum FragmentKind : uint8_t { kWhole = 1, kFirst = 2, kMiddle = 3, kLast = 4 };

uint32_t header_check(uint32_t length, uint8_t kind) {
    uint8_t bytes[5];
    std::memcpy(bytes, &length, 4);
    bytes[4] = kind;
    return static_cast<uint32_t>(checksum64(bytes, sizeof(bytes))) ^ 0x5a5a5a5au;
}

[[noreturn]] void corrupt(const std::string& path, const std::string& what) {
    throw Error(sql_state::kDataCorrupted, fmt::format("could not read \"{}\": {}", path, what));
}

}  // namespace

std::unique_ptr<WriteAheadLog> WriteAheadLog::create(FileSystem& fs, const std::string& path, uint64_t sequence) {
    auto log = std::unique_ptr<WriteAheadLog>(new WriteAheadLog(fs.open(path, OpenMode::kCreate)));
    char header[kFileHeaderSize];
    std::memcpy(header, kMagic, sizeof(kMagic));
    std::memcpy(header + sizeof(kMagic), &sequence, sizeof(sequence));
    log->file_->write_at(header, sizeof(header), 0);
    log->file_->sync();
    log->written_ = kFileHeaderSize;
    log->durable_ = kFileHeaderSize;
    return log;
}

std::unique_ptr<WriteAheadLog> WriteAheadLog::open(FileSystem& fs, const std::string& path, uint64_t sequence, bool read_only) {
    auto log = std::unique_ptr<WriteAheadLog>(new WriteAheadLog(fs.open(path, read_only ? OpenMode::kRead : OpenMode::kReadWrite)));
    log->read_only_ = read_only;
    if (read_only) log->broken_ = true;
    uint64_t size = log->file_->size();
    if (size == sizeof(kMagic) && !read_only) {
        // An empty log of the first format (a database closed cleanly by an earlier Basalt): start it afresh.
        char magic[sizeof(kMagic)];
        read_exactly(*log->file_, magic, sizeof(magic), 0);
        if (std::memcmp(magic, "BSLTWAL1", sizeof(magic)) == 0) return create(fs, path, sequence);
    }
    // Logs are created whole (header synced) before the manifest that names them: a short one was damaged.
    if (size < kFileHeaderSize) corrupt(path, fmt::format("the log is {} bytes long, shorter than its header", size));
    char header[kFileHeaderSize];
    read_exactly(*log->file_, header, sizeof(header), 0);
    if (std::memcmp(header, kMagic, sizeof(kMagic)) != 0) corrupt(path, "not a Basalt log file");
    uint64_t found;
    std::memcpy(&found, header + sizeof(kMagic), sizeof(found));
    if (found != sequence) corrupt(path, fmt::format("the log belongs to checkpoint {}, not {}", found, sequence));
    log->written_ = size;  // replay() sets it to the end of the last complete record
    log->durable_ = size;
    return log;
}

bool WriteAheadLog::empty() const { return written_.load() <= kFileHeaderSize; }

void WriteAheadLog::mark_broken(std::string reason) {
    std::lock_guard guard(append_mutex_);
    broken_ = true;
    broken_reason_ = std::move(reason);
}

Error WriteAheadLog::refusal(const std::string& reason) const {
    return Error(sql_state::kIoError, fmt::format("the log \"{}\" refuses writes after an earlier failure ({}); {}", path(), reason,
                                                  sync_failed_ ? "reopen the database" : "run CHECKPOINT or reopen the database"));
}

size_t WriteAheadLog::replay(const std::function<void(BinaryReader&)>& on_record) {
    const std::string& path = file_->path();
    const uint64_t file_size = file_->size();
    uint64_t offset = kFileHeaderSize;        // the next fragment
    uint64_t record_start = kFileHeaderSize;  // where the record being assembled began
    std::string record;
    bool in_record = false;
    size_t records = 0;
    bool torn = false;
    while (offset < file_size) {
        if (file_size - offset < kFragmentHeaderSize) {
            torn = true;
            break;
        }
        char header[kFragmentHeaderSize];
        read_exactly(*file_, header, sizeof(header), offset);
        uint32_t length, check;
        uint8_t kind = static_cast<uint8_t>(header[4]);
        uint64_t sum;
        std::memcpy(&length, header, 4);
        std::memcpy(&check, header + 8, 4);
        std::memcpy(&sum, header + 12, 8);
        if (check != header_check(length, kind) || kind < kWhole || kind > kLast || header[5] || header[6] || header[7]) {
            // Read only: a writer may be half way through this record. A tail of zeros is a write whose data
            // never reached the disk after the file grew. Both are torn.
            if (read_only_ || only_zeros(offset, file_size)) {
                torn = true;
                break;
            }
            // A damaged header would make the record look torn and drop everything after it: refuse instead.
            corrupt(path, fmt::format("the record header at byte {} is damaged", offset));
        }
        if (length > file_size - offset - kFragmentHeaderSize) {
            torn = true;
            break;
        }
        size_t at = record.size();
        if (kind == kWhole || kind == kFirst) {
            if (in_record) corrupt(path, fmt::format("a record at byte {} starts inside another", offset));
            record.clear();
            at = 0;
            record_start = offset;
            in_record = true;
        } else if (!in_record) {
            corrupt(path, fmt::format("a record fragment at byte {} continues no record", offset));
        }
        record.resize(at + length);
        read_exactly(*file_, record.data() + at, length, offset + kFragmentHeaderSize);
        if (checksum64(record.data() + at, length) != sum) {
            if (read_only_) {  // a writer may be half way through this fragment
                torn = true;
                break;
            }
            // Invariant 2: a fragment that is all there but fails its checksum was damaged after it was written.
            corrupt(path, fmt::format("the record at byte {} fails its checksum", offset));
        }
        offset += kFragmentHeaderSize + length;
        if (kind == kWhole || kind == kLast) {
            BinaryReader reader(record, path);
            on_record(reader);
            records++;
            in_record = false;
            record_start = offset;
        }
    }
    if (in_record) torn = true;  // the last record lacks its end: never acknowledged
    if (torn && !read_only_) {
        file_->truncate(record_start);
        file_->sync();
    }
    written_ = torn ? record_start : offset;
    durable_ = written_;
    return records;
}

bool WriteAheadLog::only_zeros(uint64_t from, uint64_t to) const {
    std::string chunk(static_cast<size_t>(std::min<uint64_t>(to - from, 1 << 20)), '\0');
    for (uint64_t at = from; at < to; at += chunk.size()) {
        size_t n = file_->read_at(chunk.data(), chunk.size(), at);
        if (n == 0) break;
        if (!std::all_of(chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n), [](char c) { return c == 0; })) return false;
    }
    return true;
}

void WriteAheadLog::write_fragment(std::string& buffer, uint8_t kind, const char* data, size_t size) {
    auto length = static_cast<uint32_t>(size);
    char header[kFragmentHeaderSize] = {};
    std::memcpy(header, &length, 4);
    header[4] = static_cast<char>(kind);
    uint32_t check = header_check(length, kind);
    std::memcpy(header + 8, &check, 4);
    uint64_t sum = checksum64(data, size);
    std::memcpy(header + 12, &sum, 8);
    buffer.append(header, sizeof(header));
    buffer.append(data, size);
}

uint64_t WriteAheadLog::append(const std::string& payload) {
    std::lock_guard guard(append_mutex_);
    if (broken_ || sync_failed_) throw refusal(broken_reason_);
    // Fragments are written in batches of a few MB; the record counts only once its last fragment is down.
    const uint64_t start = written_.load();
    uint64_t at = start;
    try {
        std::string buffer;
        size_t done = 0;
        do {
            size_t n = std::min(kMaxFragment, payload.size() - done);
            bool first = done == 0, last = done + n == payload.size();
            uint8_t kind = first && last ? kWhole : first ? kFirst : last ? kLast : kMiddle;
            write_fragment(buffer, kind, payload.data() + done, n);
            done += n;
            if (buffer.size() >= 4 * kMaxFragment || last) {
                file_->write_at(buffer.data(), buffer.size(), at);
                at += buffer.size();
                buffer.clear();
            }
        } while (done < payload.size());
    } catch (const Error& failure) {
        // Invariant 3: take the partial record back out, so the next record starts at a clean end. (Records
        // before it that wait for their sync stay.)
        try {
            file_->truncate(start);
        } catch (const Error& e) {
            broken_ = true;
            broken_reason_ = e.what();
            // What reached the disk is unknown: the record may be found whole at the next open.
            throw Error(failure.state(), std::string(failure.what()) +
                                                   "; the log could not be restored, so this change may or may not be "
                                                   "there after a restart");
        }
        throw;
    }
    written_.store(at, std::memory_order_release);
    return at;
}

void WriteAheadLog::sync_to(uint64_t end) {
    std::unique_lock lock(sync_mutex_);
    while (true) {
        if (sync_failed_) {
            std::lock_guard guard(append_mutex_);
            throw refusal(broken_reason_);
        }
        if (durable_ >= end) return;
        if (syncing_) {
            synced_.wait(lock);
            continue;
        }
        // Lead a sync for everything written so far; commits arriving meanwhile wait for the next one.
        syncing_ = true;
        uint64_t target = written_.load(std::memory_order_acquire);
        lock.unlock();
        std::optional<Error> failure;
        try {
            file_->sync();
        } catch (const Error& e) {
            failure = e;
        }
        lock.lock();
        syncing_ = false;
        if (!failure) {
            durable_ = std::max(durable_, target);
            synced_.notify_all();
            continue;
        }
        // Invariant 5. Records after the last good sync belong to commits that all fail now: cut them away.
        std::string outcome = "the commits waiting for it were taken out of the log";
        {
            std::lock_guard guard(append_mutex_);
            try {
                file_->truncate(durable_);
                file_->sync();
                written_ = durable_;
            } catch (const Error&) {
                outcome = "the commits waiting for it may or may not be there after a restart";
            }
            broken_reason_ = std::string(failure->what()) + "; " + outcome;
        }
        sync_failed_ = true;
        synced_.notify_all();
        throw Error(failure->state(), std::string(failure->what()) + "; " + outcome + "; reopen the database");
    }
}

}  // namespace basalt

// The write-ahead log: one file of records, appended at each commit and schema change, replayed at open.
// File: "BSLTWAL2", the number of the checkpoint it follows (u64), then records. A record is one or more
// fragments, each [u32 payload length][u8 kind: whole, first, middle, last][3 zero bytes][u32 check of length
// and kind][u64 XXH3 of the payload][payload], so a record has no size limit and no fragment is large.
//   (1) A record is durable once append() returns with sync (fdatasync); with sync off (the setting
//       synchronous = off) it survives a process crash but not a power loss.
//   (2) Replay streams fragment by fragment (memory: one record). It stops at a torn tail (the last record
//       cut short, or a tail of zero bytes where the file grew but its data never reached the disk) and
//       truncates it away. A fragment that is all there but fails its checksum, or a header that fails its
//       check, is corruption: XX001 naming the file, and the database does not open (nothing acknowledged is
//       silently dropped).
//   (3) A failed write truncates the file back to the end of the last complete record; if that fails too the
//       log is broken: every later append fails until a checkpoint starts a new log or the
//       database is reopened (what reached the disk is then decided by replay, never by a guess). A full disk
//       gives 53100.
//   (4) Group commit: append() only writes; sync_to(end) makes everything up to end durable, and one sync
//       serves every record written before it started (commits arriving together share it).
//   (5) A failed sync leaves the kernel's copy of the file in doubt: the unsynced tail is truncated away and
//       the log refuses every append and sync until the database is reopened (PostgreSQL stops the server).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/error.hpp"
#include "common/file_system.hpp"
#include "storage/binary_io.hpp"

namespace basalt {

class WriteAheadLog {
public:
    // A new, empty log for checkpoint `sequence` at path (replacing any file there), synced.
    static std::unique_ptr<WriteAheadLog> create(FileSystem& fs, const std::string& path, uint64_t sequence);
    // An existing log; XX001 when it is not a log of checkpoint `sequence` (empty, cut short, another file).
    // read_only: another process may be writing it; replay stops at an incomplete tail without removing it,
    // and nothing can be appended.
    static std::unique_ptr<WriteAheadLog> open(FileSystem& fs, const std::string& path, uint64_t sequence, bool read_only = false);

    WriteAheadLog(const WriteAheadLog&) = delete;
    WriteAheadLog& operator=(const WriteAheadLog&) = delete;

    // Calls on_record for every intact record in order (invariant 2); returns how many there were.
    size_t replay(const std::function<void(BinaryReader&)>& on_record);
    // Writes one record (invariant 3); returns the offset where it ends, for sync_to. Throws, leaving the log as
    // it was, when it cannot. Thread safe.
    uint64_t append(const std::string& payload);
    // Durable up to end (invariants 4 and 5). Thread safe.
    void sync_to(uint64_t end);
    // append, then sync_to when sync.
    void append(const std::string& payload, bool sync) {
        uint64_t end = append(payload);
        if (sync) sync_to(end);
    }
    const std::string& path() const { return file_->path(); }
    // The end of the last complete record.
    uint64_t size() const { return written_.load(std::memory_order_acquire); }
    // True once a failed write could not be undone or a checkpoint failed (invariant 3), or a sync failed.
    bool broken() const { return broken_.load() || sync_failed_.load(); }
    // True once a sync failed: only a reopen recovers (invariant 5).
    bool sync_failed() const { return sync_failed_.load(); }
    // Refuses every later append: memory and the log no longer agree (a checkpoint failed half way).
    void mark_broken(std::string reason);
    // True when the log holds nothing but its header.
    bool empty() const;

private:
    explicit WriteAheadLog(std::unique_ptr<FileHandle> file) : file_(std::move(file)) {}
    void write_fragment(std::string& buffer, uint8_t kind, const char* data, size_t size);
    // True when bytes [from, to) of the file are all zero.
    bool only_zeros(uint64_t from, uint64_t to) const;
    Error refusal(const std::string& reason) const;

    std::unique_ptr<FileHandle> file_;
    bool read_only_ = false;
    mutable std::mutex append_mutex_;    // one writer at a time; guards broken_reason_
    std::atomic<uint64_t> written_{0};  // the end of the last complete record
    std::atomic<bool> broken_{false};
    std::string broken_reason_;
    std::mutex sync_mutex_;  // guards the fields below
    std::condition_variable synced_;
    bool syncing_ = false;
    uint64_t durable_ = 0;  // synced up to here
    std::atomic<bool> sync_failed_{false};
};

}  // namespace basalt

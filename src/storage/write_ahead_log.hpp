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
//   (3) A failed write or sync truncates the file back to the end of the last good record and syncs; if that
//       fails too the log is broken: every later append fails until the database is reopened (what reached
//       the disk is then decided by replay, never by a guess). A full disk gives 53100.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/file_system.hpp"
#include "storage/binary_io.hpp"

namespace basalt {

class WriteAheadLog {
public:
    // A new, empty log for checkpoint `sequence` at path (replacing any file there), synced.
    static std::unique_ptr<WriteAheadLog> create(FileSystem& fs, const std::string& path, uint64_t sequence);
    // An existing log; XX001 when it is not a log of checkpoint `sequence` (empty, cut short, another file).
    static std::unique_ptr<WriteAheadLog> open(FileSystem& fs, const std::string& path, uint64_t sequence);

    WriteAheadLog(const WriteAheadLog&) = delete;
    WriteAheadLog& operator=(const WriteAheadLog&) = delete;

    // Calls on_record for every intact record in order (invariant 2); returns how many there were.
    size_t replay(const std::function<void(BinaryReader&)>& on_record);
    // Appends one record (invariant 3). Throws, leaving the log as it was, when it cannot.
    void append(const std::string& payload, bool sync);
    const std::string& path() const { return file_->path(); }
    uint64_t size() const { return size_; }
    // True once a failed write could not be undone (invariant 3).
    bool broken() const { return broken_; }
    // Refuses every later append: memory and the log no longer agree (a checkpoint failed half way).
    void mark_broken(std::string reason) {
        broken_ = true;
        broken_reason_ = std::move(reason);
    }
    // True when the log holds nothing but its header.
    bool empty() const;

private:
    explicit WriteAheadLog(std::unique_ptr<FileHandle> file) : file_(std::move(file)) {}
    void write_fragment(std::string& buffer, uint8_t kind, const char* data, size_t size);

    std::unique_ptr<FileHandle> file_;
    uint64_t size_ = 0;  // the end of the last complete record
    bool broken_ = false;
    std::string broken_reason_;
};

}  // namespace basalt

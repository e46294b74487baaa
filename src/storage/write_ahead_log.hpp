// The write-ahead log: one file of records, appended at each commit and schema change, replayed at open.
// File: "BSLTWAL1" then records, each [u32 payload length][u32 check of the length][u64 XXH3 of the
// payload][payload].
//   (1) A record is durable once append() returns with sync (fdatasync); with sync off (the setting
//       synchronous = off) it survives a process crash but not a power loss.
//   (2) Replay stops at a torn tail (the last record cut short, as a crash in the middle of a write leaves it)
//       and truncates it away. A record that is all there but fails its checksum, or a header whose length
//       fails its check, is corruption: XX001 naming the file, and the database does not open (nothing
//       acknowledged is silently dropped).
#pragma once

#include <functional>
#include <string>

#include "storage/binary_io.hpp"

namespace basalt {

class WriteAheadLog {
public:
    // Opens (creating if missing) the log at path for appending.
    explicit WriteAheadLog(std::string path);
    ~WriteAheadLog();
    WriteAheadLog(const WriteAheadLog&) = delete;
    WriteAheadLog& operator=(const WriteAheadLog&) = delete;

    // Calls on_record for every intact record in order (invariant 2); returns how many there were.
    size_t replay(const std::function<void(BinaryReader&)>& on_record);
    void append(const std::string& payload, bool sync);
    const std::string& path() const { return path_; }
    uint64_t size() const { return size_; }

private:
    std::string path_;
    int fd_ = -1;
    uint64_t size_ = 0;
};

}  // namespace basalt

// Where queries put what does not fit in memory (spilled hash tables, join partitions): one folder per database,
// `<database>/tmp` for a database directory, a fresh folder under $TMPDIR (or /tmp) for an in-memory or
// read-only one. Every file goes through the FileSystem, so tests can make it fail (full disk, I/O errors).
//   (1) A TemporaryFile removes itself when its owner lets it go: a finished, failed or cancelled query leaves
//       nothing behind. Files a crashed process left are removed when the folder is next opened.
//   (2) Thread-safe: files are created under a lock; a file is written by one owner and may then be read by
//       several threads at once (positional reads).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/file_system.hpp"

namespace basalt {

class TemporaryDirectory;

class TemporaryFile {
public:
    TemporaryFile(TemporaryDirectory& directory, std::unique_ptr<FileHandle> handle, std::string path);
    ~TemporaryFile();
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;

    // Appends bytes at the end; returns where they start. One writer at a time.
    uint64_t append(const void* data, size_t size);
    // Reads exactly size bytes written before at offset (XX001 when the file ends first).
    void read(void* out, size_t size, uint64_t offset) const;
    uint64_t size() const { return size_; }
    const std::string& path() const { return path_; }

private:
    TemporaryDirectory& directory_;
    std::unique_ptr<FileHandle> handle_;
    std::string path_;
    uint64_t size_ = 0;
};

class TemporaryDirectory {
public:
    // path empty: a new folder under $TMPDIR or /tmp, made on first use and removed with this object.
    TemporaryDirectory(std::shared_ptr<FileSystem> fs, std::string path);
    ~TemporaryDirectory();

    // A new empty file; `purpose` goes into its name (what filled the disk shows in `ls`).
    std::unique_ptr<TemporaryFile> create(const std::string& purpose);

    // Bytes in temporary files now, and files that exist now (tests and monitoring).
    uint64_t bytes_used() const { return bytes_.load(std::memory_order_relaxed); }
    int files_open() const { return files_.load(std::memory_order_relaxed); }
    const std::string& path() const { return path_; }

private:
    friend class TemporaryFile;
    void prepare_locked();

    std::shared_ptr<FileSystem> fs_;
    std::string path_;
    bool owns_folder_ = false;  // made by us under $TMPDIR: removed at the end
    bool prepared_ = false;
    uint64_t next_number_ = 1;
    std::mutex mutex_;
    std::atomic<uint64_t> bytes_{0};
    std::atomic<int> files_{0};
};

}  // namespace basalt

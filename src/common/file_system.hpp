// Every file the storage reads or writes goes through a FileSystem, so tests can put a double underneath that
// fails writes (full disk, I/O errors, short writes, failed syncs) or simulates a crash at any write point.
//   (1) Errors are Errors: ENOSPC and EDQUOT give 53100 (disk full, as in PostgreSQL), a missing file 58P01,
//       anything else 58030, each naming the file and the operation.
//   (2) write_at writes everything or throws; bytes of a failed write may or may not be in the file (callers
//       that need an exact file truncate back).
//   (3) Durability is explicit: data is durable after sync(), a new name (create, rename, remove) after
//       sync_directory() of its folder.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace basalt {

class FileHandle {
public:
    virtual ~FileHandle() = default;
    // Reads up to size bytes at offset; fewer only at the end of the file.
    virtual size_t read_at(void* out, size_t size, uint64_t offset) = 0;
    virtual void write_at(const void* data, size_t size, uint64_t offset) = 0;
    virtual void sync() = 0;
    virtual void truncate(uint64_t size) = 0;
    virtual uint64_t size() = 0;
    virtual const std::string& path() const = 0;
};

// Held while a process has a directory open; released when the object goes or the process dies.
class DirectoryLock {
public:
    virtual ~DirectoryLock() = default;
};

enum class OpenMode {
    kRead,       // an existing file, read only
    kReadWrite,  // an existing file
    kCreate,     // created, or truncated when it exists
};

class FileSystem {
public:
    virtual ~FileSystem() = default;

    virtual std::unique_ptr<FileHandle> open(const std::string& path, OpenMode mode) = 0;
    virtual bool exists(const std::string& path) = 0;
    // Names (not paths) of the entries of a folder; empty when it does not exist.
    virtual std::vector<std::string> list(const std::string& directory) = 0;
    virtual void rename(const std::string& from, const std::string& to) = 0;
    virtual void remove(const std::string& path) = 0;
    virtual void create_directories(const std::string& path) = 0;
    // Removes an empty folder (a missing one is fine).
    virtual void remove_directory(const std::string& path) = 0;
    virtual void sync_directory(const std::string& path) = 0;
    // An exclusive lock held by the kernel on the folder itself (flock), so deleting a file cannot release it.
    // Throws 55006 naming the holder's pid (written to <path>/basalt.lock) when another process holds it.
    virtual std::unique_ptr<DirectoryLock> lock_directory(const std::string& path) = 0;

    // The operating system's files.
    static std::shared_ptr<FileSystem> local();
};

// Reads exactly size bytes at offset; XX001 naming the file when it ends first.
void read_exactly(FileHandle& file, void* out, size_t size, uint64_t offset);
// Writes data to a new file at path and syncs it (not its folder).
void write_file_synced(FileSystem& fs, const std::string& path, const std::string& data);
// The whole file.
std::string read_whole_file(FileSystem& fs, const std::string& path);

// The Error for a failed system call (invariant 1); errno is the cause.
[[noreturn]] void throw_io_error(int error_number, const std::string& what, const std::string& path);

}  // namespace basalt

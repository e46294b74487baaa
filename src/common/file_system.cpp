#include "common/file_system.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace basalt {

void throw_io_error(int error_number, const std::string& what, const std::string& path) {
    SqlState state = sql_state::kIoError;
    if (error_number == ENOSPC || error_number == EDQUOT) state = sql_state::kDiskFull;
    if (error_number == ENOENT) state = sql_state::kUndefinedFile;
    throw Error(state, fmt::format("could not {} \"{}\": {}", what, path, std::strerror(error_number)));
}

namespace {

class LocalFile final : public FileHandle {
public:
    LocalFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    ~LocalFile() override { ::close(fd_); }

    size_t read_at(void* out, size_t size, uint64_t offset) override {
        size_t got = 0;
        while (got < size) {
            ssize_t n = ::pread(fd_, static_cast<char*>(out) + got, size - got, static_cast<off_t>(offset + got));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw_io_error(errno, "read", path_);
            if (n == 0) break;
            got += static_cast<size_t>(n);
        }
        return got;
    }
    void write_at(const void* data, size_t size, uint64_t offset) override {
        size_t done = 0;
        while (done < size) {
            ssize_t n = ::pwrite(fd_, static_cast<const char*>(data) + done, size - done, static_cast<off_t>(offset + done));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw_io_error(errno, "write to", path_);
            done += static_cast<size_t>(n);
        }
    }
    void sync() override {
        if (::fdatasync(fd_) != 0) throw_io_error(errno, "sync", path_);
    }
    void truncate(uint64_t size) override {
        if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) throw_io_error(errno, "truncate", path_);
    }
    uint64_t size() override {
        struct stat st {};
        if (::fstat(fd_, &st) != 0) throw_io_error(errno, "stat", path_);
        return static_cast<uint64_t>(st.st_size);
    }
    const std::string& path() const override { return path_; }

private:
    int fd_;
    std::string path_;
};

class LocalDirectoryLock final : public DirectoryLock {
public:
    explicit LocalDirectoryLock(int fd) : fd_(fd) {}
    ~LocalDirectoryLock() override { ::close(fd_); }

private:
    int fd_;
};

// The pid holding a flock on the file at path, from the kernel's lock table; empty when not found.
std::string flock_holder(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return "";
    std::string device = fmt::format("{:02x}:{:02x}:{}", major(st.st_dev), minor(st.st_dev), st.st_ino);
    std::ifstream locks("/proc/locks");
    std::string line;
    while (std::getline(locks, line)) {
        // "1: FLOCK  ADVISORY  WRITE 6242 fe:00:10952828 0 EOF"
        std::istringstream in(line);
        std::string id, kind, mode, access, pid, where;
        in >> id >> kind >> mode >> access >> pid >> where;
        if (kind == "FLOCK" && where == device) return pid;
    }
    return "";
}

class LocalFileSystem final : public FileSystem {
public:
    std::unique_ptr<FileHandle> open(const std::string& path, OpenMode mode) override {
        int flags = O_CLOEXEC;
        if (mode == OpenMode::kRead) flags |= O_RDONLY;
        if (mode == OpenMode::kReadWrite) flags |= O_RDWR;
        if (mode == OpenMode::kCreate) flags |= O_RDWR | O_CREAT | O_TRUNC;
        int fd = ::open(path.c_str(), flags, 0644);
        if (fd < 0) throw_io_error(errno, mode == OpenMode::kCreate ? "create" : "open", path);
        return std::make_unique<LocalFile>(fd, path);
    }
    bool exists(const std::string& path) override {
        struct stat st {};
        return ::stat(path.c_str(), &st) == 0;
    }
    std::vector<std::string> list(const std::string& directory) override {
        std::vector<std::string> names;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) names.push_back(entry.path().filename().string());
        return names;
    }
    void rename(const std::string& from, const std::string& to) override {
        if (::rename(from.c_str(), to.c_str()) != 0) throw_io_error(errno, "rename", from);
    }
    void remove(const std::string& path) override {
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw_io_error(errno, "remove", path);
    }
    void remove_directory(const std::string& path) override {
        if (::rmdir(path.c_str()) != 0 && errno != ENOENT) throw_io_error(errno, "remove directory", path);
    }
    void create_directories(const std::string& path) override {
        std::error_code ec;
        std::filesystem::create_directories(path, ec);
        if (ec) throw_io_error(ec.value(), "create directory", path);
    }
    void sync_directory(const std::string& path) override {
        int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) throw_io_error(errno, "open", path);
        int rc = ::fsync(fd);
        int error_number = errno;
        ::close(fd);
        if (rc != 0) throw_io_error(error_number, "sync", path);
    }
    std::unique_ptr<DirectoryLock> lock_directory(const std::string& path) override;
};

std::unique_ptr<DirectoryLock> LocalFileSystem::lock_directory(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw_io_error(errno, "open", path);
    auto lock = std::make_unique<LocalDirectoryLock>(fd);
    std::string pid_path = path + "/basalt.lock";
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int error_number = errno;
        if (error_number != EWOULDBLOCK) throw_io_error(error_number, "lock", path);
        // The kernel knows the holder; else the pid it wrote after taking the lock (gone if the file was removed).
        std::string holder = flock_holder(path);
        int pid_fd = holder.empty() ? ::open(pid_path.c_str(), O_RDONLY | O_CLOEXEC) : -1;
        if (pid_fd >= 0) {
            char buffer[32] = {};
            ssize_t n = ::read(pid_fd, buffer, sizeof(buffer) - 1);
            ::close(pid_fd);
            if (n > 0) holder = std::string(buffer, static_cast<size_t>(n));
            while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
        }
        if (holder.empty()) holder = "unknown";
        throw Error(sql_state::kObjectInUse,
                    fmt::format("database directory \"{}\" is in use by another process (pid {})", path, holder));
    }
    // The pid is for the message above only: the lock is the flock on the folder.
    int pid_fd = ::open(pid_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (pid_fd >= 0) {
        std::string pid = std::to_string(::getpid()) + "\n";
        [[maybe_unused]] ssize_t n = ::write(pid_fd, pid.data(), pid.size());
        ::close(pid_fd);
    }
    return lock;
}

}  // namespace

std::shared_ptr<FileSystem> FileSystem::local() {
    static std::shared_ptr<FileSystem> instance = std::make_shared<LocalFileSystem>();
    return instance;
}

void read_exactly(FileHandle& file, void* out, size_t size, uint64_t offset) {
    if (file.read_at(out, size, offset) != size) {
        throw Error(sql_state::kDataCorrupted,
                    fmt::format("could not read \"{}\": the file ends before byte {}", file.path(), offset + size));
    }
}

void write_file_synced(FileSystem& fs, const std::string& path, const std::string& data) {
    auto file = fs.open(path, OpenMode::kCreate);
    file->write_at(data.data(), data.size(), 0);
    file->sync();
}

std::string read_whole_file(FileSystem& fs, const std::string& path) {
    auto file = fs.open(path, OpenMode::kRead);
    std::string data(file->size(), '\0');
    read_exactly(*file, data.data(), data.size(), 0);
    return data;
}

}  // namespace basalt

// A FileSystem for tests that sits on the real one and, at a chosen write point, injects a fault or a crash
// (after LevelDB's fault-injection environment and SQLite's I/O error tests). A write point is every call that
// changes something: creating, writing, syncing, truncating, renaming or removing a file, syncing a folder.
//   - fail(point, errno, sticky): that call fails with errno (ENOSPC, EIO); sticky: every later one too.
//     A write that fails is short: half of its bytes reach the file first, as a full disk leaves it.
//   - crash(point): that call and every later one fail, as if the process had died there. The test then
//     closes the database and calls lose_unsynced_data() to model a power loss on top (what was never
//     synced is gone: file bytes past the last sync, names created, renamed or removed since their folder's
//     last sync), or skips it to model a process crash (the kernel keeps every write).
// Syncs are not passed down to the disk: this file system models durability itself (and tests run faster).
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/file_system.hpp"

namespace basalt::test {

// What survives a power loss of one file (shared by its handles, and kept across renames).
struct FaultFileState {
    uint64_t synced_size = 0;
};

class FaultInjectionFileSystem : public FileSystem {
public:
    FaultInjectionFileSystem() : base_(FileSystem::local()) {}

    void fail(uint64_t point, int error_number, bool sticky) {
        std::lock_guard guard(mutex_);
        fail_point_ = point;
        fail_errno_ = error_number;
        sticky_ = sticky;
    }
    void crash(uint64_t point) {
        std::lock_guard guard(mutex_);
        crash_point_ = point;
    }
    uint64_t write_points() const {
        std::lock_guard guard(mutex_);
        return points_;
    }
    bool crashed() const {
        std::lock_guard guard(mutex_);
        return crashed_;
    }
    // Power loss after the crash: undo what was not synced (see the header comment).
    void lose_unsynced_data() {
        std::lock_guard guard(mutex_);
        namespace fs = std::filesystem;
        // Names first, newest change first.
        for (auto it = name_changes_.rbegin(); it != name_changes_.rend(); ++it) {
            std::error_code ec;
            if (it->kind == NameChange::kCreate) {
                fs::remove(it->path, ec);
                files_.erase(it->path);
            } else if (it->kind == NameChange::kRename) {
                fs::rename(it->path, it->from, ec);
                if (files_.count(it->path)) {
                    files_[it->from] = files_[it->path];
                    files_.erase(it->path);
                }
            } else {
                std::ofstream(it->path, std::ios::binary) << it->content;
                files_[it->path] = std::make_shared<FaultFileState>(FaultFileState{it->content.size()});
            }
        }
        name_changes_.clear();
        for (const auto& [path, state] : files_) {
            std::error_code ec;
            if (fs::exists(path, ec) && fs::file_size(path, ec) > state->synced_size) fs::resize_file(path, state->synced_size, ec);
        }
    }

    std::unique_ptr<FileHandle> open(const std::string& path, OpenMode mode) override;
    bool exists(const std::string& path) override { return base_->exists(path); }
    std::vector<std::string> list(const std::string& directory) override { return base_->list(directory); }
    void rename(const std::string& from, const std::string& to) override {
        write_point(from);
        base_->rename(from, to);
        std::lock_guard guard(mutex_);
        name_changes_.push_back({NameChange::kRename, to, from, ""});
        if (files_.count(from)) {
            files_[to] = files_[from];
            files_.erase(from);
        }
    }
    void remove(const std::string& path) override {
        write_point(path);
        std::string content;
        {
            std::ifstream in(path, std::ios::binary);
            content.assign(std::istreambuf_iterator<char>(in), {});
        }
        base_->remove(path);
        std::lock_guard guard(mutex_);
        files_.erase(path);
        name_changes_.push_back({NameChange::kRemove, path, "", std::move(content)});
    }
    void create_directories(const std::string& path) override { base_->create_directories(path); }
    void remove_directory(const std::string& path) override { base_->remove_directory(path); }
    void sync_directory(const std::string& path) override {
        write_point(path);
        std::lock_guard guard(mutex_);
        // Name changes in that folder are durable now.
        std::string folder = std::filesystem::path(path).lexically_normal().string();
        std::erase_if(name_changes_, [&](const NameChange& c) {
            return std::filesystem::path(c.path).parent_path().lexically_normal().string() == folder;
        });
    }
    std::unique_ptr<DirectoryLock> lock_directory(const std::string& path) override { return base_->lock_directory(path); }

    // Called by every write point; throws the injected fault, if any.
    void write_point(const std::string& path) {
        std::lock_guard guard(mutex_);
        points_++;
        if (crashes_at(points_)) {
            crashed_ = true;
            throw Error(sql_state::kIoError, "simulated crash at write point " + std::to_string(points_) + " (" + path + ")");
        }
        if (fails_at(points_)) throw_io_error(fail_errno_, "write (injected)", path);
    }
    // Whether the write point about to come will fail (writes then put half their bytes down first).
    bool next_write_fails() const {
        std::lock_guard guard(mutex_);
        uint64_t next = points_ + 1;
        return !crashes_at(next) && fails_at(next);  // a crash writes nothing
    }
    // The state of the file at path (fresh: a new file, nothing synced; else: what it holds counts as synced).
    std::shared_ptr<FaultFileState> track(const std::string& path, bool fresh, uint64_t size) {
        std::lock_guard guard(mutex_);
        auto& state = files_[path];
        if (fresh || !state) state = std::make_shared<FaultFileState>(FaultFileState{fresh ? 0 : size});
        return state;
    }
    void note_create(const std::string& path) {
        std::lock_guard guard(mutex_);
        name_changes_.push_back({NameChange::kCreate, path, "", ""});
    }

private:
    // With mutex_ held: whether write point `point` crashes, or fails with the injected errno.
    bool crashes_at(uint64_t point) const { return crashed_ || (crash_point_ && point >= *crash_point_); }
    bool fails_at(uint64_t point) const {
        return fail_point_ && *fail_point_ > 0 && (point == *fail_point_ || (sticky_ && point > *fail_point_));
    }

    struct NameChange {
        enum Kind { kCreate, kRename, kRemove } kind;
        std::string path;     // the name created, the new name, the name removed
        std::string from;     // rename: the old name
        std::string content;  // remove: what the file held
    };

    std::shared_ptr<FileSystem> base_;
    mutable std::mutex mutex_;
    uint64_t points_ = 0;
    std::optional<uint64_t> fail_point_, crash_point_;
    int fail_errno_ = 0;
    bool sticky_ = false;
    bool crashed_ = false;
    std::map<std::string, std::shared_ptr<FaultFileState>> files_;  // files opened for writing, by current name
    std::vector<NameChange> name_changes_;    // not yet made durable by a folder sync
};

class FaultInjectionFile : public FileHandle {
public:
    FaultInjectionFile(std::unique_ptr<FileHandle> base, FaultInjectionFileSystem& fs, std::shared_ptr<FaultFileState> state)
        : base_(std::move(base)), fs_(fs), state_(std::move(state)) {}
    size_t read_at(void* out, size_t size, uint64_t offset) override { return base_->read_at(out, size, offset); }
    void write_at(const void* data, size_t size, uint64_t offset) override {
        if (fs_.next_write_fails() && size > 1) base_->write_at(data, size / 2, offset);  // a short write
        fs_.write_point(path());
        base_->write_at(data, size, offset);
    }
    void sync() override {
        fs_.write_point(path());
        state_->synced_size = base_->size();
    }
    void truncate(uint64_t size) override {
        fs_.write_point(path());
        base_->truncate(size);
        state_->synced_size = std::min(state_->synced_size, size);
    }
    uint64_t size() override { return base_->size(); }
    const std::string& path() const override { return base_->path(); }

private:
    std::unique_ptr<FileHandle> base_;
    FaultInjectionFileSystem& fs_;
    std::shared_ptr<FaultFileState> state_;  // null for files opened read only
};

inline std::unique_ptr<FileHandle> FaultInjectionFileSystem::open(const std::string& path, OpenMode mode) {
    if (mode == OpenMode::kCreate) {
        bool existed = base_->exists(path);
        write_point(path);
        auto file = base_->open(path, mode);
        if (!existed) note_create(path);
        return std::make_unique<FaultInjectionFile>(std::move(file), *this, track(path, true, 0));
    }
    auto file = base_->open(path, mode);
    std::shared_ptr<FaultFileState> state;
    if (mode == OpenMode::kReadWrite) state = track(path, false, file->size());
    return std::make_unique<FaultInjectionFile>(std::move(file), *this, std::move(state));
}

}  // namespace basalt::test

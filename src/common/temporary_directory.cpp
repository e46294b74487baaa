#include "common/temporary_directory.hpp"

#include <unistd.h>

#include <cstdlib>

namespace basalt {

TemporaryFile::TemporaryFile(TemporaryDirectory& directory, std::unique_ptr<FileHandle> handle, std::string path)
    : directory_(directory), handle_(std::move(handle)), path_(std::move(path)) {
    directory_.files_.fetch_add(1, std::memory_order_relaxed);
}

TemporaryFile::~TemporaryFile() {
    handle_.reset();
    try {
        directory_.fs_->remove(path_);
    } catch (...) {
        // Nothing to report it to from a destructor; the folder's next opening removes what is left.
    }
    directory_.bytes_.fetch_sub(size_, std::memory_order_relaxed);
    directory_.files_.fetch_sub(1, std::memory_order_relaxed);
}

uint64_t TemporaryFile::append(const void* data, size_t size) {
    uint64_t at = size_;
    handle_->write_at(data, size, at);
    size_ += size;
    directory_.bytes_.fetch_add(size, std::memory_order_relaxed);
    return at;
}

void TemporaryFile::read(void* out, size_t size, uint64_t offset) const { read_exactly(*handle_, out, size, offset); }

TemporaryDirectory::TemporaryDirectory(std::shared_ptr<FileSystem> fs, std::string path) : fs_(std::move(fs)), path_(std::move(path)) {
    if (path_.empty()) {
        // A name no other process or database uses: the pid and this object's address.
        const char* base = std::getenv("TMPDIR");
        path_ = std::string(base && *base ? base : "/tmp") + "/basalt-" + std::to_string(::getpid()) + "-" +
                std::to_string(reinterpret_cast<uintptr_t>(this));
        owns_folder_ = true;
        return;
    }
    // Files of a process that died with queries running (invariant 1).
    for (const auto& name : fs_->list(path_)) fs_->remove(path_ + "/" + name);
}

TemporaryDirectory::~TemporaryDirectory() {
    if (!owns_folder_ || !prepared_) return;
    try {
        fs_->remove_directory(path_);
    } catch (...) {
    }
}

void TemporaryDirectory::prepare_locked() {
    if (prepared_) return;
    fs_->create_directories(path_);
    prepared_ = true;
}

std::unique_ptr<TemporaryFile> TemporaryDirectory::create(const std::string& purpose) {
    std::string path;
    {
        std::lock_guard guard(mutex_);
        prepare_locked();
        path = path_ + "/" + purpose + "-" + std::to_string(next_number_++) + ".tmp";
    }
    auto handle = fs_->open(path, OpenMode::kCreate);
    return std::make_unique<TemporaryFile>(*this, std::move(handle), path);
}

}  // namespace basalt

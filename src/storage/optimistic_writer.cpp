#include "storage/optimistic_writer.hpp"

#include "common/error.hpp"

namespace basalt {

OptimisticWriter::OptimisticWriter(std::shared_ptr<FileSystem> fs, std::string directory, std::atomic<uint64_t>& next_file,
                                   std::function<Compression()> compression, BufferCache* cache)
    : fs_(std::move(fs)), directory_(std::move(directory)), next_file_(next_file), compression_(std::move(compression)), cache_(cache) {}

std::shared_ptr<RowGroupFile> OptimisticWriter::write(const std::vector<LogicalType>& types,
                                                      const std::vector<std::vector<const Vector*>>& columns, idx_t rows) {
    uint64_t number = 0;
    {
        // Pending before the file exists, and numbered under the same lock as pending() reads both: a cleanup
        // running meanwhile either sees it pending or above its limit.
        std::lock_guard guard(mutex_);
        number = next_file_++;
        pending_.insert(number);
    }
    std::string path = column_file_path(directory_, number);
    try {
        return RowGroupFile::write(fs_, path, number, types, columns, rows, compression_(), cache_);
    } catch (...) {
        try {
            fs_->remove(path);
        } catch (const Error&) {
            // Unreferenced: the next open removes it.
        }
        std::lock_guard guard(mutex_);
        pending_.erase(number);
        throw;
    }
}

void OptimisticWriter::discard(const RowGroupFile& file) {
    cache_->forget_file(file.number());
    try {
        fs_->remove(file.path());
    } catch (const Error&) {
        // Unreferenced: the next open (or checkpoint) removes it.
    }
    std::lock_guard guard(mutex_);
    pending_.erase(file.number());
}

void OptimisticWriter::adopt(uint64_t number) {
    std::lock_guard guard(mutex_);
    pending_.erase(number);
}

std::set<uint64_t> OptimisticWriter::pending(uint64_t& limit) const {
    std::lock_guard guard(mutex_);
    limit = next_file_.load();
    return pending_;
}

void OptimisticWriter::sync_directory() { fs_->sync_directory(directory_ + "/data"); }

}  // namespace basalt

// Column files written for a transaction before it commits ("optimistic writes", as DuckDB does): a load into a
// persistent table writes each full row group of its uncommitted rows to data/<n>.bcol and drops them from
// memory, so a transaction's size is no longer bound by memory, and its commit record names the files instead
// of carrying their rows. One per database directory, shared by every transaction.
//   (1) A file is pending from the moment its number is taken until the transaction commits (the table then
//       references it: adopt) or rolls back (discard removes it). Pending files are never cleanup's garbage:
//       remove_unreferenced_files() skips every number pending() lists, and every one from its limit on.
//   (2) A file is written whole and fsync'd before write() returns; the data directory is synced before the
//       commit record that names it (Database::log_commit). A crash before that record leaves the file
//       unreferenced, and the next open removes it.
// Thread safe: transactions write, discard and adopt concurrently with checkpoints.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/file_system.hpp"
#include "storage/row_group_file.hpp"

namespace basalt {

class OptimisticWriter {
public:
    // next_file: the database's column file numbers (shared with checkpoints); compression: read per file.
    OptimisticWriter(std::shared_ptr<FileSystem> fs, std::string directory, std::atomic<uint64_t>& next_file,
                     std::function<Compression()> compression, BufferCache* cache);

    // Writes one row group (columns[c][v]: vector v of column c) as a new pending file (invariants 1, 2). On a
    // failure nothing is left behind and the error is thrown.
    std::shared_ptr<RowGroupFile> write(const std::vector<LogicalType>& types, const std::vector<std::vector<const Vector*>>& columns,
                                        idx_t rows);
    // Rollback: removes a pending file (best effort: what is left is unreferenced, removed at the next open).
    void discard(const RowGroupFile& file);
    // Commit: the file belongs to a table now.
    void adopt(uint64_t number);
    // Numbers of the files written and not yet adopted or discarded; limit: the next number, so a file numbered
    // at or above it may be being written now (cleanup leaves those alone too).
    std::set<uint64_t> pending(uint64_t& limit) const;
    // Makes the names of written files durable (before a commit record names them).
    void sync_directory();

private:
    std::shared_ptr<FileSystem> fs_;
    std::string directory_;
    std::atomic<uint64_t>& next_file_;
    std::function<Compression()> compression_;
    BufferCache* cache_;
    mutable std::mutex mutex_;
    std::set<uint64_t> pending_;
};

}  // namespace basalt

// The embedded database: a catalog, a worker pool, the transaction manager and settings, shared by its
// connections (one per thread). In-memory for now (the storage issue puts it in a directory).
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "catalog/catalog.hpp"
#include "common/fair_shared_mutex.hpp"
#include "common/file_system.hpp"
#include "common/task_scheduler.hpp"
#include "common/temporary_directory.hpp"
#include "main/query_result.hpp"
#include "parser/ast.hpp"
#include "storage/binary_io.hpp"
#include "storage/buffer_cache.hpp"
#include "storage/column_encoding.hpp"
#include "storage/optimistic_writer.hpp"
#include "storage/transaction.hpp"

namespace basalt {

class Connection;

// Statements implemented by layers above main (io: COPY, CALL dbgen); installed by whoever opens the database.
struct StatementExtensions {
    std::function<QueryResult(Connection&, const Statement&)> copy;
    std::function<QueryResult(Connection&, const Statement&)> call;
};

class WriteAheadLog;

class Database {
public:
    // directory empty: in memory. Otherwise the database lives in that directory (created if missing), which
    // one process at a time may open; committed work is replayed from its log. fs: where files are read and
    // written (default: the operating system's; tests pass one that injects faults).
    // read_only: opens a directory that another process may be writing, without its lock: the last checkpoint
    // and the complete records of its log at the time of opening; every change is refused (25006), nothing in
    // the directory is written or removed, and column files are held open so a writer's cleanup cannot pull
    // them away.
    explicit Database(int threads = 0, const std::string& directory = "", std::shared_ptr<FileSystem> fs = nullptr,
                      bool read_only = false);
    ~Database();

    Catalog& catalog() { return catalog_; }
    TaskScheduler& scheduler() { return *scheduler_; }
    StatementExtensions& extensions() { return extensions_; }
    TransactionManager& transactions() { return transactions_; }
    // Schema changes hold this exclusively, every other statement shares it: a running query never sees the
    // catalog or a table's columns change under it. Data changes are isolated by MVCC, not by this lock. A
    // waiting schema change or checkpoint goes before statements that arrive after it.
    FairSharedMutex& statement_lock() { return statement_lock_; }

    bool persistent() const { return !directory_.empty(); }
    // Opened read-only and done replaying: every change is refused (25006).
    bool refuses_changes() const { return read_only_ && !replaying_; }
    const std::string& directory() const { return directory_; }
    // Memory holds a change the log lacks: commits fail (58030, naming reason) until a checkpoint succeeds.
    void refuse_commits(const std::string& reason);
    // synchronous = full (commits wait for the disk) or off (bulk loads; a power loss may lose recent commits).
    void set_synchronous(bool full) { synchronous_ = full; }
    bool synchronous() const { return synchronous_; }
    // Block compression of column files (setting compression: zstd, lz4 or none).
    void set_compression(Compression c) { compression_ = c; }
    Compression compression() const { return compression_; }
    BufferCache& buffer_cache() { return *cache_; }
    // The memory budget queries and the buffer cache share (setting memory_limit).
    MemoryManager& memory() { return memory_; }
    // Where queries spill what does not fit in memory_limit.
    TemporaryDirectory& temporary_directory() { return *temporary_; }
    // memory_limit when none is set: 80 % of physical memory, as DuckDB.
    static size_t default_memory_limit();

    // Writes every table's new rows to column files and a new manifest, then starts a fresh log. The caller
    // holds the statement lock exclusively (no statement runs); open transactions may exist.
    // vacuum: also rewrite every row group with rows deleted before the retention period or room to merge.
    void checkpoint(bool vacuum = false);
    // Time travel: how far back snapshots stay readable (setting time_travel_retention, default 7 days).
    void set_retention(int64_t micros) { retention_micros_ = micros; }
    int64_t retention() const { return retention_micros_; }
    // The oldest snapshot a time-travel read may name: compactions dropped the rows older ones would need.
    txn_t oldest_readable_snapshot() const { return vacuum_horizon_; }
    // True when the log has grown past the checkpoint threshold (setting checkpoint_threshold).
    bool wants_checkpoint() const;
    // After a commit: wakes the background checkpointer when the log has grown past the threshold. The
    // committing session does not wait for the checkpoint (statements that start while it runs do).
    void request_checkpoint_if_needed();
    void set_checkpoint_threshold(uint64_t bytes) { checkpoint_threshold_ = bytes; }
    uint64_t checkpoint_threshold() const { return checkpoint_threshold_; }
    uint64_t checkpoint_number() const { return checkpoint_seq_; }

private:
    void open_directory();
    void open_read_only();
    // Which checkpoint is in force (0 for a new directory), after checking that every file it needs is there
    // and nothing newer than it exists; XX001 otherwise (nothing is deleted).
    uint64_t find_checkpoint();
    std::string manifest_path(uint64_t seq) const;
    // wal-<seq>.log, or wal-<seq>.new while its checkpoint is being written.
    std::string log_path(uint64_t seq, bool fresh) const;
    void load_manifest(const std::string& path, Connection& connection);
    void write_checkpoint(bool vacuum);
    // Removes what the manifest in force proves garbage: older manifests and logs, leftovers of an interrupted
    // checkpoint, column files it does not reference.
    void remove_unreferenced_files();
    void compact_tables(bool vacuum);
    void expire_rows();
    // Writes a commit's record (not synced: see on_durable); returns where it ends.
    uint64_t log_commit(const Transaction& transaction, txn_t commit_id);
    void replay_record(BinaryReader& record, Connection& connection);
    // The column files a commit record names for one table (RecordType::k*WithFiles), adopted by the table.
    void replay_files(BinaryReader& record, DataTable& table, txn_t commit_id);

    Catalog catalog_;
    std::unique_ptr<TaskScheduler> scheduler_;
    StatementExtensions extensions_;
    TransactionManager transactions_;
    FairSharedMutex statement_lock_;
    std::string directory_;
    bool read_only_ = false;
    std::shared_ptr<FileSystem> fs_;
    std::unique_ptr<DirectoryLock> directory_lock_;
    std::unique_ptr<WriteAheadLog> log_;
    bool replaying_ = false;
    std::atomic<bool> synchronous_{true};
    std::atomic<Compression> compression_{Compression::kZstd};
    MemoryManager memory_{default_memory_limit()};
    std::unique_ptr<TemporaryDirectory> temporary_;
    std::unique_ptr<BufferCache> cache_;
    std::atomic<uint64_t> checkpoint_seq_{0};  // the manifest in force (0: none yet); the log is wal-<seq>.log
    std::atomic<uint64_t> next_file_{1};  // number of the next column file (data/<n>.bcol); checkpoints and
                                          // transactions writing early (optimistic_writer_) both take numbers
    std::shared_ptr<OptimisticWriter> optimistic_writer_;  // null: in memory or read-only
    std::atomic<uint64_t> checkpoint_threshold_{64ull << 20};
    std::atomic<int64_t> retention_micros_{7LL * 24 * 3600 * 1000000};
    std::atomic<txn_t> vacuum_horizon_{0};
    // The background checkpointer (persistent databases only).
    void run_checkpointer();
    std::thread checkpointer_;
    std::mutex checkpointer_mutex_;
    std::condition_variable checkpointer_wakeup_;
    bool checkpoint_requested_ = false;
    bool stopping_ = false;
};

}  // namespace basalt

// Transactions with snapshot isolation. A transaction reads the commits up to its snapshot plus its own
// changes; its inserts wait in LocalTableStorage and its deletes mark rows (DataTable invariant 2).
//   (1) Commits are serialized by the manager: a commit takes the next commit id, validates unique keys,
//       calls the commit hook (the write-ahead log), then applies inserts and deletes and publishes the id.
//       Readers take the last published id as their snapshot, so they never see half a commit.
//   (2) Write-write conflicts are found when the second writer touches the row (DataTable::delete_row) or a
//       key (LocalTableStorage); the later transaction gets 40001 and must roll back.
//   (3) Changes kept above the storage layer (catalog entries) join the transaction as pending changes: their
//       commit action runs under the commit lock with the commit id, before the id is published; their
//       rollback actions run newest first at ROLLBACK or ROLLBACK TO SAVEPOINT. Their log text (SQL to replay)
//       goes into the commit's log record, ahead of its rows.
//   (4) A transaction writes to a table only if it sees the table's last schema change (DataTable::
//       schema_change): rows written through an older definition would land in a table that was dropped or
//       altered since (40001).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/local_storage.hpp"

namespace basalt {

class TransactionManager;

class Transaction {
public:
    Transaction(TransactionManager& manager, txn_t snapshot, txn_t id) : manager_(manager), view_{snapshot, id} {}
    ~Transaction();

    const TransactionView& view() const { return view_; }
    txn_t snapshot() const { return view_.snapshot; }
    txn_t id() const { return view_.id; }

    // The transaction's pending inserts into table (created on first use); nullptr from find when none.
    LocalTableStorage& local_storage(const std::shared_ptr<DataTable>& table);
    LocalTableStorage* find_local_storage(const DataTable* table) const;
    // Deletes a row this transaction sees (committed or its own); false when it was already deleted by this
    // transaction. Throws 40001 on a write-write conflict.
    bool delete_row(const std::shared_ptr<DataTable>& table, row_t row);

    // Whether this transaction holds uncommitted changes to table.
    bool touches(const DataTable* table) const { return touched_.count(table) > 0; }
    // Rows inserted or deleted, or schema changes (a statement that touched a table but changed no row, like an
    // UPDATE matching nothing, commits nothing: no commit id, no log record).
    bool has_changes() const {
        if (!deletes_.empty() || !pending_changes_.empty()) return true;
        for (const auto& [raw, local] : locals_) {
            if (local->chunk_count() > 0) return true;
        }
        return false;
    }

    // Invariant 3.
    struct PendingChange {
        std::function<void(txn_t commit_id)> commit;
        std::function<void()> rollback;
    };
    void add_pending_change(PendingChange change) { pending_changes_.push_back(std::move(change)); }
    void log_schema_change(std::string sql) { schema_log_.push_back(std::move(sql)); }
    const std::vector<std::string>& schema_log() const { return schema_log_; }
    bool changes_schema() const { return !pending_changes_.empty(); }

    // SAVEPOINT name / ROLLBACK TO name (false: no such savepoint) / RELEASE name (false: no such savepoint).
    void savepoint(const std::string& name);
    bool rollback_to_savepoint(const std::string& name);
    bool release_savepoint(const std::string& name);

    struct TableDeletes {
        std::shared_ptr<DataTable> table;
        std::vector<row_t> rows;
    };
    const std::map<const DataTable*, std::unique_ptr<LocalTableStorage>>& local_storages() const { return locals_; }
    const std::map<const DataTable*, TableDeletes>& deletes() const { return deletes_; }

private:
    friend class TransactionManager;
    void touch(const std::shared_ptr<DataTable>& table);
    void release_tables();

    TransactionManager& manager_;
    TransactionView view_;
    std::map<const DataTable*, std::unique_ptr<LocalTableStorage>> locals_;
    std::map<const DataTable*, TableDeletes> deletes_;
    std::map<const DataTable*, std::shared_ptr<DataTable>> touched_;  // tables with pending changes
    struct Savepoint {
        std::string name;
        std::map<const DataTable*, LocalTableStorage::Mark> locals;
        std::map<const DataTable*, size_t> deletes;
        size_t pending_changes = 0;
        size_t schema_log = 0;
    };
    // Undoes pending changes after the first `keep` (newest first).
    void undo_pending_changes(size_t keep);
    std::vector<PendingChange> pending_changes_;
    std::vector<std::string> schema_log_;
    std::vector<Savepoint> savepoints_;
    bool finished_ = false;
};

class TransactionManager {
public:
    std::unique_ptr<Transaction> begin();
    // Makes the transaction's changes visible atomically (invariant 1); returns the commit id (0 when it
    // changed nothing). On an error (40001, or the hook's) the transaction is rolled back and the error thrown.
    txn_t commit(Transaction& transaction);
    void rollback(Transaction& transaction);

    txn_t last_committed() const { return last_committed_.load(std::memory_order_acquire); }
    // Log replay: commits up to commit_id happened before this process started.
    void restore_last_committed(txn_t commit_id);

    // When each commit happened (microseconds since the epoch), for time travel by timestamp and retention.
    void record_commit_time(txn_t commit_id, int64_t micros);
    // The last commit at or before micros (0 when none); the time of a commit (nullopt when unknown).
    txn_t commit_at_or_before(int64_t micros) const;
    std::optional<int64_t> commit_time(txn_t commit_id) const;
    std::vector<std::pair<txn_t, int64_t>> commit_times() const;
    // Forgets commit times before `micros`, keeping the last one before it (it still names a snapshot).
    void trim_commit_times(int64_t micros);
    // The oldest snapshot a running transaction reads (versions older than it may be cleaned up).
    txn_t oldest_active_snapshot() const;

    // Called under the commit lock with the commit id, before the changes are applied: the write-ahead log
    // writes the commit's record here and returns where it ends. Throwing aborts the commit.
    std::function<uint64_t(const Transaction&, txn_t)> on_commit;
    // Called after the commit lock is released, with what on_commit returned: returns once the record is
    // durable, so commits arriving together share one sync (group commit). The commit's changes are applied
    // but invisible until then (published afterwards, never out of commit order). Throwing fails the commit; its
    // changes stay invisible, and the database must refuse further commits (the log does).
    std::function<void(uint64_t)> on_durable;
    // A persistent database's writer of uncommitted row groups (local_storage.hpp invariant 4); null: none.
    std::shared_ptr<OptimisticWriter> optimistic_writer;
    // A commit made by the database itself (ttl expiry at a checkpoint), with the commit mutex held: the id to
    // mark changes with, then publish it (or not, when nothing changed).
    txn_t next_commit_id() const { return last_assigned_ + 1; }
    void publish_system_commit(txn_t commit_id, int64_t micros);
    // With the commit mutex held, once every written commit is durable: makes them all visible.
    void publish_assigned() { publish(last_assigned_); }
    // Held by checkpoints: no commit runs while the committed state is written out.
    std::mutex& commit_mutex() { return commit_mutex_; }

private:
    friend class Transaction;
    void finish(Transaction& transaction);

    std::mutex commit_mutex_;
    mutable std::mutex active_mutex_;
    std::multiset<txn_t> active_snapshots_;
    // Makes commits up to commit_id visible (they are applied and durable); never moves back.
    void publish(txn_t commit_id);

    std::atomic<txn_t> last_committed_{0};  // visible to new snapshots
    txn_t last_assigned_ = 0;               // the last commit id given out (guarded by commit_mutex_)
    std::atomic<txn_t> next_transaction_id_{kTransactionIdStart};
    mutable std::mutex times_mutex_;
    std::map<txn_t, int64_t> commit_times_;
};

}  // namespace basalt

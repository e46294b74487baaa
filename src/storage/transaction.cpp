#include "storage/transaction.hpp"

#include <chrono>
#include <mutex>

#include "common/error.hpp"

namespace basalt {

Transaction::~Transaction() {
    if (!finished_) manager_.rollback(*this);
}

void Transaction::touch(const std::shared_ptr<DataTable>& table) {
    if (touched_.count(table.get())) return;
    txn_t changed = table->schema_change();
    if (changed != 0 && !view_.sees_change(changed)) {
        throw Error(sql_state::kSerializationFailure,
                    "could not serialize access: the table was altered or dropped by a concurrent transaction");
    }
    touched_.emplace(table.get(), table);
    table->add_pending_writer(1);
}

void Transaction::undo_pending_changes(size_t keep) {
    while (pending_changes_.size() > keep) {
        auto change = std::move(pending_changes_.back());
        pending_changes_.pop_back();
        if (change.rollback) change.rollback();
    }
}

void Transaction::release_tables() {
    for (auto& [raw, table] : touched_) table->add_pending_writer(-1);
    touched_.clear();
}

LocalTableStorage& Transaction::local_storage(const std::shared_ptr<DataTable>& table) {
    auto it = locals_.find(table.get());
    if (it != locals_.end()) return *it->second;
    // Unique keys are checked from the first row on. Registered as a writer first, then built: a commit of a
    // load empties a table's index entries only while it is the sole writer (DataTable::append_committed_files),
    // so from here on they stay built. Building may fail (a damaged file): a table touched just for it is let go.
    bool touched_before = touches(table.get());
    touch(table);
    try {
        table->ensure_indexes();
    } catch (...) {
        if (!touched_before) {
            touched_.erase(table.get());
            table->add_pending_writer(-1);
        }
        throw;
    }
    auto& slot = locals_[table.get()];
    // Temporary tables never reach a file; sorted ones are sorted by compaction, which leaves files alone.
    bool write_early = !table->temporary() && !table->ordered();
    slot = std::make_unique<LocalTableStorage>(table, write_early ? manager_.optimistic_writer : nullptr);
    slot->set_undo_logging(!savepoints_.empty());
    return *slot;
}

LocalTableStorage* Transaction::find_local_storage(const DataTable* table) const {
    auto it = locals_.find(table);
    return it == locals_.end() ? nullptr : it->second.get();
}

bool Transaction::delete_row(const std::shared_ptr<DataTable>& table, row_t row) {
    if (row >= kLocalRowStart) {
        local_storage(table).delete_row(row);
        return true;
    }
    touch(table);
    switch (table->delete_row(row, view_)) {
        case DeleteResult::kDeleted: {
            auto& entry = deletes_[table.get()];
            entry.table = table;
            entry.rows.push_back(row);
            return true;
        }
        case DeleteResult::kAlreadyDeletedBySelf: return false;
        case DeleteResult::kInvisible: return false;
        case DeleteResult::kConflict:
            throw Error(sql_state::kSerializationFailure, "could not serialize access due to concurrent update");
    }
    return false;
}

void Transaction::savepoint(const std::string& name) {
    Savepoint sp;
    sp.name = name;
    for (auto& [raw, local] : locals_) {
        sp.locals[raw] = local->mark();
        local->set_undo_logging(true);
    }
    for (auto& [raw, entry] : deletes_) sp.deletes[raw] = entry.rows.size();
    sp.pending_changes = pending_changes_.size();
    sp.schema_log = schema_log_.size();
    savepoints_.push_back(std::move(sp));
}

bool Transaction::rollback_to_savepoint(const std::string& name) {
    size_t at = savepoints_.size();
    while (at > 0 && savepoints_[at - 1].name != name) at--;
    if (at == 0) return false;
    Savepoint& sp = savepoints_[at - 1];
    for (auto& [raw, local] : locals_) {
        auto it = sp.locals.find(raw);
        local->rollback_to(it == sp.locals.end() ? LocalTableStorage::Mark{} : it->second);
    }
    for (auto& [raw, entry] : deletes_) {
        auto it = sp.deletes.find(raw);
        size_t keep = it == sp.deletes.end() ? 0 : it->second;
        if (entry.rows.size() <= keep) continue;
        std::vector<row_t> undone(entry.rows.begin() + static_cast<std::ptrdiff_t>(keep), entry.rows.end());
        entry.table->rollback_deletes(undone, view_.id);
        entry.rows.resize(keep);
    }
    undo_pending_changes(sp.pending_changes);
    schema_log_.resize(sp.schema_log);
    savepoints_.resize(at);  // later savepoints go; this one stays, as in PostgreSQL
    return true;
}

bool Transaction::release_savepoint(const std::string& name) {
    size_t at = savepoints_.size();
    while (at > 0 && savepoints_[at - 1].name != name) at--;
    if (at == 0) return false;
    savepoints_.resize(at - 1);
    return true;
}

std::unique_ptr<Transaction> TransactionManager::begin() {
    std::lock_guard guard(active_mutex_);
    txn_t snapshot = last_committed_.load(std::memory_order_acquire);
    active_snapshots_.insert(snapshot);
    return std::make_unique<Transaction>(*this, snapshot, next_transaction_id_++);
}

void TransactionManager::record_commit_time(txn_t commit_id, int64_t micros) {
    std::lock_guard guard(times_mutex_);
    commit_times_[commit_id] = micros;
}

txn_t TransactionManager::commit_at_or_before(int64_t micros) const {
    std::lock_guard guard(times_mutex_);
    txn_t found = 0;
    for (const auto& [id, time] : commit_times_) {
        if (time > micros) break;
        found = id;
    }
    return found;
}

std::optional<int64_t> TransactionManager::commit_time(txn_t commit_id) const {
    std::lock_guard guard(times_mutex_);
    auto it = commit_times_.find(commit_id);
    if (it == commit_times_.end()) return std::nullopt;
    return it->second;
}

std::vector<std::pair<txn_t, int64_t>> TransactionManager::commit_times() const {
    std::lock_guard guard(times_mutex_);
    return {commit_times_.begin(), commit_times_.end()};
}

void TransactionManager::trim_commit_times(int64_t micros) {
    std::lock_guard guard(times_mutex_);
    while (commit_times_.size() > 1) {
        auto second = std::next(commit_times_.begin());
        if (second->second > micros) break;
        commit_times_.erase(commit_times_.begin());
    }
}

void TransactionManager::publish_system_commit(txn_t commit_id, int64_t micros) {
    record_commit_time(commit_id, micros);
    last_assigned_ = commit_id;
    publish(commit_id);
}

void TransactionManager::restore_last_committed(txn_t commit_id) {
    std::lock_guard guard(commit_mutex_);
    last_assigned_ = std::max(last_assigned_, commit_id);
    publish(commit_id);
}

txn_t TransactionManager::oldest_active_snapshot() const {
    std::lock_guard guard(active_mutex_);
    return active_snapshots_.empty() ? last_committed() : *active_snapshots_.begin();
}

void TransactionManager::finish(Transaction& transaction) {
    transaction.release_tables();
    transaction.finished_ = true;
    std::lock_guard guard(active_mutex_);
    auto it = active_snapshots_.find(transaction.snapshot());
    if (it != active_snapshots_.end()) active_snapshots_.erase(it);
}

txn_t TransactionManager::commit(Transaction& transaction) {
    if (!transaction.has_changes()) {
        finish(transaction);
        return 0;
    }
    txn_t commit_id = 0;
    uint64_t record_end = 0;
    try {
        std::lock_guard guard(commit_mutex_);
        for (const auto& [raw, local] : transaction.locals_) {
            std::shared_lock table_guard(local->table().lock());
            local->validate_unique(transaction.view());
        }
        for (auto& [raw, local] : transaction.locals_) local->prepare_commit();
        commit_id = last_assigned_ + 1;
        auto now = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch());
        record_commit_time(commit_id, now.count());
        if (on_commit) record_end = on_commit(transaction, commit_id);
        // The record names the files written early: whatever happens now, rolling back must not remove them.
        for (auto& [raw, local] : transaction.locals_) local->keep_files();
        for (auto& change : transaction.pending_changes_) {
            if (change.commit) change.commit(commit_id);
        }
        // Applied now (later committers check their keys against these rows), visible once durable.
        for (auto& [raw, local] : transaction.locals_) local->commit(commit_id);
        for (auto& [raw, entry] : transaction.deletes_) entry.table->commit_deletes(entry.rows, commit_id);
        last_assigned_ = commit_id;
    } catch (...) {
        rollback(transaction);
        throw;
    }
    transaction.locals_.clear();
    transaction.deletes_.clear();
    transaction.pending_changes_.clear();
    try {
        if (on_durable) on_durable(record_end);
    } catch (...) {
        finish(transaction);
        throw;
    }
    publish(commit_id);
    finish(transaction);
    return commit_id;
}

void TransactionManager::publish(txn_t commit_id) {
    txn_t seen = last_committed_.load(std::memory_order_acquire);
    while (seen < commit_id && !last_committed_.compare_exchange_weak(seen, commit_id, std::memory_order_acq_rel)) {
    }
}

void TransactionManager::rollback(Transaction& transaction) {
    if (transaction.finished_) return;
    for (auto& [raw, entry] : transaction.deletes_) entry.table->rollback_deletes(entry.rows, transaction.id());
    transaction.deletes_.clear();
    transaction.locals_.clear();
    transaction.undo_pending_changes(0);
    finish(transaction);
}

}  // namespace basalt

// The database and its directory: opening (lock, manifest, log replay) and writing log records for commits;
// checkpoints are in database_checkpoint.cpp. Layout of a database directory:
//   basalt.lock          the pid of the process that has the database open (the lock is a flock on the
//                        directory itself, which the kernel releases when the process dies)
//   manifest-<N>.bsm     the last checkpoint: catalog, and per table its column files and row versions
//   data/<n>.bcol        column files (storage/row_group_file.hpp), one per row group, never changed
//   wal-<N>.log          the write-ahead log since checkpoint N (storage/write_ahead_log.hpp): commits as
//                        their schema changes (SQL text, replayed first), the rows they appended (the column
//                        files they wrote before committing, then the exact chunks appended, so replay rebuilds
//                        the same row ids) and the row ids they deleted
// Every database has a manifest from its creation on (checkpoint 1 of the empty catalog), and the log of
// checkpoint N is written (as wal-<N>.new) before manifest-<N>.bsm exists, so at open:
//   - no manifest at all: a new database if the directory holds no log and no column file; else XX001;
//   - the newest manifest M must have wal-<M>.log (or wal-<M>.new, renamed: a crash between the renames);
//   - a wal-<K>.log with K > M means manifest-<K> is missing: XX001;
// and only then, with manifest M loaded, are files it does not account for removed.
#include "main/database.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <optional>
#include <set>

#include "common/error.hpp"
#include "main/connection.hpp"
#include "parser/parser.hpp"
#include "storage/chunk_serialization.hpp"
#include "storage/write_ahead_log.hpp"

namespace basalt {

namespace {

// kSchemaChange: SQL text of a schema change that committed on its own (written by earlier versions, still
// replayed). kCommit: a commit's rows and deletes. kTransaction: a commit with schema changes, replayed first.
// The *WithFiles kinds: the same, where each table's rows start with the column files the transaction wrote
// before committing (storage/optimistic_writer.hpp): their numbers, the offsets of their rows it deleted, and the
// column statistics of their rows.
enum class RecordType : uint8_t { kSchemaChange = 1, kCommit = 2, kTransaction = 3, kCommitWithFiles = 4, kTransactionWithFiles = 5 };

}  // namespace

Database::Database(int threads, const std::string& directory, std::shared_ptr<FileSystem> fs, bool read_only)
    : directory_(directory), read_only_(read_only), fs_(fs ? std::move(fs) : FileSystem::local()) {
    if (threads <= 0) threads = TaskScheduler::default_thread_count();
    scheduler_ = std::make_unique<TaskScheduler>(threads);
    cache_ = std::make_unique<BufferCache>(memory_);
    catalog_.list_snapshots = [this]() { return transactions_.commit_times(); };
    catalog_.list_cache_statistics = [this]() {
        BufferCacheStats s = cache_->stats();
        auto n = [](uint64_t v) { return static_cast<int64_t>(v); };
        return std::vector<std::pair<std::string, int64_t>>{
            {"hits", n(s.hits)}, {"misses", n(s.misses)}, {"bytes_read", n(s.bytes_read)}, {"promotions", n(s.promotions)},
            {"probation_bytes", n(cache_->probation_used())}, {"main_bytes", n(cache_->main_used())},
            {"ghost_keys", n(cache_->ghost_count())}};
    };
    if (!directory_.empty()) read_only_ ? open_read_only() : open_directory();
    // A read-only opening writes nothing into the directory: it spills to a folder of its own.
    temporary_ = std::make_unique<TemporaryDirectory>(fs_, directory_.empty() || read_only_ ? "" : directory_ + "/tmp");
}

size_t Database::default_memory_limit() {
    size_t pages = static_cast<size_t>(::sysconf(_SC_PHYS_PAGES)), page = static_cast<size_t>(::sysconf(_SC_PAGE_SIZE));
    return pages > 0 && page > 0 ? pages * page / 10 * 8 : size_t{1} << 30;
}

Database::~Database() {
    if (checkpointer_.joinable()) {
        {
            std::lock_guard guard(checkpointer_mutex_);
            stopping_ = true;
        }
        checkpointer_wakeup_.notify_all();
        checkpointer_.join();
    }
    // A clean close folds the log into column files, so the next open reads them instead of replaying.
    if (log_ && !log_->empty()) {
        try {
            std::unique_lock guard(statement_lock_);
            checkpoint();
        } catch (const std::exception&) {
            // The log still holds everything; the next open replays it.
        }
    }
    log_.reset();
    directory_lock_.reset();
}

namespace {

// "prefix<number>suffix" to number; nullopt for any other name.
std::optional<uint64_t> numbered(const std::string& name, const std::string& prefix, const std::string& suffix) {
    if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) || !name.ends_with(suffix)) return std::nullopt;
    std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::strtoull(digits.c_str(), nullptr, 10);
}

}  // namespace

std::string Database::manifest_path(uint64_t seq) const { return fmt::format("{}/manifest-{:08}.bsm", directory_, seq); }
std::string Database::log_path(uint64_t seq, bool fresh) const {
    return fmt::format("{}/wal-{:08}.{}", directory_, seq, fresh ? "new" : "log");
}

uint64_t Database::find_checkpoint() {
    uint64_t newest = 0;
    std::set<uint64_t> logs, fresh_logs;
    for (const auto& name : fs_->list(directory_)) {
        if (auto n = numbered(name, "manifest-", ".bsm")) newest = std::max(newest, *n);
        if (auto n = numbered(name, "wal-", ".log")) logs.insert(*n);
        if (auto n = numbered(name, "wal-", ".new")) fresh_logs.insert(*n);
    }
    auto refuse = [&](const std::string& why) {
        throw Error(sql_state::kDataCorrupted,
                    fmt::format("could not open database directory \"{}\": {}; nothing was changed or deleted", directory_, why));
    };
    if (newest == 0) {
        size_t column_files = 0;
        for (const auto& name : fs_->list(directory_ + "/data")) column_files += name.ends_with(".bcol");
        if (!logs.empty()) refuse(fmt::format("\"{}\" is missing", manifest_path(*logs.rbegin())));
        if (column_files > 0) refuse(fmt::format("it holds {} column files but no manifest", column_files));
        return 0;  // a new database (or one whose creation never finished)
    }
    if (!logs.empty() && *logs.rbegin() > newest) {
        refuse(fmt::format("\"{}\" is missing (its log \"{}\" exists)", manifest_path(*logs.rbegin()), log_path(*logs.rbegin(), false)));
    }
    if (!logs.count(newest)) {
        if (!fresh_logs.count(newest)) refuse(fmt::format("\"{}\" is missing", log_path(newest, false)));
        // The checkpoint wrote its manifest but stopped before naming its log.
        fs_->rename(log_path(newest, true), log_path(newest, false));
        fs_->sync_directory(directory_);
    }
    return newest;
}

void Database::open_read_only() {
    // A writer may finish a checkpoint and remove the files of the one found: look again a few times.
    for (int attempt = 0;; attempt++) {
        try {
            uint64_t seq = 0;
            for (const auto& name : fs_->list(directory_)) {
                if (auto n = numbered(name, "manifest-", ".bsm")) seq = std::max(seq, *n);
            }
            if (seq == 0) {
                throw Error(sql_state::kUndefinedFile, fmt::format("\"{}\" is not a Basalt database directory (no manifest)", directory_));
            }
            replaying_ = true;
            Connection connection(*this);
            load_manifest(manifest_path(seq), connection);
            for (const auto& t : catalog_.all_tables()) t->storage->hold_files_open();
            auto log = WriteAheadLog::open(*fs_, log_path(seq, false), seq, true);
            log->replay([&](BinaryReader& record) { replay_record(record, connection); });
            for (const auto& t : catalog_.all_tables()) t->storage->hold_files_open();  // and those the log adds
            checkpoint_seq_ = seq;
            replaying_ = false;
            break;
        } catch (const Error& e) {
            replaying_ = false;
            if (std::string(e.sql_state()) != sql_state::kUndefinedFile.code || attempt >= 5) throw;
            catalog_.clear();
        }
    }
    transactions_.on_commit = [](const Transaction&, txn_t) -> uint64_t {
        throw Error(sql_state::kReadOnlySqlTransaction, "cannot change a database opened read-only");
    };
}

void Database::open_directory() {
    fs_->create_directories(directory_);
    directory_lock_ = fs_->lock_directory(directory_);
    fs_->create_directories(directory_ + "/data");
    uint64_t seq = find_checkpoint();
    replaying_ = true;
    {
        Connection connection(*this);
        if (seq > 0) {
            load_manifest(manifest_path(seq), connection);
            checkpoint_seq_ = seq;
            auto log = WriteAheadLog::open(*fs_, log_path(seq, false), seq);
            log->replay([&](BinaryReader& record) { replay_record(record, connection); });
            log_ = std::move(log);
        }
    }
    replaying_ = false;
    if (seq == 0) {
        // A new database: its first checkpoint records the empty catalog, so from now on a missing manifest or
        // log is always noticed.
        std::unique_lock guard(statement_lock_);
        checkpoint();
    } else {
        // Numbers of files left by a crash (a transaction that wrote early and never committed) are not reused,
        // even if removing them fails.
        for (const auto& name : fs_->list(directory_ + "/data")) {
            if (auto n = numbered(name, "", ".bcol"); n && *n >= next_file_) next_file_ = *n + 1;
        }
        remove_unreferenced_files();
    }
    // Created after the cleanup above, which must see no pending file.
    optimistic_writer_ = std::make_shared<OptimisticWriter>(fs_, directory_, next_file_, [this]() { return compression_.load(); },
                                                            cache_.get());
    transactions_.optimistic_writer = optimistic_writer_;
    checkpointer_ = std::thread([this]() { run_checkpointer(); });
    transactions_.on_commit = [this](const Transaction& t, txn_t id) { return log_commit(t, id); };
    // Commits wait for the disk outside the commit lock, so those arriving together share one sync. They hold
    // the statement lock (shared) meanwhile, so no checkpoint replaces log_ under them.
    transactions_.on_durable = [this](uint64_t end) {
        if (log_ && end > 0 && synchronous_) log_->sync_to(end);
    };
}

void Database::request_checkpoint_if_needed() {
    if (!checkpointer_.joinable() || !wants_checkpoint()) return;
    {
        std::lock_guard guard(checkpointer_mutex_);
        checkpoint_requested_ = true;
    }
    checkpointer_wakeup_.notify_one();
}

void Database::run_checkpointer() {
    std::unique_lock guard(checkpointer_mutex_);
    while (true) {
        checkpointer_wakeup_.wait(guard, [this]() { return checkpoint_requested_ || stopping_; });
        if (stopping_) return;
        checkpoint_requested_ = false;
        guard.unlock();
        try {
            std::unique_lock exclusive(statement_lock_);
            if (wants_checkpoint()) checkpoint();  // a CHECKPOINT may have run meanwhile
        } catch (const std::exception&) {
            // The commits are durable in the log; the next request tries again (a failure that left memory and
            // the log apart has made the log refuse commits until a checkpoint succeeds).
        }
        guard.lock();
    }
}

void Database::refuse_commits(const std::string& reason) {
    if (log_) log_->mark_broken(reason + "; run CHECKPOINT");
}

uint64_t Database::log_commit(const Transaction& transaction, txn_t commit_id) {
    if (!log_) return 0;
    // Temporary tables stay out of the log, and so do rows of tables the transaction itself dropped; tables are
    // named as the transaction leaves them (its schema changes replay first). A commit that leaves nothing to log
    // writes nothing, but waits for the records before it (publishing its id makes every earlier commit
    // visible, and they must be durable first).
    const TransactionView* view = &transaction.view();
    std::vector<std::pair<std::shared_ptr<TableEntry>, const LocalTableStorage*>> inserts;
    std::vector<std::pair<std::shared_ptr<TableEntry>, const std::vector<row_t>*>> deletes;
    bool with_files = false;
    for (const auto& [raw, local] : transaction.local_storages()) {
        if (raw->temporary() || (local->prepared_chunks().empty() && local->written_group_count() == 0)) continue;
        if (auto table = catalog_.find_table_by_storage(raw, view)) {
            inserts.emplace_back(table, local.get());
            with_files = with_files || local->written_group_count() > 0;
        }
    }
    for (const auto& [raw, entry] : transaction.deletes()) {
        if (raw->temporary()) continue;
        if (auto table = catalog_.find_table_by_storage(raw, view)) deletes.emplace_back(table, &entry.rows);
    }
    const auto& schema_changes = transaction.schema_log();
    if (inserts.empty() && deletes.empty() && schema_changes.empty()) return log_->size();
    // The record names column files: they were fsync'd when written, and their names must be durable too.
    if (with_files && optimistic_writer_) optimistic_writer_->sync_directory();
    BinaryWriter out;
    RecordType type = schema_changes.empty() ? (with_files ? RecordType::kCommitWithFiles : RecordType::kCommit)
                                             : (with_files ? RecordType::kTransactionWithFiles : RecordType::kTransaction);
    out.write<uint8_t>(static_cast<uint8_t>(type));
    out.write_varint(commit_id);
    out.write<int64_t>(transactions_.commit_time(commit_id).value_or(0));
    if (!schema_changes.empty()) {
        out.write_varint(schema_changes.size());
        for (const auto& sql : schema_changes) out.write_string(sql);
    }
    out.write_varint(inserts.size());
    for (const auto& [table, local] : inserts) {
        out.write_string(table->schema);
        out.write_string(table->name);
        if (with_files) {
            auto files = local->written_files();
            out.write_varint(files.size());
            for (const auto& f : files) out.write_varint(f->number());
            out.write_varint(local->written_deletes().size());
            for (idx_t offset : local->written_deletes()) out.write_varint(offset);
            if (!files.empty()) {
                auto statistics = local->written_statistics();
                out.write_varint(statistics.size());
                for (const auto& st : statistics) st.write(out);
            }
        }
        const auto& chunks = local->prepared_chunks();
        out.write_varint(chunks.size());
        for (const auto& chunk : chunks) serialize_chunk(out, *chunk);
    }
    out.write_varint(deletes.size());
    for (const auto& [table, rows] : deletes) {
        out.write_string(table->schema);
        out.write_string(table->name);
        out.write_varint(rows->size());
        for (row_t row : *rows) out.write_varint(row);
    }
    try {
        return log_->append(out.buffer());
    } catch (const Error&) {
        // A write that could not be undone may leave the record whole for the next open, naming the files: leave
        // them to the checkpoint that replaces this log (or to that open).
        if (log_->broken()) {
            for (const auto& [raw, local] : transaction.local_storages()) local->keep_files();
        }
        throw;
    }
}

void Database::replay_files(BinaryReader& in, DataTable& table, txn_t commit_id) {
    std::vector<std::shared_ptr<RowGroupFile>> files(in.read_varint());
    for (auto& file : files) {
        uint64_t number = in.read_varint();
        if (number == 0) in.corrupt("a commit names column file 0");
        file = RowGroupFile::open(fs_, column_file_path(directory_, number), number, kRowGroupSize, cache_.get());
        // Numbers given out after the manifest's were taken by this commit: never give them out again.
        if (number >= next_file_) next_file_ = number + 1;
    }
    std::vector<idx_t> deleted(in.read_varint());
    for (auto& offset : deleted) {
        offset = in.read_varint();
        if (offset >= files.size() * kRowGroupSize) in.corrupt("a commit deletes a row past the end of its column files");
    }
    if (files.empty()) return;
    std::vector<ColumnStatistics> statistics(in.read_varint());
    for (auto& st : statistics) st.read(in);
    table.append_committed_files(files, deleted, commit_id, statistics, nullptr, 0);
}

void Database::replay_record(BinaryReader& in, Connection& connection) {
    auto type = static_cast<RecordType>(in.read<uint8_t>());
    if (type == RecordType::kSchemaChange) {
        std::string sql = in.read_string();
        connection.replay_schema_change(sql, transactions_.last_committed());
        return;
    }
    if (type != RecordType::kCommit && type != RecordType::kTransaction && type != RecordType::kCommitWithFiles &&
        type != RecordType::kTransactionWithFiles) {
        in.corrupt("an unknown record type");
    }
    const bool with_files = type == RecordType::kCommitWithFiles || type == RecordType::kTransactionWithFiles;
    txn_t commit_id = in.read_varint();
    transactions_.record_commit_time(commit_id, in.read<int64_t>());
    if (type == RecordType::kTransaction || type == RecordType::kTransactionWithFiles) {
        for (uint64_t n = in.read_varint(), i = 0; i < n; i++) connection.replay_schema_change(in.read_string(), commit_id);
    }
    auto find = [&](const std::string& schema, const std::string& name) {
        auto table = catalog_.find_table(schema, name);
        if (!table) in.corrupt(fmt::format("a commit names table {}.{}, which does not exist", schema, name));
        return table;
    };
    uint64_t inserted_tables = in.read_varint();
    for (uint64_t t = 0; t < inserted_tables; t++) {
        std::string schema = in.read_string();
        std::string name = in.read_string();
        auto table = find(schema, name);
        if (with_files) replay_files(in, *table->storage, commit_id);
        uint64_t chunks = in.read_varint();
        std::vector<std::unique_ptr<DataChunk>> rows;
        for (uint64_t c = 0; c < chunks; c++) rows.push_back(deserialize_chunk(in, table->storage->types()));
        table->storage->append_committed(std::move(rows), commit_id);
    }
    uint64_t deleted_tables = in.read_varint();
    for (uint64_t t = 0; t < deleted_tables; t++) {
        std::string schema = in.read_string();
        std::string name = in.read_string();
        auto table = find(schema, name);
        uint64_t count = in.read_varint();
        std::vector<row_t> rows;
        for (uint64_t i = 0; i < count; i++) rows.push_back(in.read_varint());
        if (!table->storage->replay_deletes(rows, commit_id)) in.corrupt("a commit deletes a row that does not exist");
    }
    transactions_.restore_last_committed(commit_id);
}

}  // namespace basalt

// The database and its directory: opening (lock, manifest, log replay) and writing log records for commits
// and schema changes; checkpoints are in database_checkpoint.cpp. Layout of a database directory:
//   basalt.lock          held (flock) by the process that has the database open
//   manifest-<N>.bsm     the last checkpoint: catalog, and per table its column files and row versions
//   data/<n>.bcol        column files (storage/row_group_file.hpp), one per row group, never changed
//   wal-<N>.log          the write-ahead log since checkpoint N (storage/write_ahead_log.hpp): schema
//                        changes as SQL text, commits as the rows they appended (in the exact chunks appended,
//                        so replay rebuilds the same row ids) and the row ids they deleted
#include "main/database.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.hpp"
#include "main/connection.hpp"
#include "parser/parser.hpp"
#include "storage/chunk_serialization.hpp"
#include "storage/write_ahead_log.hpp"

namespace basalt {

namespace {

enum class RecordType : uint8_t { kSchemaChange = 1, kCommit = 2 };

std::shared_ptr<TableEntry> table_of(Catalog& catalog, const DataTable* storage) {
    for (const auto& t : catalog.all_tables()) {
        if (t->storage.get() == storage) return t;
    }
    return nullptr;
}

}  // namespace

Database::Database(int threads, const std::string& directory) : directory_(directory) {
    if (threads <= 0) threads = TaskScheduler::default_thread_count();
    scheduler_ = std::make_unique<TaskScheduler>(threads);
    // The default memory limit for cached column blocks: half of physical memory.
    size_t pages = static_cast<size_t>(::sysconf(_SC_PHYS_PAGES)), page = static_cast<size_t>(::sysconf(_SC_PAGE_SIZE));
    cache_ = std::make_unique<BufferCache>(pages > 0 && page > 0 ? pages * page / 2 : size_t{1} << 30);
    catalog_.list_snapshots = [this]() { return transactions_.commit_times(); };
    if (!directory_.empty()) open_directory();
}

Database::~Database() {
    // A clean close folds the log into column files, so the next open reads them instead of replaying.
    if (log_ && log_->size() > 8) {
        try {
            std::unique_lock guard(statement_lock_);
            checkpoint();
        } catch (const std::exception&) {
            // The log still holds everything; the next open replays it.
        }
    }
    log_.reset();
    if (lock_fd_ >= 0) ::close(lock_fd_);
}

void Database::open_directory() {
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    if (ec) {
        throw Error(sql_state::kIoError, fmt::format("could not create database directory \"{}\": {}", directory_, ec.message()));
    }
    std::string lock_path = directory_ + "/basalt.lock";
    lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) {
        throw Error(sql_state::kIoError, fmt::format("could not open \"{}\": {}", lock_path, std::strerror(errno)));
    }
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        throw Error(sql_state::kObjectInUse, fmt::format("database directory \"{}\" is in use by another process", directory_));
    }
    std::filesystem::create_directories(directory_ + "/data", ec);
    // The newest manifest is the state; an older one left behind by a crash during cleanup is ignored.
    uint64_t newest = 0;
    for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
        std::string name = entry.path().filename().string();
        if (name.starts_with("manifest-") && name.ends_with(".bsm")) {
            newest = std::max<uint64_t>(newest, std::strtoull(name.c_str() + 9, nullptr, 10));
        }
    }
    replaying_ = true;
    {
        Connection connection(*this);
        if (newest > 0) load_manifest(fmt::format("{}/manifest-{:08}.bsm", directory_, newest), connection);
        checkpoint_seq_ = newest;
        auto log = std::make_unique<WriteAheadLog>(fmt::format("{}/wal-{:08}.log", directory_, checkpoint_seq_));
        log->replay([&](BinaryReader& record) { replay_record(record, connection); });
        log_ = std::move(log);
    }
    replaying_ = false;
    remove_unreferenced_files();
    transactions_.on_commit = [this](const Transaction& t, txn_t id) { log_commit(t, id); };
}

void Database::log_schema_change(const std::string& sql) {
    if (!log_ || replaying_) return;
    BinaryWriter out;
    out.write<uint8_t>(static_cast<uint8_t>(RecordType::kSchemaChange));
    out.write_string(sql);
    log_->append(out.buffer(), true);
}

void Database::log_commit(const Transaction& transaction, txn_t commit_id) {
    BinaryWriter out;
    out.write<uint8_t>(static_cast<uint8_t>(RecordType::kCommit));
    out.write_varint(commit_id);
    out.write<int64_t>(transactions_.commit_time(commit_id).value_or(0));
    out.write_varint(transaction.local_storages().size());
    for (const auto& [raw, local] : transaction.local_storages()) {
        auto table = table_of(catalog_, raw);
        BASALT_ASSERT(table, "a committing transaction wrote to a table the catalog does not have");
        out.write_string(table->schema);
        out.write_string(table->name);
        out.write_varint(local->chunk_count());
        for (idx_t c = 0; c < local->chunk_count(); c++) serialize_chunk(out, local->chunk(c));
    }
    out.write_varint(transaction.deletes().size());
    for (const auto& [raw, entry] : transaction.deletes()) {
        auto table = table_of(catalog_, raw);
        BASALT_ASSERT(table, "a committing transaction deleted from a table the catalog does not have");
        out.write_string(table->schema);
        out.write_string(table->name);
        out.write_varint(entry.rows.size());
        for (row_t row : entry.rows) out.write_varint(row);
    }
    log_->append(out.buffer(), synchronous_);
}

void Database::replay_record(BinaryReader& in, Connection& connection) {
    auto type = static_cast<RecordType>(in.read<uint8_t>());
    if (type == RecordType::kSchemaChange) {
        std::string sql = in.read_string();
        connection.query(sql);
        return;
    }
    if (type != RecordType::kCommit) in.corrupt("an unknown record type");
    txn_t commit_id = in.read_varint();
    transactions_.record_commit_time(commit_id, in.read<int64_t>());
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

// Checkpoints and manifests. A checkpoint writes each table's new row groups to column files, then a manifest
// describing the whole committed state, then starts a new log:
//   1. column files data/<n>.bcol (each fsync'd), then the data directory is synced;
//   2. the new log wal-<N>.new (its header synced), so no manifest ever exists without its log;
//   3. manifest-<N>.tmp written and fsync'd, renamed to manifest-<N>.bsm, the directory fsync'd: from here on
//      the new state is the database (a crash before the rename leaves the old manifest and log in force);
//   4. wal-<N>.new renamed to wal-<N>.log, the directory synced, and the previous log, manifest and
//      unreferenced column files removed.
// A checkpoint that fails half way has changed row ids in memory that the old log's records assume: the old
// log then refuses commits (58030) until a checkpoint succeeds or the database is reopened.
// Manifest: "BSLTMAN1", checkpoint number, last commit id, next file number, the catalog as SQL statements,
// then per table its column statistics and row groups (file number, row count, insert commit runs, committed
// deletes, column map for schema changes), ending with an XXH3 checksum of everything before it.
#include <fcntl.h>
#include <fmt/format.h>
#include <zstd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/error.hpp"
#include "execution/expression_executor.hpp"
#include "function/cast.hpp"
#include "execution/physical_planner.hpp"
#include "main/connection.hpp"
#include "parser/parser.hpp"
#include "storage/chunk_serialization.hpp"
#include "storage/write_ahead_log.hpp"

namespace basalt {

namespace {

constexpr char kManifestMagic[8] = {'B', 'S', 'L', 'T', 'M', 'A', 'N', '1'};

}  // namespace

bool Database::wants_checkpoint() const { return log_ && !log_->broken() && log_->size() > checkpoint_threshold_; }

void Database::compact_tables(bool vacuum) {
    auto now = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    // Rows deleted at or before the horizon are invisible to every running transaction and older than the
    // retention period, so no read can need them.
    txn_t horizon = std::min(transactions_.oldest_active_snapshot(), transactions_.commit_at_or_before(now - retention_micros_));
    for (const auto& t : catalog_.all_tables()) {
        if (t->storage->pending_writers() > 0) continue;  // its row ids must stay put
        CompactionOptions options;
        options.horizon = horizon;
        options.force = vacuum;
        for (const auto& name : t->cluster_by) {
            if (auto c = t->find_column(name)) options.cluster_columns.push_back(*c);
        }
        if (!t->partition_sql.empty()) {
            std::vector<std::string> names;
            std::vector<LogicalType> types;
            std::vector<ColumnBinding> bindings;
            for (idx_t c = 0; c < t->columns.size(); c++) {
                names.push_back(t->columns[c].name);
                types.push_back(t->columns[c].type);
                bindings.push_back({0, static_cast<uint32_t>(c)});
            }
            SessionCatalog catalog(catalog_);
            Binder binder(catalog);
            ExprPtr bound = binder.bind_row_expression(*parse_expression(t->partition_sql), 0, t->name, names, types, "partition keys");
            auto expression = std::shared_ptr<Expression>(resolve_column_bindings(*bound, bindings).release());
            options.partition_key = [expression](const DataChunk& rows, Vector& keys) {
                keys = Vector(expression->type, kVectorSize);
                ExpressionExecutor(*expression).execute(rows, keys);
            };
        }
        try {
            t->storage->compact(options);
        } catch (const Error&) {
            // A column file of this table cannot be read (compaction reads before it changes anything): the
            // table stays as it is, and the fault stays with the statements that read it.
        }
    }
    if (horizon > vacuum_horizon_) vacuum_horizon_ = horizon;
    transactions_.trim_commit_times(now - retention_micros_);
}

void Database::expire_rows() {
    auto now = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    txn_t commit_id = transactions_.next_commit_id();
    idx_t expired = 0;
    for (const auto& t : catalog_.all_tables()) {
        if (t->ttl.empty()) continue;
        auto column = t->find_column(t->ttl_column);
        if (!column) continue;
        Interval iv = cast_value(Value::varchar(t->ttl), LogicalType::interval()).get_interval();
        int64_t ttl = iv.micros + static_cast<int64_t>(iv.days) * 86400000000LL + static_cast<int64_t>(iv.months) * 30 * 86400000000LL;
        Value cutoff = cast_value(Value::timestamptz(now - ttl), t->columns[*column].type);
        try {
            expired += t->storage->expire_rows(*column, cutoff, commit_id);
        } catch (const Error&) {
            // As for compaction: a table whose files cannot be read keeps its rows until they can be.
        }
    }
    // Expired rows are deleted by a commit of their own, so snapshots before it still see them (time travel).
    if (expired > 0) transactions_.publish_system_commit(commit_id, now);
}

void Database::checkpoint(bool vacuum) {
    std::lock_guard commits(transactions_.commit_mutex());
    if (directory_.empty()) {
        // In memory: ttl expiry, and a VACUUM drops old versions and merges row groups.
        transactions_.publish_assigned();
        expire_rows();
        if (vacuum) compact_tables(true);
        return;
    }
    if (log_ && log_->sync_failed()) {
        throw Error(sql_state::kIoError, "a checkpoint cannot run after the log failed to sync; reopen the database");
    }
    try {
        write_checkpoint(vacuum);
    } catch (const Error& e) {
        if (log_) log_->mark_broken(fmt::format("checkpoint {} failed: {}; run CHECKPOINT again", checkpoint_seq_ + 1, e.what()));
        throw;
    }
    remove_unreferenced_files();
}

void Database::write_checkpoint(bool vacuum) {
    // Commits written but still waiting for their sync go into this checkpoint: make them durable and visible.
    if (log_) log_->sync_to(log_->size());
    transactions_.publish_assigned();
    expire_rows();
    compact_tables(vacuum);
    uint64_t seq = checkpoint_seq_ + 1;
    BinaryWriter out;
    out.write<uint64_t>(seq);
    out.write<uint64_t>(transactions_.last_committed());
    // Catalog as SQL, in an order that recreates it: schemas, tables, then views.
    std::vector<std::string> statements;
    for (const auto& schema : catalog_.schema_names()) {
        if (schema != Catalog::kDefaultSchema) statements.push_back("CREATE SCHEMA " + quote_identifier(schema));
    }
    auto tables = catalog_.all_tables();
    for (const auto& t : tables) statements.push_back(table_definition_sql(*t));
    for (const auto& v : catalog_.all_views()) statements.push_back(v->sql);
    // Column files first (their numbers go into the manifest).
    std::vector<std::vector<RowGroupCheckpoint>> states;
    Compression compression = compression_;
    for (const auto& t : tables) {
        // The writer runs on several threads (and transactions writing early take numbers too).
        states.push_back(t->storage->checkpoint([&](const std::vector<std::vector<const Vector*>>& columns, idx_t rows) {
            uint64_t number = next_file_++;
            return RowGroupFile::write(fs_, column_file_path(directory_, number), number, t->storage->types(), columns, rows,
                                       compression, cache_.get());
        }));
    }
    fs_->sync_directory(directory_ + "/data");
    out.write<uint64_t>(next_file_.load());
    out.write<uint64_t>(vacuum_horizon_);
    auto times = transactions_.commit_times();
    out.write_varint(times.size());
    for (auto [id, micros] : times) {
        out.write_varint(id);
        out.write<int64_t>(micros);
    }
    out.write_varint(statements.size());
    for (const auto& sql : statements) out.write_string(sql);
    out.write_varint(tables.size());
    for (size_t i = 0; i < tables.size(); i++) {
        out.write_string(tables[i]->schema);
        out.write_string(tables[i]->name);
        auto statistics = tables[i]->storage->statistics();
        out.write_varint(statistics.size());
        for (const auto& s : statistics) s.write(out);
        out.write_varint(states[i].size());
        for (const auto& g : states[i]) {
            out.write_varint(g.file ? g.file->number() : 0);
            out.write_varint(g.count);
            out.write_varint(g.insert_runs.size());
            for (auto [first, commit] : g.insert_runs) {
                out.write_varint(first);
                out.write_varint(commit);
            }
            out.write_varint(g.deletes.size());
            for (auto [offset, commit] : g.deletes) {
                out.write_varint(offset);
                out.write_varint(commit);
            }
            out.write_varint(g.file_column.size());
            for (size_t c = 0; c < g.file_column.size(); c++) {
                out.write<int32_t>(g.file_column[c]);
                if (g.file_column[c] < 0) serialize_value(out, g.missing[c]);
            }
        }
    }
    // The body is zstd-compressed (delete lists and statistics compress well).
    std::string file(kManifestMagic, sizeof(kManifestMagic));
    uint64_t raw_size = out.size();
    file.append(reinterpret_cast<const char*>(&raw_size), sizeof(raw_size));
    std::string compressed(ZSTD_compressBound(out.size()), '\0');
    size_t n = ZSTD_compress(compressed.data(), compressed.size(), out.buffer().data(), out.size(), 3);
    if (ZSTD_isError(n)) throw Error(sql_state::kInternalError, "could not compress the manifest");
    file.append(compressed.data(), n);
    uint64_t sum = checksum64(file.data(), file.size());
    file.append(reinterpret_cast<const char*>(&sum), sizeof(sum));

    auto log = WriteAheadLog::create(*fs_, log_path(seq, true), seq);
    std::string temporary = fmt::format("{}/manifest-{:08}.tmp", directory_, seq);
    write_file_synced(*fs_, temporary, file);
    fs_->rename(temporary, manifest_path(seq));
    fs_->sync_directory(directory_);
    // The new manifest is in force: name its log, then drop what it replaced.
    fs_->rename(log_path(seq, true), log_path(seq, false));
    fs_->sync_directory(directory_);
    log.reset();
    log_ = WriteAheadLog::open(*fs_, log_path(seq, false), seq);  // by its final name, for error messages
    checkpoint_seq_ = seq;
}

void Database::load_manifest(const std::string& path, Connection& connection) {
    std::string data = read_whole_file(*fs_, path);
    if (data.size() < sizeof(kManifestMagic) + sizeof(uint64_t) || std::memcmp(data.data(), kManifestMagic, sizeof(kManifestMagic)) != 0) {
        throw Error(sql_state::kDataCorrupted, fmt::format("could not read \"{}\": not a Basalt manifest", path));
    }
    uint64_t sum;
    std::memcpy(&sum, data.data() + data.size() - sizeof(sum), sizeof(sum));
    if (checksum64(data.data(), data.size() - sizeof(sum)) != sum) {
        throw Error(sql_state::kDataCorrupted, fmt::format("could not read \"{}\": the manifest fails its checksum", path));
    }
    uint64_t raw_size;
    if (data.size() < sizeof(kManifestMagic) + 2 * sizeof(uint64_t)) {
        throw Error(sql_state::kDataCorrupted, fmt::format("could not read \"{}\": the manifest is cut short", path));
    }
    std::memcpy(&raw_size, data.data() + sizeof(kManifestMagic), sizeof(raw_size));
    std::string body(raw_size, '\0');
    size_t start = sizeof(kManifestMagic) + sizeof(raw_size);
    size_t n = ZSTD_decompress(body.data(), body.size(), data.data() + start, data.size() - start - sizeof(sum));
    if (ZSTD_isError(n) || n != raw_size) {
        throw Error(sql_state::kDataCorrupted, fmt::format("could not read \"{}\": the manifest does not decompress", path));
    }
    BinaryReader in(body, path);
    in.read<uint64_t>();  // checkpoint number (also in the file name)
    txn_t last_committed = in.read<uint64_t>();
    next_file_ = in.read<uint64_t>();
    vacuum_horizon_ = in.read<uint64_t>();
    for (uint64_t n = in.read_varint(), i = 0; i < n; i++) {
        txn_t id = in.read_varint();
        transactions_.record_commit_time(id, in.read<int64_t>());
    }
    uint64_t statements = in.read_varint();
    std::vector<std::string> views;
    for (uint64_t i = 0; i < statements; i++) {
        std::string sql = in.read_string();
        if (sql.rfind("CREATE TABLE", 0) == 0 || sql.rfind("CREATE SCHEMA", 0) == 0) {
            connection.replay_schema_change(sql, 0);
        } else {
            views.push_back(sql);
        }
    }
    // Views may read other views: create them in passes until none is left (or none makes progress).
    while (!views.empty()) {
        std::vector<std::string> failed;
        for (const auto& sql : views) {
            try {
                connection.replay_schema_change(sql, 0);
            } catch (const Error&) {
                failed.push_back(sql);
            }
        }
        if (failed.size() == views.size()) connection.replay_schema_change(failed[0], 0);  // reports the view's error
        views = std::move(failed);
    }
    uint64_t table_count = in.read_varint();
    for (uint64_t t = 0; t < table_count; t++) {
        std::string schema = in.read_string();
        std::string name = in.read_string();
        auto table = catalog_.find_table(schema, name);
        if (!table) in.corrupt(fmt::format("table {}.{} has data but no definition", schema, name));
        std::vector<ColumnStatistics> statistics(in.read_varint());
        for (auto& s : statistics) s.read(in);
        uint64_t group_count = in.read_varint();
        std::vector<RowGroupCheckpoint> groups;
        for (uint64_t g = 0; g < group_count; g++) {
            RowGroupCheckpoint group;
            uint64_t number = in.read_varint();
            group.count = in.read_varint();
            if (group.count > kRowGroupSize) in.corrupt("a row group larger than the row group size");
            if (number > 0) group.file = RowGroupFile::open(fs_, column_file_path(directory_, number), number, group.count, cache_.get());
            for (uint64_t n = in.read_varint(), i = 0; i < n; i++) {
                idx_t first = in.read_varint();
                group.insert_runs.emplace_back(first, in.read_varint());
            }
            for (uint64_t n = in.read_varint(), i = 0; i < n; i++) {
                idx_t offset = in.read_varint();
                if (offset >= group.count) in.corrupt("a delete past the end of its row group");
                group.deletes.emplace_back(offset, in.read_varint());
            }
            uint64_t columns = in.read_varint();
            if (columns != table->columns.size()) in.corrupt("a row group with the wrong number of columns");
            for (uint64_t c = 0; c < columns; c++) {
                int32_t in_file = in.read<int32_t>();
                if (in_file >= 0 && !group.file) in.corrupt("a column map naming a file column without a file");
                group.file_column.push_back(in_file);
                group.missing.push_back(in_file < 0 ? deserialize_value(in) : Value());
            }
            groups.push_back(std::move(group));
        }
        table->storage->restore(std::move(groups), std::move(statistics));
    }
    transactions_.restore_last_committed(last_committed);
}

void Database::remove_unreferenced_files() {
    // Files running transactions wrote early are theirs until they commit or roll back.
    uint64_t limit = UINT64_MAX;
    std::set<uint64_t> referenced = optimistic_writer_ ? optimistic_writer_->pending(limit) : std::set<uint64_t>{};
    for (const auto& t : catalog_.all_tables()) {
        for (const auto& g : t->storage->checkpoint_files()) referenced.insert(g);
    }
    auto number = [](const std::string& name, size_t prefix) { return std::strtoull(name.c_str() + prefix, nullptr, 10); };
    // Cleanup is best effort: what is left is removed by the next checkpoint or open.
    try {
        for (const auto& name : fs_->list(directory_ + "/data")) {
            if (name.ends_with(".bcol") && !referenced.count(number(name, 0)) && number(name, 0) < limit) {
                cache_->forget_file(number(name, 0));
                fs_->remove(directory_ + "/data/" + name);
            }
        }
        for (const auto& name : fs_->list(directory_)) {
            bool manifest = name.starts_with("manifest-"), log = name.starts_with("wal-");
            if (!manifest && !log) continue;
            uint64_t seq = number(name, manifest ? 9 : 4);
            bool garbage = name.ends_with(".tmp") || (name.ends_with(".new") && seq != checkpoint_seq_) ||
                           ((name.ends_with(".bsm") || name.ends_with(".log")) && seq < checkpoint_seq_);
            if (garbage) fs_->remove(directory_ + "/" + name);
        }
    } catch (const Error&) {
    }
}

}  // namespace basalt

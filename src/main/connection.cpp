#include "main/connection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "execution/executor.hpp"
#include "execution/physical_planner.hpp"
#include "function/statement_clock.hpp"
#include "optimizer/optimizer.hpp"
#include "parser/parser.hpp"

namespace basalt {

Connection::Connection(Database& database)
    : database_(database), catalog_(database.catalog(), [this]() -> Transaction& { return transaction(); }) {
    catalog_.resolve_snapshot = [this](const Value& as_of) { return resolve_snapshot(as_of); };
}

std::vector<QueryResult> Connection::query_all(const std::string& sql) {
    auto statements = parse_sql(sql);
    std::vector<QueryResult> results;
    for (const auto& s : statements) results.push_back(execute(*s));
    return results;
}

QueryResult Connection::query(const std::string& sql) {
    auto results = query_all(sql);
    if (results.empty()) return QueryResult{};
    return std::move(results.back());
}

QueryResult Connection::run_query(BoundQuery bound) {
    LogicalPtr plan = optimize(std::move(bound.plan));
    auto physical = create_physical_plan(*plan);
    QueryContext query;
    query.scheduler = &database_.scheduler();
    query.transaction = &transaction();
    query.resolve_snapshot = [this](const Value& as_of) { return resolve_snapshot(as_of); };
    query.threads = settings_.threads > 0 ? settings_.threads : database_.scheduler().thread_count();
    number_operators(*physical, query);
    QueryResult result;
    result.names = std::move(bound.names);
    result.types = std::move(bound.types);
    result.returns_rows = true;
    result.chunks = execute_plan(query, *physical);
    return result;
}

namespace {

// Statements that run alone (the statement lock held exclusively).
bool is_schema_change(StatementKind kind) {
    switch (kind) {
        case StatementKind::kCreateTable:
        case StatementKind::kCreateTableAs:
        case StatementKind::kCreateView:
        case StatementKind::kCreateSchema:
        case StatementKind::kDrop:
        case StatementKind::kAlterTable:
        case StatementKind::kRenameTable:
        case StatementKind::kRenameColumn:
        case StatementKind::kCheckpoint:
        case StatementKind::kVacuum:
        case StatementKind::kCall: return true;
        default: return false;
    }
}

const char* statement_name(StatementKind kind) {
    switch (kind) {
        case StatementKind::kCreateTable: return "CREATE TABLE";
        case StatementKind::kCreateTableAs: return "CREATE TABLE AS";
        case StatementKind::kCreateView: return "CREATE VIEW";
        case StatementKind::kCreateSchema: return "CREATE SCHEMA";
        case StatementKind::kDrop: return "DROP";
        case StatementKind::kCall: return "CALL";
        case StatementKind::kCheckpoint: return "CHECKPOINT";
        case StatementKind::kVacuum: return "VACUUM";
        default: return "ALTER TABLE";
    }
}

struct NestingGuard {
    int& depth;
    explicit NestingGuard(int& d) : depth(d) { depth++; }
    ~NestingGuard() { depth--; }
};

}  // namespace

void Connection::commit_transaction() {
    // Temporary tables made ON COMMIT DELETE ROWS lose their rows, and ON COMMIT DROP ones go, as part of the
    // commit (so a failing commit leaves them as they were).
    for (const auto& table : catalog_.temporary_tables()) {
        if (table->on_commit.empty()) continue;
        std::string name = quote_identifier(table->schema) + "." + quote_identifier(table->name);
        NestingGuard nested(nesting_);
        query(table->on_commit == "drop" ? "DROP TABLE " + name + " CASCADE" : "DELETE FROM " + name);
    }
    auto finished = std::move(transaction_);
    bool schema_changed = finished->changes_schema();
    database_.transactions().commit(*finished);
    finished.reset();
    if (schema_changed) catalog_.prune(database_.transactions().oldest_active_snapshot());
    database_.request_checkpoint_if_needed();
}

Transaction& Connection::transaction() {
    if (!transaction_) {
        transaction_ = database_.transactions().begin();
        set_statement_time(current_time_micros());  // now() is the transaction's start, as in PostgreSQL
    }
    return *transaction_;
}

QueryResult Connection::execute(const Statement& s) {
    if (nesting_ > 0) return dispatch(s);  // inside CALL / COPY: same lock, same transaction
    if (s.kind == StatementKind::kTransaction) return execute_transaction_control(s);
    if (transaction_failed_) {
        throw Error(sql_state::kInFailedSqlTransaction,
                    "current transaction is aborted, commands ignored until end of transaction block");
    }
    bool schema_change = is_schema_change(s.kind);
    if (schema_change && database_.refuses_changes()) {
        throw Error(sql_state::kReadOnlySqlTransaction, fmt::format("cannot execute {} in a database opened read-only", statement_name(s.kind)),
                    s.position);
    }
    bool runs_outside_blocks = s.kind == StatementKind::kCheckpoint || s.kind == StatementKind::kVacuum || s.kind == StatementKind::kCall;
    if (runs_outside_blocks && explicit_transaction_) {
        transaction_failed_ = true;
        throw Error(sql_state::kActiveSqlTransaction,
                    fmt::format("{} cannot run inside a transaction block", statement_name(s.kind)), s.position);
    }
    std::unique_lock<FairSharedMutex> exclusive(database_.statement_lock(), std::defer_lock);
    std::shared_lock<FairSharedMutex> shared(database_.statement_lock(), std::defer_lock);
    if (schema_change) {
        exclusive.lock();
    } else {
        shared.lock();
    }
    NestingGuard guard(nesting_);
    if (!explicit_transaction_) set_statement_time(current_time_micros());
    in_place_alter_ = false;
    try {
        transaction();
        QueryResult result = dispatch(s);
        if (!explicit_transaction_) commit_transaction();
        return result;
    } catch (...) {
        // An ALTER that rewrote storage in place cannot be undone: if its commit failed, the log does not hold
        // it, and no later commit may be logged against the changed table.
        if (in_place_alter_ && !explicit_transaction_) {
            std::string why = "unknown error";
            try {
                throw;
            } catch (const std::exception& e) {
                why = e.what();
            } catch (...) {
            }
            database_.refuse_commits(fmt::format("the schema change \"{}\" is in effect but not in the log ({})", s.text, why));
        }
        if (explicit_transaction_) {
            transaction_failed_ = true;
        } else if (transaction_) {
            auto failed = std::move(transaction_);
            database_.transactions().rollback(*failed);
        }
        throw;
    }
}

// "64MB", "1.5GB", "512kB", "1000": PostgreSQL-style sizes (units of 1024).
static uint64_t parse_byte_size(const std::string& text, const std::string& name) {
    size_t end = 0;
    double number = 0;
    try {
        number = std::stod(text, &end);
    } catch (const std::exception&) {
        end = 0;
    }
    std::string unit;
    for (size_t i = end; i < text.size(); i++) {
        if (!std::isspace(static_cast<unsigned char>(text[i]))) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    }
    double scale = unit.empty() || unit == "b" ? 1 : unit == "kb" ? 1024.0 : unit == "mb" ? 1048576.0 : unit == "gb" ? 1073741824.0
                                                 : unit == "tb" ? 1099511627776.0 : -1;
    if (end == 0 || scale < 0 || !(number >= 0) || number * scale > 1e18) {
        throw Error(sql_state::kInvalidParameterValue,
                    fmt::format("invalid value for parameter \"{}\": \"{}\" (a size such as 512MB or 4GB)", name, text));
    }
    return static_cast<uint64_t>(number * scale);
}

txn_t Connection::resolve_snapshot(const Value& as_of) {
    TransactionManager& tm = database_.transactions();
    txn_t last = tm.last_committed();
    int64_t now = current_time_micros();
    int64_t oldest_time = now - database_.retention();
    txn_t snapshot;
    if (as_of.type().id() == TypeId::kBigInt) {
        if (as_of.get_int64() < 0) throw Error(sql_state::kInvalidParameterValue, "a snapshot id is not negative");
        snapshot = static_cast<txn_t>(as_of.get_int64());
        if (snapshot > last) {
            throw Error(sql_state::kInvalidParameterValue, fmt::format("snapshot {} does not exist yet (the last commit is {})", snapshot, last));
        }
        auto when = tm.commit_time(snapshot);
        if (snapshot > 0 && when && *when < oldest_time) {
            throw Error(sql_state::kInvalidParameterValue,
                        fmt::format("snapshot {} is older than time_travel_retention", snapshot));
        }
    } else {
        int64_t micros = as_of.get_int64();
        if (micros < oldest_time) {
            throw Error(sql_state::kInvalidParameterValue, fmt::format("{} is older than time_travel_retention", as_of.to_string()));
        }
        snapshot = tm.commit_at_or_before(micros);
    }
    if (snapshot < database_.oldest_readable_snapshot()) {
        throw Error(sql_state::kInvalidParameterValue,
                    fmt::format("snapshot {} is no longer readable: VACUUM removed versions it needs", snapshot));
    }
    return snapshot;
}

QueryResult Connection::execute_transaction_control(const Statement& s) {
    QueryResult r;
    const std::string& kind = s.transaction_kind;
    if (kind == "begin") {
        // BEGIN inside a block is a warning in PostgreSQL; the block goes on.
        explicit_transaction_ = true;
        r.command_tag = "BEGIN";
        return r;
    }
    if (kind == "savepoint" || kind == "release" || kind == "rollback_to") {
        const char* what = kind == "savepoint" ? "SAVEPOINT" : kind == "release" ? "RELEASE SAVEPOINT" : "ROLLBACK TO SAVEPOINT";
        if (!explicit_transaction_) {
            throw Error(sql_state::kNoActiveSqlTransaction, fmt::format("{} can only be used in transaction blocks", what));
        }
        if (transaction_failed_ && kind != "rollback_to") {
            throw Error(sql_state::kInFailedSqlTransaction,
                        "current transaction is aborted, commands ignored until end of transaction block");
        }
        Transaction& txn = transaction();
        if (kind == "savepoint") {
            txn.savepoint(s.old_name);
            r.command_tag = "SAVEPOINT";
            return r;
        }
        bool found = kind == "release" ? txn.release_savepoint(s.old_name) : txn.rollback_to_savepoint(s.old_name);
        if (!found) {
            transaction_failed_ = true;
            throw Error(sql_state::kInvalidSavepointSpecification, fmt::format("savepoint \"{}\" does not exist", s.old_name));
        }
        if (kind == "rollback_to") transaction_failed_ = false;  // the block goes on from the savepoint
        r.command_tag = kind == "release" ? "RELEASE" : "ROLLBACK";
        return r;
    }
    // COMMIT or ROLLBACK: the block ends whatever happens.
    bool failed = transaction_failed_;
    explicit_transaction_ = false;
    transaction_failed_ = false;
    auto finished = std::move(transaction_);
    if (kind == "rollback" || failed) {
        if (finished) database_.transactions().rollback(*finished);
        r.command_tag = "ROLLBACK";
        return r;
    }
    if (finished) {
        std::shared_lock<FairSharedMutex> shared(database_.statement_lock());
        transaction_ = std::move(finished);
        commit_transaction();  // 40001 here rolls back and ends the block
    }
    r.command_tag = "COMMIT";
    return r;
}

void Connection::record_schema_change(std::string sql) {
    if (!catalog_.replaying()) transaction().log_schema_change(std::move(sql));
}

void Connection::replay_schema_change(const std::string& sql, txn_t stamp) {
    struct ReplayStamp {
        SessionCatalog& catalog;
        ReplayStamp(SessionCatalog& c, txn_t stamp) : catalog(c) { catalog.set_replay_stamp(stamp); }
        ~ReplayStamp() { catalog.set_replay_stamp(std::nullopt); }
    } replaying(catalog_, stamp);
    query(sql);
}

// Schema changes are made in this transaction's catalog versions; the log gets them as SQL text with its commit
// (record_schema_change), so a rolled-back or failed change leaves no trace anywhere.
QueryResult Connection::dispatch(const Statement& s) {
    switch (s.kind) {
        case StatementKind::kSelect: return execute_select(s);
        case StatementKind::kExplain: return execute_explain(s);
        case StatementKind::kInsert: return execute_insert(s);
        case StatementKind::kUpdate: return execute_update(s);
        case StatementKind::kDelete: return execute_delete(s);
        case StatementKind::kMerge: return execute_merge(s);
        case StatementKind::kTruncate: return execute_truncate(s);
        case StatementKind::kCreateTable: return execute_create_table(s);
        case StatementKind::kCreateTableAs: return execute_create_table_as(s);
        case StatementKind::kCreateView: return execute_create_view(s);
        case StatementKind::kCreateSchema: {
            catalog_.create_schema(s.target.name, s.if_not_exists);
            record_schema_change(s.text);
            QueryResult r;
            r.command_tag = "CREATE SCHEMA";
            return r;
        }
        case StatementKind::kDrop: return execute_drop(s);
        case StatementKind::kAlterTable:
        case StatementKind::kRenameTable:
        case StatementKind::kRenameColumn: return execute_alter(s);
        case StatementKind::kCopy:
            if (!database_.extensions().copy) throw Error(sql_state::kFeatureNotSupported, "COPY is not available in this build");
            return database_.extensions().copy(*this, s);
        case StatementKind::kCall:
            if (!database_.extensions().call) throw Error(sql_state::kFeatureNotSupported, "CALL is not available in this build");
            return database_.extensions().call(*this, s);
        case StatementKind::kSet: return execute_set(s);
        case StatementKind::kShow: return execute_show(s);
        case StatementKind::kTransaction: return execute_transaction_control(s);
        case StatementKind::kCheckpoint:
        case StatementKind::kVacuum: {
            bool vacuum = s.kind == StatementKind::kVacuum;
            database_.checkpoint(vacuum);
            QueryResult r;
            r.command_tag = vacuum ? "VACUUM" : "CHECKPOINT";
            return r;
        }
    }
    throw Error(sql_state::kFeatureNotSupported, "statement not supported");
}

QueryResult Connection::execute_select(const Statement& s) {
    Binder binder(catalog_);
    return run_query(binder.bind_select(*s.select));
}

QueryResult Connection::execute_explain(const Statement& s) {
    if (s.explained->kind != StatementKind::kSelect) {
        throw Error(sql_state::kFeatureNotSupported, "EXPLAIN supports SELECT statements");
    }
    Binder binder(catalog_);
    BoundQuery bound = binder.bind_select(*s.explained->select);
    LogicalPtr plan = optimize(std::move(bound.plan));
    auto physical = create_physical_plan(*plan);
    QueryContext query;
    query.scheduler = &database_.scheduler();
    query.transaction = &transaction();
    query.resolve_snapshot = [this](const Value& as_of) { return resolve_snapshot(as_of); };
    query.threads = settings_.threads > 0 ? settings_.threads : database_.scheduler().thread_count();
    query.profile = s.analyze;
    number_operators(*physical, query);
    std::string text;
    if (s.analyze) {
        auto start = std::chrono::steady_clock::now();
        auto chunks = execute_plan(query, *physical);
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        idx_t rows = 0;
        for (auto& c : chunks) rows += c->size();
        text = explain_physical_plan(*physical, &query);
        text += fmt::format("Total: {} rows in {:.3f} ms on {} threads\n", rows, ms, query.threads);
    } else {
        text = explain_physical_plan(*physical, nullptr);
    }
    QueryResult r;
    r.names = {"QUERY PLAN"};
    r.types = {LogicalType::varchar()};
    r.returns_rows = true;
    auto chunk = std::make_unique<DataChunk>();
    chunk->initialize(r.types);
    idx_t row = 0;
    size_t start = 0;
    while (start < text.size() && row < kVectorSize) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        chunk->column(0).set_value(row++, Value::varchar(text.substr(start, end - start)));
        start = end + 1;
    }
    chunk->set_size(row);
    r.chunks.push_back(std::move(chunk));
    return r;
}

QueryResult Connection::execute_set(const Statement& s) {
    QueryResult r;
    r.command_tag = s.reset ? "RESET" : "SET";
    const std::string& name = s.setting_name;
    if (name.empty()) return r;
    std::string value = s.setting_values.empty() ? "" : s.setting_values[0].to_string();
    if (name == "threads" || name == "worker_threads") {
        if (s.reset) {
            settings_.threads = 0;
        } else {
            int n = std::atoi(value.c_str());
            if (n < 1 || n > 1024) throw Error(sql_state::kInvalidParameterValue, "threads must be between 1 and 1024");
            settings_.threads = n;
        }
    } else if (name == "synchronous" || name == "synchronous_commit") {
        std::string lower;
        for (char c : value) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (s.reset || lower == "full" || lower == "on" || lower == "true" || lower == "1") {
            database_.set_synchronous(true);
        } else if (lower == "off" || lower == "false" || lower == "0") {
            database_.set_synchronous(false);
        } else {
            throw Error(sql_state::kInvalidParameterValue, fmt::format("invalid value for parameter \"{}\": \"{}\" (use full or off)", name, value));
        }
    } else if (name == "compression") {
        std::string lower;
        for (char c : value) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (s.reset || lower == "zstd") {
            database_.set_compression(Compression::kZstd);
        } else if (lower == "lz4") {
            database_.set_compression(Compression::kLz4);
        } else if (lower == "none" || lower == "uncompressed") {
            database_.set_compression(Compression::kNone);
        } else {
            throw Error(sql_state::kInvalidParameterValue, fmt::format("invalid value for parameter \"compression\": \"{}\" (use zstd, lz4 or none)", value));
        }
    } else if (name == "memory_limit" || name == "checkpoint_threshold") {
        uint64_t bytes = s.reset ? (name == "memory_limit" ? database_.buffer_cache().limit() : 64ull << 20) : parse_byte_size(value, name);
        if (name == "memory_limit") {
            database_.buffer_cache().set_limit(bytes);
        } else {
            database_.set_checkpoint_threshold(bytes);
        }
    } else if (name == "time_travel_retention") {
        // An interval ('7 days', '12 hours', '0'); a bare number means seconds.
        int64_t micros = 7LL * 24 * 3600 * 1000000;
        if (!s.reset) {
            std::string text = value;
            bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
            if (digits) text += " seconds";
            Interval iv = cast_value(Value::varchar(text), LogicalType::interval()).get_interval();
            micros = iv.micros + static_cast<int64_t>(iv.days) * 86400000000LL + static_cast<int64_t>(iv.months) * 30 * 86400000000LL;
            if (micros < 0) throw Error(sql_state::kInvalidParameterValue, "time_travel_retention must not be negative");
        }
        database_.set_retention(micros);
    } else if (name == "timezone") {
        std::string lower;
        for (char c : value) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!s.reset && lower != "utc" && lower != "gmt" && lower != "etc/utc" && lower != "z") {
            throw Error(sql_state::kInvalidParameterValue, fmt::format("time zone \"{}\" is not supported (only UTC)", value));
        }
    } else {
        // PostgreSQL session parameters that clients set on connect are accepted and remembered.
        static const char* kAccepted[] = {"client_encoding", "datestyle", "extra_float_digits", "search_path", "application_name",
                                          "statement_timeout", "intervalstyle", "client_min_messages",
                                          "lock_timeout", "idle_in_transaction_session_timeout", "standard_conforming_strings",
                                          "bytea_output", "default_transaction_isolation", "jit",
                                          "max_parallel_workers_per_gather", "enable_seqscan", "work_mem"};
        bool known = false;
        for (const char* k : kAccepted) known = known || name == k;
        if (!known) throw Error(sql_state::kUndefinedObject, fmt::format("unrecognized configuration parameter \"{}\"", name));
    }
    if (s.reset) {
        settings_.values.erase(name);
    } else {
        settings_.values[name] = value;
    }
    return r;
}

QueryResult Connection::execute_show(const Statement& s) {
    QueryResult r;
    r.names = {s.setting_name};
    r.types = {LogicalType::varchar()};
    r.returns_rows = true;
    std::string value;
    if (s.setting_name == "threads" || s.setting_name == "worker_threads") {
        value = std::to_string(settings_.threads > 0 ? settings_.threads : database_.scheduler().thread_count());
    } else if (settings_.values.count(s.setting_name)) {
        value = settings_.values[s.setting_name];
    } else if (s.setting_name == "timezone") {
        value = "UTC";
    } else if (s.setting_name == "server_version") {
        value = "15.0 (Basalt)";
    } else if (s.setting_name == "datestyle") {
        value = "ISO, MDY";
    } else if (s.setting_name == "client_encoding" || s.setting_name == "server_encoding") {
        value = "UTF8";
    } else {
        throw Error(sql_state::kUndefinedObject, fmt::format("unrecognized configuration parameter \"{}\"", s.setting_name));
    }
    auto chunk = std::make_unique<DataChunk>();
    chunk->initialize(r.types);
    chunk->column(0).set_value(0, Value::varchar(value));
    chunk->set_size(1);
    r.chunks.push_back(std::move(chunk));
    return r;
}

}  // namespace basalt

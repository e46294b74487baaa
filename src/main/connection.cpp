#include "main/connection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "execution/executor.hpp"
#include "execution/physical_planner.hpp"
#include "function/statement_clock.hpp"
#include "execution/physical_operator.hpp"
#include "optimizer/optimizer.hpp"
#include "parser/parser.hpp"

namespace basalt {

Connection::Connection(Database& database)
    : database_(database), catalog_(database.catalog(), [this]() -> Transaction& { return transaction(); }) {
    catalog_.resolve_snapshot = [this](const Value& as_of) { return resolve_snapshot(as_of); };
}

Connection::~Connection() {
    try {
        close_active();
    } catch (...) {
        // A read-only statement's end cannot fail in a way the destroyed session could act on.
    }
}

std::vector<QueryResult> Connection::query_all(const std::string& sql) {
    auto statements = parse_sql(sql);
    std::vector<QueryResult> results;
    for (const auto& s : statements) {
        results.push_back(execute(*s));
        results.back().materialize();
    }
    return results;
}

struct Connection::ActiveQuery {
    // Declared in the order they are set up; destroyed in reverse: the executor stops its tasks before the
    // context and plan they use go, and the statement lock goes last.
    std::shared_lock<FairSharedMutex> lock;
    std::unique_ptr<PhysicalOperator> plan;
    std::unique_ptr<QueryContext> query;
    std::unique_ptr<QueryExecutor> executor;
};

// The result's end of a streaming SELECT: valid while the statement is still the connection's running one.
class Connection::ActiveStream final : public ResultStream {
public:
    ActiveStream(Connection& connection, const std::shared_ptr<ActiveQuery>& active) : connection_(connection), active_(active) {}
    ~ActiveStream() override {
        // Destroying an unread result ends its statement (and releases its lock) at once.
        auto active = active_.lock();
        if (!active || connection_.active_ != active) return;
        try {
            connection_.close_active();
        } catch (...) {
        }
    }
    std::unique_ptr<DataChunk> next() override {
        auto active = active_.lock();
        if (!active || connection_.active_ != active) {
            throw Error(sql_state::kObjectNotInPrerequisiteState, "the result is closed: its connection ran another statement");
        }
        return connection_.fetch_active();
    }

private:
    Connection& connection_;  // only touched while active_ lives, which the connection owns
    std::weak_ptr<ActiveQuery> active_;
};

std::unique_ptr<QueryContext> Connection::make_query_context() {
    auto query = std::make_unique<QueryContext>();
    query->scheduler = &database_.scheduler();
    query->transaction = &transaction();
    query->resolve_snapshot = [this](const Value& as_of) { return resolve_snapshot(as_of); };
    query->threads = settings_.threads > 0 ? std::min(settings_.threads, database_.scheduler().thread_count())
                                           : database_.scheduler().thread_count();
    query->interrupt = &interrupt_;
    query->memory = &database_.memory();
    query->temporary = &database_.temporary_directory();
    query->progress = &progress_;
    return query;
}

QueryResult Connection::start_streaming_select(const Statement& s, std::shared_lock<FairSharedMutex> lock) {
    Binder binder(catalog_);
    BoundQuery bound = binder.bind_select(*s.select);
    auto active = std::make_shared<ActiveQuery>();
    active->plan = create_physical_plan(*optimize(std::move(bound.plan)));
    active->query = make_query_context();
    number_operators(*active->plan, *active->query);
    active->executor = std::make_unique<QueryExecutor>(*active->query, *active->plan, true);
    active->executor->start();
    active->lock = std::move(lock);
    active_ = active;
    QueryResult result;
    result.names = std::move(bound.names);
    result.types = std::move(bound.types);
    result.returns_rows = true;
    result.stream = std::make_shared<ActiveStream>(*this, active);
    return result;
}

std::unique_ptr<DataChunk> Connection::fetch_active() {
    std::unique_ptr<DataChunk> chunk;
    try {
        chunk = active_->executor->fetch();
    } catch (...) {
        finish_active(std::current_exception());
        throw;
    }
    if (!chunk) finish_active(nullptr);
    return chunk;
}

void Connection::finish_active(std::exception_ptr error) {
    auto active = std::move(active_);
    if (!active) return;
    // The statement lock is held until the transaction ends, as for every other statement.
    std::shared_lock<FairSharedMutex> lock = std::move(active->lock);
    active.reset();
    interrupt_.disarm();
    progress_.end();
    release_freed_memory();
    if (error) {
        fail_statement();
        return;
    }
    if (explicit_transaction_) return;
    try {
        commit_transaction();
    } catch (...) {
        fail_statement();
        throw;
    }
}

void Connection::fail_statement() {
    if (explicit_transaction_) {
        transaction_failed_ = true;
    } else if (transaction_) {
        auto failed = std::move(transaction_);
        database_.transactions().rollback(*failed);
    }
}

void Connection::close_active() {
    if (active_) finish_active(nullptr);
}

QueryResult Connection::query(const std::string& sql) {
    auto results = query_all(sql);
    if (results.empty()) return QueryResult{};
    return std::move(results.back());
}

QueryResult Connection::run_query(BoundQuery bound) {
    LogicalPtr plan = optimize(std::move(bound.plan));
    auto physical = create_physical_plan(*plan);
    auto query = make_query_context();
    number_operators(*physical, *query);
    QueryResult result;
    result.names = std::move(bound.names);
    result.types = std::move(bound.types);
    result.returns_rows = true;
    result.chunks = execute_plan(*query, *physical);
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
        catalog_.transaction_time = current_time_micros();  // now() is the transaction's start, as in PostgreSQL
    }
    return *transaction_;
}

QueryResult Connection::execute(const Statement& s) {
    if (nesting_ > 0) return dispatch(s);  // inside CALL / COPY: same lock, same transaction
    close_active();  // a result still streaming ends here
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
    interrupt_.arm(settings_.statement_timeout_ms);
    progress_.begin();
    struct Disarm {
        InterruptState& interrupt;
        StatementProgress& progress;
        bool keep = false;  // a streaming SELECT stays armed (and its progress shown) until its result ends
        ~Disarm() {
            if (keep) return;
            interrupt.disarm();
            progress.end();
        }
    } disarm{interrupt_, progress_};
    // Waiting for the lock (behind a schema change or checkpoint) can be cancelled too.
    if (schema_change) {
        database_.statement_lock().lock(interrupt_);
        exclusive = std::unique_lock<FairSharedMutex>(database_.statement_lock(), std::adopt_lock);
    } else {
        database_.statement_lock().lock_shared(interrupt_);
        shared = std::shared_lock<FairSharedMutex>(database_.statement_lock(), std::adopt_lock);
    }
    NestingGuard guard(nesting_);
    in_place_alter_ = false;
    try {
        transaction();
        if (s.kind == StatementKind::kSelect) {
            QueryResult result = start_streaming_select(s, std::move(shared));
            disarm.keep = true;
            return result;
        }
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
        fail_statement();
        throw;
    }
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
    auto query_context = make_query_context();
    QueryContext& query = *query_context;
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

}  // namespace basalt

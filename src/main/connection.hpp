// A session on a Database: runs SQL text statement by statement and keeps session settings and the current
// transaction.
//   (1) One Connection is used by one thread at a time.
//   (2) Outside BEGIN ... COMMIT every statement is its own transaction. Inside a block the transaction starts
//       at the first statement (its snapshot is taken then, as in PostgreSQL); after an error the block only
//       accepts ROLLBACK (or COMMIT, which rolls back), as in PostgreSQL (25P02).
//   (3) Schema changes (CREATE, DROP, ALTER) are transactional (catalog/catalog.hpp) and run inside blocks, except
//       ALTERs that rewrite storage (add, drop or retype a column); those, CALL, CHECKPOINT and VACUUM commit
//       on their own and are refused inside a block (25001). Every schema change runs alone.
//   (4) A SELECT's result streams (main/query_result.hpp): the statement, its shared statement lock and, outside
//       a block, its transaction last until the result is read to the end, destroyed, or the next statement
//       starts.
//   (5) interrupt() and progress() are the members another thread may call: interrupt() cancels the running
//       statement (57014), progress() tells how far it has come.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/interrupt.hpp"
#include "execution/statement_progress.hpp"

#include "main/database.hpp"
#include "planner/binder.hpp"

namespace basalt {

struct QueryContext;

struct Settings {
    int threads = 0;  // 0: all of the database's workers
    bool profile = false;
    int64_t statement_timeout_ms = 0;  // 0: none
    std::map<std::string, std::string> values;  // every SET parameter, for SHOW
};

// CREATE TABLE text that recreates a table's definition (columns, defaults, constraints).
std::string table_definition_sql(const TableEntry& table);

// UPDATE / MERGE / ON CONFLICT assignments: 42804 when the value's type has no assignment cast to the column's.
// Literals (strings, NULL) are let through: they convert to the column type, and a bad one fails in that cast.
void check_assignment_type(const BoundQuery& bound, idx_t result_column, const ParsedExpr& value,
                           const ColumnDefinition& column, int position);

class Connection {
public:
    explicit Connection(Database& database);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Cancels the statement running now (it fails with 57014 and the session goes on). Any thread, any time.
    void interrupt() { interrupt_.request_cancel(); }
    // The running statement's share of work done, 0 to 1 (rows its table scans read of those they will read;
    // COPY FROM a file: bytes loaded); nullopt when no statement runs or its work is not known. A streamed SELECT
    // runs until its result is read. Any thread, any time.
    std::optional<double> progress() const { return progress_.fraction(); }
    // The running statement's counters, for statements that measure their own work (COPY FROM).
    StatementProgress& statement_progress() { return progress_; }

    // Runs every statement of sql; returns one result per statement, read whole. The first error stops the batch.
    std::vector<QueryResult> query_all(const std::string& sql);
    // Runs sql and returns the last statement's result, read whole.
    QueryResult query(const std::string& sql);
    // Runs one statement; a SELECT's rows stream (see (4)).
    QueryResult execute(const Statement& statement);

    Database& database() { return database_; }
    // The catalog as this session sees it (its temporary objects first).
    SessionCatalog& catalog() { return catalog_; }
    Settings& settings() { return settings_; }

    // Runs a bound query to completion (used by INSERT ... SELECT, CTAS, COPY (query) TO).
    QueryResult run_query(BoundQuery query);
    // Appends rows to a table in the current transaction, converting to its column types and checking NOT NULL,
    // lengths, CHECK and unique keys.
    idx_t append_rows(TableEntry& table, const std::vector<idx_t>& columns, QueryResult& rows);
    // The two halves of append_rows: rows in table column order (casts, defaults, NOT NULL, lengths), then
    // CHECK constraints and the append (unique keys).
    std::vector<std::unique_ptr<DataChunk>> convert_rows(TableEntry& table, const std::vector<idx_t>& columns, QueryResult& rows);
    void append_converted(TableEntry& table, const std::vector<std::unique_ptr<DataChunk>>& chunks);
    Transaction& transaction();
    bool in_transaction_block() const { return explicit_transaction_; }
    // Opening a database: runs a schema change from a checkpoint or log record, committed at once with `stamp`.
    void replay_schema_change(const std::string& sql, txn_t stamp);

private:
    struct ActiveQuery;
    class ActiveStream;
    // A top-level SELECT: plans it, runs what comes before its last pipeline, and leaves it running in active_.
    QueryResult start_streaming_select(const Statement& s, std::shared_lock<FairSharedMutex> lock);
    std::unique_ptr<DataChunk> fetch_active();
    // Ends the streaming statement: commits its transaction outside a block, or fails it when `error` is set.
    void finish_active(std::exception_ptr error);
    void close_active();
    // A statement failed: a block now accepts only ROLLBACK (25P02); outside one its transaction rolls back.
    void fail_statement();
    // A QueryContext for this session's statement (scheduler, transaction, threads, interrupt).
    std::unique_ptr<QueryContext> make_query_context();
    QueryResult dispatch(const Statement& s);
    QueryResult execute_transaction_control(const Statement& s);
    // The snapshot an as_of() read names: a commit id, or the last commit at a timestamp; checked against the
    // retention period and what VACUUM removed (22023).
    txn_t resolve_snapshot(const Value& as_of);
    QueryResult execute_update(const Statement& s);
    QueryResult execute_delete(const Statement& s);
    QueryResult execute_merge(const Statement& s);
    QueryResult execute_truncate(const Statement& s);
    // INSERT ... ON CONFLICT: rows is the converted input (table column order).
    idx_t insert_on_conflict(const Statement& s, TableEntry& table, std::vector<std::unique_ptr<DataChunk>> rows);
    std::shared_ptr<TableEntry> writable_table(const QualifiedName& name);
    QueryResult execute_select(const Statement& s);
    QueryResult execute_explain(const Statement& s);
    QueryResult execute_insert(const Statement& s);
    QueryResult execute_create_table(const Statement& s);
    QueryResult execute_create_table_as(const Statement& s);
    QueryResult execute_create_view(const Statement& s);
    QueryResult execute_drop(const Statement& s);
    QueryResult execute_alter(const Statement& s);
    QueryResult execute_set(const Statement& s);
    QueryResult execute_show(const Statement& s);
    // A schema change of the running statement that the log must hold (SQL text to replay with its commit).
    void record_schema_change(std::string sql);
    // Commits transaction_ (which ends), then drops catalog versions nobody reads any more.
    void commit_transaction();

    Database& database_;
    SessionCatalog catalog_;
    Settings settings_;
    std::unique_ptr<Transaction> transaction_;
    bool explicit_transaction_ = false;
    bool transaction_failed_ = false;
    bool in_place_alter_ = false;  // the running statement rewrote a table's storage (Connection::execute)
    int nesting_ = 0;  // > 0 while a statement runs statements of its own (CALL, COPY): they share its transaction
    InterruptState interrupt_;
    StatementProgress progress_;  // of the running statement; begins and ends with interrupt_'s arming
    std::shared_ptr<ActiveQuery> active_;  // the SELECT whose result is still streaming
};

}  // namespace basalt

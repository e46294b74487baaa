// Basalt's own syntax tree: what the parser (libpg_query's PostgreSQL 15 grammar) turns SQL text into and
// the binder reads. It keeps names and 1-based positions as written, resolves nothing.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "types/logical_type.hpp"
#include "types/value.hpp"

namespace basalt {

struct SelectStmt;
struct ParsedExpr;
using ParsedExprPtr = std::unique_ptr<ParsedExpr>;

// A type as written: the binder resolves it (with typmods) to a LogicalType.
struct TypeNameAst {
    std::string name;            // last name part, e.g. "int4", "numeric", "varchar", "interval"
    std::vector<int> modifiers;  // (p, s), (n), interval field mask
    int position = 0;
};

enum class ExprKind {
    kColumnRef,      // names: [table.]column, or [table.]* when star
    kConstant,       // value
    kParameter,      // $n (index)
    kFunction,       // names = function name parts, children = args; also aggregates and window functions
    kOperator,       // op with 1 (prefix) or 2 children
    kAnd,
    kOr,
    kNot,
    kCast,           // children[0]::type
    kCase,           // optional children[0] operand (case_operand), when_then pairs, else
    kSubquery,       // subquery with subquery_kind; children[0] is the test expression for IN/ANY/ALL
    kIsNull,         // children[0] IS NULL (negated: IS NOT NULL)
    kBooleanTest,    // IS [NOT] TRUE/FALSE/UNKNOWN
    kInList,         // children[0] IN (children[1..]) (negated: NOT IN)
    kBetween,        // children[0] BETWEEN children[1] AND children[2] (negated, symmetric)
    kLike,           // op: "~~" LIKE, "~~*" ILIKE, "similar"; children: value, pattern[, escape]
    kDistinctFrom,   // children[0] IS [NOT] DISTINCT FROM children[1] (negated = IS NOT DISTINCT FROM)
    kCoalesce,
    kNullIf,
    kGreatest,
    kLeast,
    kGroupingFunc,   // GROUPING(a, b)
    kStar,           // bare * in a select list or count(*)
    kSqlValue,       // CURRENT_DATE and friends (op holds the name)
    kRow,            // ROW(a, b) (only for errors: not supported as values)
};

enum class SubqueryKind { kScalar, kExists, kAny, kAll };

struct OrderByItem {
    ParsedExprPtr expr;
    bool descending = false;
    std::optional<bool> nulls_first;  // unset: PostgreSQL default (NULLS LAST for ASC, FIRST for DESC)
};

enum class FrameBoundKind { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };

struct WindowSpec {
    std::string name;      // WINDOW w AS (...) definitions
    std::string ref_name;  // OVER w / OVER (w ORDER BY ...)
    std::vector<ParsedExprPtr> partition_by;
    std::vector<OrderByItem> order_by;
    bool has_frame = false;
    bool rows = false;  // ROWS vs RANGE
    FrameBoundKind start = FrameBoundKind::kUnboundedPreceding;
    FrameBoundKind end = FrameBoundKind::kCurrentRow;
    ParsedExprPtr start_offset;
    ParsedExprPtr end_offset;
    int position = 0;
};

struct CaseWhenThen {
    ParsedExprPtr when;
    ParsedExprPtr then;
};

struct ParsedExpr {
    ExprKind kind;
    int position = 0;  // 1-based, 0 when unknown
    std::vector<std::string> names;
    Value value;
    std::string op;
    bool negated = false;
    bool symmetric = false;
    std::vector<ParsedExprPtr> children;
    // functions
    bool distinct = false;
    bool star = false;
    std::vector<OrderByItem> agg_order;
    bool within_group = false;
    ParsedExprPtr filter;
    std::unique_ptr<WindowSpec> over;
    std::vector<std::string> arg_names;  // named arguments (name => value), "" for positional
    // subqueries
    SubqueryKind subquery_kind = SubqueryKind::kScalar;
    std::unique_ptr<SelectStmt> subquery;
    // casts
    TypeNameAst cast_type;
    // CASE
    std::vector<CaseWhenThen> when_then;
    ParsedExprPtr else_expr;
    // IS TRUE etc.
    std::optional<bool> test_value;  // true/false, nullopt = UNKNOWN

    explicit ParsedExpr(ExprKind k, int pos = 0) : kind(k), position(pos) {}
};

enum class TableRefKind { kBaseTable, kSubquery, kJoin, kFunction, kEmpty };
enum class JoinKind { kInner, kLeft, kRight, kFull, kCross };

struct TableRef {
    TableRefKind kind = TableRefKind::kEmpty;
    int position = 0;
    std::string schema;
    std::string name;  // table or function name
    std::string alias;
    std::vector<std::string> column_aliases;
    std::unique_ptr<SelectStmt> subquery;
    std::vector<ParsedExprPtr> function_args;
    std::vector<std::string> function_arg_names;
    // joins
    JoinKind join_kind = JoinKind::kInner;
    bool natural = false;
    std::unique_ptr<TableRef> left;
    std::unique_ptr<TableRef> right;
    ParsedExprPtr condition;
    std::vector<std::string> using_columns;
};

struct CommonTableExpr {
    std::string name;
    std::vector<std::string> column_aliases;
    std::unique_ptr<SelectStmt> query;
    int position = 0;
};

struct WithClause {
    bool recursive = false;
    std::vector<CommonTableExpr> ctes;
};

enum class SetOpKind { kNone, kUnion, kIntersect, kExcept };

struct GroupByItem;
enum class GroupingKind { kExpr, kEmpty, kRollup, kCube, kSets };
struct GroupByItem {
    GroupingKind kind = GroupingKind::kExpr;
    ParsedExprPtr expr;
    std::vector<GroupByItem> items;  // ROLLUP/CUBE/GROUPING SETS content (nested items may be kSets for (a,b))
};

struct SelectStmt {
    std::shared_ptr<WithClause> with;
    SetOpKind set_op = SetOpKind::kNone;
    bool set_all = false;
    std::unique_ptr<SelectStmt> left;
    std::unique_ptr<SelectStmt> right;
    // simple select
    bool distinct = false;
    std::vector<ParsedExprPtr> distinct_on;
    std::vector<ParsedExprPtr> targets;
    std::vector<std::string> target_names;  // alias or "" per target
    std::vector<std::unique_ptr<TableRef>> from;
    ParsedExprPtr where;
    std::vector<GroupByItem> group_by;
    ParsedExprPtr having;
    std::vector<std::unique_ptr<WindowSpec>> windows;
    std::vector<std::vector<ParsedExprPtr>> values;  // VALUES lists
    // applies to the whole (possibly set-op) statement
    std::vector<OrderByItem> order_by;
    ParsedExprPtr limit;
    ParsedExprPtr offset;
    int position = 0;
};

// ---- other statements ---------------------------------------------------------------------------------------

struct ColumnDefAst {
    std::string name;
    TypeNameAst type;
    bool not_null = false;
    bool primary_key = false;
    bool unique = false;
    ParsedExprPtr default_value;
    std::string default_sql;
    ParsedExprPtr check;
    std::string check_sql;   // the CHECK condition's text (the catalog keeps constraints as text)
    std::string check_name;  // CONSTRAINT name CHECK ..., "" when not named
    int position = 0;
};

struct QualifiedName {
    std::string schema;
    std::string name;
    int position = 0;
};

struct CopyOption {
    std::string name;
    std::string value;  // textual value ("" when absent)
    bool has_value = false;
};

enum class StatementKind {
    kSelect, kInsert, kCreateTable, kCreateTableAs, kCreateView, kCreateSchema, kDrop, kAlterTable,
    kRenameTable, kRenameColumn, kCopy, kExplain, kSet, kShow, kTransaction, kCall, kTruncate, kUpdate, kDelete, kCheckpoint, kVacuum, kMerge,
};

enum class AlterKind { kAddColumn, kDropColumn, kSetNotNull, kDropNotNull, kAlterType, kSetDefault };

struct AlterCommand {
    AlterKind kind;
    ColumnDefAst column;  // add column / alter type
    std::string column_name;
    bool if_exists = false;
    bool if_not_exists = false;
};

// One WHEN clause of MERGE. Its condition and values are columns of the MERGE statement's select (see there).
struct MergeClause {
    enum class Action { kUpdate, kDelete, kInsert, kNothing };
    bool matched = true;
    Action action = Action::kNothing;
    std::vector<std::string> columns;  // UPDATE SET / INSERT (...) columns (INSERT without a list: empty)
    std::vector<bool> is_default;      // per value: DEFAULT (its select column is a NULL placeholder)
    size_t condition_column = 0;       // select column of the AND condition (a TRUE literal when none)
    size_t first_value_column = 0;     // select column of the first SET / VALUES value
    size_t value_count = 0;
    bool default_values = false;       // INSERT DEFAULT VALUES
};

struct Statement {
    StatementKind kind;
    int position = 0;          // where the statement starts in the text (1-based)
    std::string text;          // the statement's own text
    std::unique_ptr<SelectStmt> select;
    QualifiedName target;      // table/view/schema named by DDL, INSERT, COPY
    std::vector<QualifiedName> targets;  // DROP lists
    std::vector<std::string> columns;    // INSERT column list, CREATE VIEW aliases, CTAS names
    std::vector<ColumnDefAst> column_defs;
    std::vector<std::vector<std::string>> unique_keys;  // table-level PRIMARY KEY/UNIQUE (pk first)
    std::vector<ParsedExprPtr> checks;
    bool has_primary_key = false;             // unique_keys[0] is a table-level PRIMARY KEY
    std::vector<std::string> unique_key_names;  // per unique_keys entry, "" when not named
    std::vector<std::string> check_sqls, check_names;  // per checks entry
    std::string partition_sql;                         // PARTITION BY LIST (this)
    std::vector<std::pair<std::string, std::string>> table_options;  // WITH (name = value, ...)
    // UPDATE / DELETE: `select` reads [target.ctid, target.*, SET values..., RETURNING values...] from the target
    // joined with FROM/USING under WHERE; `columns` names the SET columns.
    std::string target_alias;
    std::vector<bool> set_default;  // SET column = DEFAULT (the select has a NULL placeholder there)
    // INSERT ... ON CONFLICT [(columns) | ON CONSTRAINT name] DO NOTHING | DO UPDATE SET ... [WHERE ...]
    std::string conflict_action;  // "", "nothing" or "update"
    std::vector<std::string> conflict_columns;
    std::string conflict_constraint;
    std::vector<std::string> conflict_set_columns;
    std::vector<ParsedExprPtr> conflict_values;  // null for SET column = DEFAULT
    ParsedExprPtr conflict_where;
    // MERGE INTO target USING source ON ...: `select` is source LEFT JOIN target, reading [target.ctid, target.*,
    // then per WHEN clause its condition and values].
    std::vector<MergeClause> merge_clauses;
    size_t returning_count = 0;
    bool if_not_exists = false;
    bool if_exists = false;
    bool or_replace = false;
    bool temporary = false;  // CREATE TEMP TABLE / VIEW
    std::string on_commit;   // CREATE TEMP TABLE ... ON COMMIT DELETE ROWS | DROP: "delete_rows", "drop" or ""
    bool cascade = false;
    std::string object_type;  // DROP: "table", "view", "schema"
    std::vector<AlterCommand> alter_commands;
    std::string old_name, new_name;  // renames
    // COPY
    bool copy_from = true;
    std::string file_name;
    bool copy_stdio = false;
    std::vector<CopyOption> options;
    // EXPLAIN
    bool analyze = false;
    std::unique_ptr<Statement> explained;
    // SET / SHOW
    std::string setting_name;
    std::vector<Value> setting_values;
    bool reset = false;
    // transactions
    std::string transaction_kind;  // begin, commit, rollback
    // CALL
    std::unique_ptr<ParsedExpr> call;
};

}  // namespace basalt

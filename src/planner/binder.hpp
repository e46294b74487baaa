// The binder: turns a parsed SELECT (or the query part of INSERT/CTAS/COPY) into a bound logical plan.
// Names are resolved against the catalog and the FROM scope, types are checked and functions chosen with
// PostgreSQL's rules, aggregates and window functions are split out, and subqueries become joins
// (correlated ones are decorrelated: their correlated predicates become join conditions).
//   (1) One Binder per query level; a subquery gets a child Binder whose parent resolves outer columns.
//   (2) Table indices are unique across all levels of one statement (shared counter).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/session_catalog.hpp"
#include "parser/ast.hpp"
#include "planner/bind_context.hpp"
#include "planner/logical_operator.hpp"

namespace basalt {

struct BoundQuery {
    LogicalPtr plan;
    std::vector<std::string> names;
    std::vector<LogicalType> types;
    std::vector<bool> unknown;  // column is an untyped literal (its type may still follow a UNION partner)
};

struct CteInfo {
    const CommonTableExpr* cte = nullptr;
    int index = 0;                 // position in its WITH list
    bool recursive_with = false;   // declared in WITH RECURSIVE (then every CTE of the list sees every other)
    bool hidden = false;           // while an earlier CTE's body is bound, later ones are not visible yet
    // set while the recursive part of a WITH RECURSIVE is bound: references read the working table
    bool recursive_binding = false;
    uint32_t cte_index = 0;
    std::vector<std::string> names;
    std::vector<LogicalType> types;
};

struct BinderShared {
    uint32_t next_table_index = 0;
    uint32_t next_cte_index = 0;
    int view_depth = 0;
};

// A subquery met while binding an expression; planned as a join once the clause's input plan is known.
struct PendingSubquery {
    SubqueryKind kind;
    BoundQuery query;
    ExprPtr test;       // IN/ANY/ALL: the left operand, bound in the outer scope
    std::string op;     // comparison operator name for ANY/ALL ("eq", "lt", ...)
    bool correlated = false;
    uint32_t mark_index = 0;  // EXISTS/ANY/ALL: the boolean column's binding
    JoinType join_type = JoinType::kMark;  // WHERE-level EXISTS/IN become kSemi / kAnti
    bool null_aware = false;               // IN semantics: a NULL on either side makes "no match" unknown
    bool inside_aggregate = false;         // met in an aggregate's arguments: planned below the aggregate
    int position = 0;
};

enum class ClauseKind { kWhere, kSelect, kHaving, kGroupBy, kOrderBy, kJoinCondition, kFilter, kOther };

class Binder {
public:
    Binder(SessionCatalog& catalog, Binder* parent = nullptr, Binder* cte_parent = nullptr);

    BoundQuery bind_select(const SelectStmt& stmt);
    // Binds a standalone expression without FROM (defaults, VALUES in INSERT).
    ExprPtr bind_constant_expression(const ParsedExpr& expr);
    LogicalType bind_type(const TypeNameAst& type);
    // Binds a boolean or scalar expression over one row of a table (CHECK constraints, ON CONFLICT): column
    // references become ColumnBinding{table_index, column}. Subqueries and aggregates are refused (0A000/42803).
    // Makes a second row visible to bind_row_expression (ON CONFLICT's `excluded`).
    void add_row_table(uint32_t table_index, const std::string& name, const std::vector<std::string>& names,
                       const std::vector<LogicalType>& types);
    // Binds over the row tables added so far (same refusals as bind_row_expression).
    ExprPtr bind_row_tables_expression(const ParsedExpr& expr, const char* what);
    ExprPtr bind_row_expression(const ParsedExpr& expr, uint32_t table_index, const std::string& table_name,
                                const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                                const char* what);
    SessionCatalog& catalog() { return catalog_; }

    // ---- used by the bind_*.cpp files ----
    uint32_t new_table_index() { return shared_->next_table_index++; }
    ExprPtr bind_expression(const ParsedExpr& expr, ClauseKind clause);
    ExprPtr bind_boolean(const ParsedExpr& expr, ClauseKind clause);
    // Casts an expression to a type (string literals are parsed at bind time, as PostgreSQL does).
    ExprPtr cast_to(ExprPtr expr, const LogicalType& target);
    ExprPtr bind_function_call(const std::string& name, std::vector<ExprPtr> args, int position,
                               const std::string& display_name = "");
    // Plans every pending subquery onto root (joins) and clears the list.
    void plan_pending_subqueries(LogicalPtr& root);
    // Replaces references to subquery results that were planned as expressions over other columns.
    ExprPtr apply_subquery_replacements(ExprPtr e);

private:
    friend class SelectBinder;
    struct SelectState;

    BoundQuery bind_select_node(const SelectStmt& stmt);
    BoundQuery bind_set_operation(const SelectStmt& stmt);
    BoundQuery bind_values(const SelectStmt& stmt);
    BoundQuery bind_simple_select(const SelectStmt& stmt);
    void apply_order_limit(const SelectStmt& stmt, BoundQuery& query, bool output_names_only);
    void register_ctes(const WithClause& with);
    LogicalPtr bind_from(const std::vector<std::unique_ptr<TableRef>>& from);
    LogicalPtr bind_table_ref(const TableRef& ref);
    // as_of: read the table as of that snapshot (with the definition it had then).
    LogicalPtr bind_base_table(const TableRef& ref, std::optional<txn_t> as_of = std::nullopt);
    LogicalPtr bind_subquery_ref(const TableRef& ref);
    LogicalPtr bind_table_function(const TableRef& ref);
    LogicalPtr bind_join(const TableRef& ref);
    LogicalPtr bind_cte_ref(const TableRef& ref, CteInfo& cte);
    LogicalPtr add_derived_table(BoundQuery query, const std::string& alias,
                                 const std::vector<std::string>& column_aliases, int position);

    ExprPtr bind_column_ref(const ParsedExpr& expr);
    ExprPtr bind_function(const ParsedExpr& expr, ClauseKind clause);
    ExprPtr bind_aggregate(const ParsedExpr& expr, ClauseKind clause);
    ExprPtr bind_window(const ParsedExpr& expr, ClauseKind clause);
    ExprPtr coerce_frame_offset(ExprPtr offset, const WindowExpression& w, int position);
    ExprPtr bind_operator(const ParsedExpr& expr, ClauseKind clause);
    ExprPtr bind_comparison(const std::string& op, ExprPtr left, ExprPtr right, int position);
    ExprPtr bind_case(const ParsedExpr& expr, ClauseKind clause);
    ExprPtr bind_subquery(const ParsedExpr& expr, ClauseKind clause);
    ExprPtr bind_cast(const ParsedExpr& expr, ClauseKind clause);
    ExprPtr bind_variadic_common(ExpressionKind kind, const ParsedExpr& expr, ClauseKind clause, const char* name);
    CteInfo* find_cte(const std::string& name);
    ExprPtr resolve_outer(const std::string& qualifier, const std::string& column, int position);
    void plan_general_scalar_subquery(PendingSubquery& p, LogicalPtr& root, LogicalPtr plan, std::vector<ExprPtr> pulled,
                                      LogicalAggregate& aggregate);
    std::map<ColumnBinding, ExprPtr> subquery_replacements_;

    SessionCatalog& catalog_;
    Binder* parent_;
    Binder* cte_parent_;  // where CTE names are looked up next (set-operation branches see their parent's CTEs)
    std::shared_ptr<BinderShared> shared_;
    BindContext context_;
    std::map<std::string, CteInfo> ctes_;

public:
    // Aggregates and windows found while binding the current SELECT level.
    std::vector<AggregateExpression> aggregates_;
    std::vector<WindowExpression> windows_;
    uint32_t aggregate_index_ = 0;
    uint32_t window_index_ = 0;
    bool in_aggregate_ = false;  // binding an aggregate's arguments (nested aggregates are an error)
    bool in_window_ = false;     // binding a window function's arguments (nested window calls are an error)
    std::vector<PendingSubquery> pending_subqueries_;
    bool has_correlated_columns_ = false;
    const std::vector<std::unique_ptr<WindowSpec>>* named_windows_ = nullptr;
    // INSERT ... VALUES: the target columns' types, so literals convert straight to them (as in PostgreSQL).
    const std::vector<LogicalType>* values_target_types_ = nullptr;
    // GROUP BY expressions of the level being bound (for GROUPING()) and the GROUPING() calls found.
    const std::vector<ExprPtr>* current_groups_ = nullptr;
    std::vector<std::vector<idx_t>> grouping_functions_;
    uint32_t grouping_index_ = 0;
};

}  // namespace basalt

// The logical plan: a tree of relational operators over bound expressions. Each operator lists the column
// bindings it produces; expressions above refer to those bindings, never to positions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "planner/expression.hpp"

namespace basalt {

enum class LogicalKind {
    kGet, kTableFunction, kFilter, kProjection, kAggregate, kJoin, kCrossProduct, kOrder, kLimit, kWindow,
    kSetOp, kValues, kDummyScan, kRecursiveCte, kCteScan, kEmpty
};

enum class JoinType { kInner, kLeft, kRight, kFull, kSemi, kAnti, kMark, kSingle };
const char* join_type_name(JoinType type);

struct LogicalOperator {
    LogicalKind kind;
    std::vector<std::unique_ptr<LogicalOperator>> children;
    std::vector<ExprPtr> expressions;  // filter predicates, projection list
    double estimated_rows = 0;

    explicit LogicalOperator(LogicalKind k) : kind(k) {}
    virtual ~LogicalOperator() = default;
    virtual std::vector<ColumnBinding> bindings() const;
    virtual std::vector<LogicalType> types() const;
    virtual std::string name() const;
    virtual std::string details() const { return ""; }
    std::string to_string(int indent = 0) const;
};
using LogicalPtr = std::unique_ptr<LogicalOperator>;

struct LogicalGet : LogicalOperator {
    uint32_t table_index;
    std::shared_ptr<TableEntry> table;
    std::vector<idx_t> column_ids;  // which table columns are read, in binding order
    std::vector<ExprPtr> filters;   // pushed-down predicates over this get's bindings
    Value as_of;                    // time travel (as_of()): a snapshot id (BIGINT) or a timestamp; NULL: now
    LogicalGet() : LogicalOperator(LogicalKind::kGet) {}
    std::vector<ColumnBinding> bindings() const override;
    std::vector<LogicalType> types() const override;
    std::string details() const override;
};

struct LogicalTableFunction : LogicalOperator {
    uint32_t table_index;
    std::string function_name;
    std::vector<Value> arguments;
    std::vector<LogicalType> column_types;
    std::vector<std::string> column_names;
    LogicalTableFunction() : LogicalOperator(LogicalKind::kTableFunction) {}
    std::vector<ColumnBinding> bindings() const override;
    std::vector<LogicalType> types() const override { return column_types; }
    std::string details() const override { return function_name; }
};

struct LogicalProjection : LogicalOperator {
    uint32_t table_index;
    LogicalProjection() : LogicalOperator(LogicalKind::kProjection) {}
    std::vector<ColumnBinding> bindings() const override;
    std::vector<LogicalType> types() const override;
    std::string details() const override;
};

struct LogicalFilter : LogicalOperator {
    LogicalFilter() : LogicalOperator(LogicalKind::kFilter) {}
    std::string details() const override;
};

struct LogicalAggregate : LogicalOperator {
    uint32_t group_index;
    uint32_t aggregate_index;
    uint32_t grouping_index;  // GROUPING(...) values, one column per grouping function
    std::vector<ExprPtr> groups;
    std::vector<AggregateExpression> aggregates;
    std::vector<std::vector<idx_t>> grouping_sets;      // empty means one set of all groups
    std::vector<std::vector<idx_t>> grouping_functions;  // GROUPING(a, b): indices into groups
    LogicalAggregate() : LogicalOperator(LogicalKind::kAggregate) {}
    std::vector<ColumnBinding> bindings() const override;
    std::vector<LogicalType> types() const override;
    std::string details() const override;
};

struct JoinCondition {
    ExprPtr left;   // over the left child's bindings
    ExprPtr right;  // over the right child's bindings
};

struct LogicalJoin : LogicalOperator {
    JoinType join_type = JoinType::kInner;
    std::vector<JoinCondition> conditions;  // equalities (hash join keys)
    ExprPtr residual;                       // any other predicate, over both sides' bindings
    uint32_t mark_index = 0;                // kMark: binding (mark_index, 0) holds the boolean
    bool null_aware = false;                // NOT IN semantics for kAnti / kMark
    // kMark for "x op ANY/ALL (subquery)": the comparison (three-valued), and whether every row must match (ALL)
    ExprPtr mark_predicate;
    bool mark_all = false;
    LogicalJoin() : LogicalOperator(LogicalKind::kJoin) {}
    std::vector<ColumnBinding> bindings() const override;
    std::vector<LogicalType> types() const override;
    std::string details() const override;
};

struct LogicalCrossProduct : LogicalOperator {
    LogicalCrossProduct() : LogicalOperator(LogicalKind::kCrossProduct) {}
};

struct LogicalOrder : LogicalOperator {
    std::vector<BoundOrder> orders;
    LogicalOrder() : LogicalOperator(LogicalKind::kOrder) {}
    std::string details() const override;
};

struct LogicalLimit : LogicalOperator {
    int64_t limit = -1;  // -1: no limit
    int64_t offset = 0;
    ExprPtr limit_expression;   // set instead of `limit` when it is a constant expression, not a literal
    ExprPtr offset_expression;
    LogicalLimit() : LogicalOperator(LogicalKind::kLimit) {}
    std::string details() const override;
};

struct LogicalWindow : LogicalOperator {
    uint32_t window_index;
    std::vector<WindowExpression> windows;
    LogicalWindow() : LogicalOperator(LogicalKind::kWindow) {}
    std::vector<ColumnBinding> bindings() const override;
    std::vector<LogicalType> types() const override;
};

enum class SetOpType { kUnion, kIntersect, kExcept };

struct LogicalSetOp : LogicalOperator {
    uint32_t table_index;
    SetOpType op = SetOpType::kUnion;
    bool all = false;
    std::vector<LogicalType> column_types;
    LogicalSetOp() : LogicalOperator(LogicalKind::kSetOp) {}
    std::vector<ColumnBinding> bindings() const override;
    std::vector<LogicalType> types() const override { return column_types; }
    std::string details() const override;
};

struct LogicalValues : LogicalOperator {
    uint32_t table_index;
    std::vector<LogicalType> column_types;
    std::vector<std::vector<ExprPtr>> rows;
    LogicalValues() : LogicalOperator(LogicalKind::kValues) {}
    std::vector<ColumnBinding> bindings() const override;
    std::vector<LogicalType> types() const override { return column_types; }
};

struct LogicalDummyScan : LogicalOperator {
    LogicalDummyScan() : LogicalOperator(LogicalKind::kDummyScan) {}
    std::vector<ColumnBinding> bindings() const override { return {}; }
    std::vector<LogicalType> types() const override { return {}; }
};

struct LogicalEmpty : LogicalOperator {
    std::vector<ColumnBinding> column_bindings;
    std::vector<LogicalType> column_types;
    LogicalEmpty() : LogicalOperator(LogicalKind::kEmpty) {}
    std::vector<ColumnBinding> bindings() const override { return column_bindings; }
    std::vector<LogicalType> types() const override { return column_types; }
};

// WITH RECURSIVE: children[0] the anchor, children[1] the recursive part (which reads the working table
// through LogicalCteScan nodes with the same cte_index).
struct LogicalRecursiveCte : LogicalOperator {
    uint32_t table_index;
    uint32_t cte_index;
    bool union_all = false;
    std::vector<LogicalType> column_types;
    LogicalRecursiveCte() : LogicalOperator(LogicalKind::kRecursiveCte) {}
    std::vector<ColumnBinding> bindings() const override;
    std::vector<LogicalType> types() const override { return column_types; }
};

struct LogicalCteScan : LogicalOperator {
    uint32_t table_index;
    uint32_t cte_index;
    std::vector<LogicalType> column_types;
    LogicalCteScan() : LogicalOperator(LogicalKind::kCteScan) {}
    std::vector<ColumnBinding> bindings() const override;
    std::vector<LogicalType> types() const override { return column_types; }
};

}  // namespace basalt

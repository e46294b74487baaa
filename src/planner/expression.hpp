// Bound expressions: names resolved to column bindings, types checked, functions chosen. The optimizer moves
// them between plan nodes by binding; the physical planner turns bindings into chunk column indices.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "function/function.hpp"
#include "types/value.hpp"

namespace basalt {

// A column produced by a logical operator: (table_index, column_index) is unique within a query.
struct ColumnBinding {
    uint32_t table_index = 0;
    uint32_t column_index = 0;
    bool operator==(const ColumnBinding& o) const = default;
    bool operator<(const ColumnBinding& o) const {
        return table_index != o.table_index ? table_index < o.table_index : column_index < o.column_index;
    }
};

enum class ExpressionKind {
    kColumnRef,   // binding (depth > 0: a column of an enclosing query, before decorrelation)
    kBoundRef,    // index into the input chunk (after physical planning)
    kConstant,
    kFunction,
    kCast,
    kAnd,
    kOr,
    kNot,
    kIsNull,      // negated: IS NOT NULL
    kCase,        // children: when0, then0, when1, then1, ..., else
    kCoalesce,
    kInList,      // children[0] IN (children[1..]); negated: NOT IN
    kGreatest,
    kLeast,
    kDistinctFrom,  // children[0] IS DISTINCT FROM children[1]; negated: IS NOT DISTINCT FROM
};

struct Expression;
using ExprPtr = std::unique_ptr<Expression>;

struct Expression {
    ExpressionKind kind;
    LogicalType type;
    std::string alias;
    ColumnBinding binding;
    int depth = 0;
    idx_t index = 0;
    Value value;
    BoundScalarFunction function;
    std::vector<ExprPtr> children;
    bool negated = false;
    bool unknown_literal = false;  // an untyped string literal: its type comes from context

    Expression(ExpressionKind k, LogicalType t) : kind(k), type(t) {}
    ExprPtr copy() const;
    std::string to_string() const;  // for EXPLAIN
    bool equals(const Expression& other) const;
    bool is_volatile() const;
};

ExprPtr make_column_ref(ColumnBinding binding, LogicalType type, std::string alias = "");
ExprPtr make_constant(Value value);
ExprPtr make_cast(ExprPtr child, const LogicalType& target);
ExprPtr make_conjunction(ExpressionKind kind, ExprPtr left, ExprPtr right);

// Visits every expression node (pre-order), including children.
template <class F>
void visit_expression(Expression& e, F&& f) {
    f(e);
    for (auto& c : e.children) visit_expression(*c, f);
}
template <class F>
void visit_expression(const Expression& e, F&& f) {
    f(e);
    for (const auto& c : e.children) visit_expression(static_cast<const Expression&>(*c), f);
}

// Splits a predicate into its AND-ed parts.
void split_conjunction(ExprPtr expr, std::vector<ExprPtr>& out);
ExprPtr combine_conjunction(std::vector<ExprPtr> parts);

// ---- aggregates and windows --------------------------------------------------------------------------------

struct BoundOrder {
    ExprPtr expr;
    bool descending = false;
    bool nulls_first = false;
    BoundOrder copy() const { return {expr->copy(), descending, nulls_first}; }
};

struct AggregateExpression {
    BoundAggregate function;
    std::vector<ExprPtr> children;
    bool distinct = false;
    ExprPtr filter;
    std::vector<BoundOrder> order_by;  // string_agg(... ORDER BY ...)
    std::string to_string() const;
};

enum class WindowFunctionKind {
    kAggregate, kRowNumber, kRank, kDenseRank, kPercentRank, kCumeDist, kNtile, kLag, kLead, kFirstValue,
    kLastValue, kNthValue
};

enum class FrameBound { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };

struct WindowExpression {
    WindowFunctionKind kind = WindowFunctionKind::kAggregate;
    std::string name;
    LogicalType type;
    BoundAggregate aggregate;     // kAggregate
    std::vector<ExprPtr> children;  // arguments (lag: value, offset, default)
    ExprPtr filter;                 // kAggregate: FILTER (WHERE ...); only rows where it is true enter the frame
    std::vector<ExprPtr> partitions;
    std::vector<BoundOrder> orders;
    bool rows = false;  // ROWS frame (else RANGE)
    FrameBound start = FrameBound::kUnboundedPreceding;
    FrameBound end = FrameBound::kCurrentRow;
    ExprPtr start_offset;
    ExprPtr end_offset;
    bool has_order = false;
    std::string to_string() const;
};

}  // namespace basalt

// Orders the AND-ed predicates of every scan and filter cheapest first, as PostgreSQL's order_qual_clauses
// does with its per-row cost estimate. Since AND evaluates a predicate only on rows the earlier ones kept,
// the order is visible: `WHERE 10 / i > 1 AND i <> 0` runs the cheaper `i <> 0` first and never divides by
// zero, in PostgreSQL and here. The sort is stable, so predicates of equal cost keep the written order.
#include <algorithm>

#include "optimizer/optimizer.hpp"

namespace basalt {

namespace {

bool cross_type_comparable(const LogicalType& a, const LogicalType& b) {
    auto floating = [](const LogicalType& t) { return t.id() == TypeId::kReal || t.id() == TypeId::kDouble; };
    auto datetime = [](const LogicalType& t) {
        return t.id() == TypeId::kDate || t.id() == TypeId::kTimestamp || t.id() == TypeId::kTimestampTz;
    };
    return (a.is_integral() && b.is_integral()) || (floating(a) && floating(b)) || (datetime(a) && datetime(b)) ||
           (a.is_string() && b.is_string());
}

// PostgreSQL's cost of a cast: none where it has no cast node (text and varchar are one type to it, and it
// compares integers of any width, or floats, or dates with timestamps, without converting); two function
// calls through text (output, then input) to or from a string; one conversion function otherwise.
double cast_cost(const LogicalType& from, const LogicalType& to) {
    if (cross_type_comparable(from, to)) return 0;
    if (from.is_string() || to.is_string()) return 2;
    return 1;
}

// Per-row cost in PostgreSQL's unit (one operator or function call; every built-in costs one).
double evaluation_cost(const Expression& e) {
    double children = 0;
    for (const auto& c : e.children) children += evaluation_cost(*c);
    switch (e.kind) {
        case ExpressionKind::kFunction:
        case ExpressionKind::kDistinctFrom:
        case ExpressionKind::kGreatest:
        case ExpressionKind::kLeast: return 1 + children;
        case ExpressionKind::kCast: return cast_cost(e.children[0]->type, e.type) + children;
        case ExpressionKind::kInList: {
            // a linear search compares with half the list on average; nine or more constants are hashed
            double elements = static_cast<double>(e.children.size() - 1);
            bool all_constant = std::all_of(e.children.begin() + 1, e.children.end(),
                                            [](const ExprPtr& c) { return c->kind == ExpressionKind::kConstant; });
            return (all_constant && elements >= 9 ? 2 : 0.5 * elements) + children;
        }
        default: return children;  // AND, OR, NOT, CASE, COALESCE, IS NULL and leaves cost nothing themselves
    }
}

void order_by_cost(std::vector<ExprPtr>& predicates) {
    if (predicates.size() < 2) return;
    std::vector<std::pair<double, ExprPtr>> costed;
    for (auto& p : predicates) {
        double cost = evaluation_cost(*p);
        costed.emplace_back(cost, std::move(p));
    }
    std::stable_sort(costed.begin(), costed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < costed.size(); i++) predicates[i] = std::move(costed[i].second);
}

}  // namespace

void order_predicates(LogicalOperator& op) {
    if (op.kind == LogicalKind::kGet) order_by_cost(static_cast<LogicalGet&>(op).filters);
    if (op.kind == LogicalKind::kFilter) order_by_cost(op.expressions);
    for (auto& c : op.children) order_predicates(*c);
}

}  // namespace basalt

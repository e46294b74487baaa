#include "execution/physical_planner.hpp"

#include <fmt/format.h>

#include <functional>

#include "common/error.hpp"
#include "execution/expression_executor.hpp"
#include "execution/operator/physical_filter_projection.hpp"
#include "execution/operator/physical_hash_aggregate.hpp"
#include "execution/operator/physical_hash_join.hpp"
#include "execution/operator/physical_materialize.hpp"
#include "execution/operator/physical_order.hpp"
#include "execution/operator/physical_recursive_cte.hpp"
#include "execution/operator/physical_simple_sources.hpp"
#include "execution/operator/physical_table_scan.hpp"
#include "execution/operator/physical_window.hpp"
#include "optimizer/optimizer.hpp"

namespace basalt {

namespace {

double estimate_or_zero(const LogicalOperator& op) { return estimate_rows(op); }

ExprPtr resolve(const Expression& e, const std::vector<ColumnBinding>& bindings) {
    if (e.kind == ExpressionKind::kColumnRef) {
        BASALT_ASSERT(e.depth == 0, "correlated column reference reached the physical planner");
        for (size_t i = 0; i < bindings.size(); i++) {
            if (bindings[i] == e.binding) {
                auto r = std::make_unique<Expression>(ExpressionKind::kBoundRef, e.type);
                r->index = i;
                r->alias = e.alias;
                return r;
            }
        }
        throw Error(sql_state::kInternalError,
                    fmt::format("internal error: column #{}.{} ({}) is not available here", e.binding.table_index,
                                e.binding.column_index, e.alias));
    }
    auto copy = std::make_unique<Expression>(e.kind, e.type);
    copy->alias = e.alias;
    copy->value = e.value;
    copy->function = e.function;
    copy->negated = e.negated;
    copy->index = e.index;
    for (const auto& c : e.children) copy->children.push_back(resolve(*c, bindings));
    return copy;
}

}  // namespace

ExprPtr resolve_column_bindings(const Expression& expr, const std::vector<ColumnBinding>& bindings) {
    return resolve(expr, bindings);
}


namespace {

std::vector<ExprPtr> resolve_all(const std::vector<ExprPtr>& exprs, const std::vector<ColumnBinding>& bindings) {
    std::vector<ExprPtr> out;
    for (const auto& e : exprs) out.push_back(resolve(*e, bindings));
    return out;
}

// count/sum/avg/min/max(DISTINCT args), every aggregate over the same args and none filtered or ordered, under
// one grouping set: then GROUP BY (groups, args) followed by the plain aggregates over args gives the same
// answer (NULL args are a group of the first step and ignored by the second), with both steps parallel and
// able to spill, where a DISTINCT aggregate runs on one worker with its "seen" tables in memory.
bool distinct_in_two_phases(const LogicalAggregate& agg) {
    if (agg.aggregates.empty() || !agg.grouping_functions.empty()) return false;
    if (agg.grouping_sets.size() > 1) return false;
    if (agg.grouping_sets.size() == 1 && agg.grouping_sets[0].size() != agg.groups.size()) return false;
    const auto& first = agg.aggregates[0];
    if (first.children.empty()) return false;
    for (const auto& a : agg.aggregates) {
        const std::string& name = a.function.name;
        bool plain = name == "count" || name == "sum" || name == "avg" || name == "min" || name == "max";
        if (!a.distinct || a.filter || !a.order_by.empty() || !plain || !a.function.ignores_nulls) return false;
        if (a.children.size() != first.children.size()) return false;
        for (size_t k = 0; k < a.children.size(); k++) {
            if (!a.children[k]->equals(*first.children[k]) || a.children[k]->is_volatile()) return false;
        }
    }
    return true;
}

std::unique_ptr<PhysicalOperator> plan_two_phase_distinct(LogicalAggregate& agg, std::unique_ptr<PhysicalOperator> child,
                                                          const std::vector<ColumnBinding>& bindings) {
    std::vector<ExprPtr> inner_groups = resolve_all(agg.groups, bindings);
    std::vector<ExprPtr> args = resolve_all(agg.aggregates[0].children, bindings);
    std::vector<LogicalType> inner_types;
    for (const auto& g : inner_groups) inner_types.push_back(g->type);
    for (const auto& a : args) inner_types.push_back(a->type);
    idx_t group_count = inner_groups.size();
    for (auto& a : args) inner_groups.push_back(std::move(a));
    auto inner = std::make_unique<PhysicalHashAggregate>(inner_types, std::move(inner_groups), std::vector<AggregateExpression>{},
                                                         std::vector<std::vector<idx_t>>{}, std::vector<std::vector<idx_t>>{});
    inner->estimated_rows = estimate_or_zero(agg);
    inner->children.push_back(std::move(child));
    auto ref = [&](idx_t index) {
        auto r = std::make_unique<Expression>(ExpressionKind::kBoundRef, inner_types[index]);
        r->index = index;
        return r;
    };
    std::vector<ExprPtr> outer_groups;
    for (idx_t g = 0; g < group_count; g++) outer_groups.push_back(ref(g));
    std::vector<AggregateExpression> aggregates;
    for (auto& a : agg.aggregates) {
        AggregateExpression r;
        r.function = a.function;
        for (idx_t k = 0; k < a.children.size(); k++) r.children.push_back(ref(group_count + k));
        aggregates.push_back(std::move(r));
    }
    auto outer = std::make_unique<PhysicalHashAggregate>(agg.types(), std::move(outer_groups), std::move(aggregates),
                                                         std::vector<std::vector<idx_t>>{}, std::vector<std::vector<idx_t>>{});
    outer->children.push_back(std::move(inner));
    return outer;
}


std::vector<BoundOrder> resolve_orders(const std::vector<BoundOrder>& orders, const std::vector<ColumnBinding>& bindings) {
    std::vector<BoundOrder> out;
    for (const auto& o : orders) out.push_back({resolve(*o.expr, bindings), o.descending, o.nulls_first});
    return out;
}

std::unique_ptr<PhysicalOperator> plan_join(LogicalJoin& join) {
    auto left = create_physical_plan(*join.children[0]);
    auto right = create_physical_plan(*join.children[1]);
    auto left_bindings = join.children[0]->bindings();
    auto right_bindings = join.children[1]->bindings();
    bool swap = join.join_type == JoinType::kRight;
    JoinType type = swap ? JoinType::kLeft : join.join_type;
    auto& probe_bindings = swap ? right_bindings : left_bindings;
    auto& build_bindings = swap ? left_bindings : right_bindings;
    std::vector<ExprPtr> probe_keys, build_keys;
    for (const auto& c : join.conditions) {
        probe_keys.push_back(resolve(swap ? *c.right : *c.left, probe_bindings));
        build_keys.push_back(resolve(swap ? *c.left : *c.right, build_bindings));
    }
    std::vector<ColumnBinding> pair_bindings = probe_bindings;
    pair_bindings.insert(pair_bindings.end(), build_bindings.begin(), build_bindings.end());
    ExprPtr residual = join.residual ? resolve(*join.residual, pair_bindings) : nullptr;
    ExprPtr mark_predicate = join.mark_predicate ? resolve(*join.mark_predicate, pair_bindings) : nullptr;
    std::vector<LogicalType> types;
    auto probe_types = swap ? right->types() : left->types();
    auto build_types = swap ? left->types() : right->types();
    types = probe_types;
    if (type == JoinType::kMark) {
        types.push_back(LogicalType::boolean());
    } else if (type != JoinType::kSemi && type != JoinType::kAnti) {
        types.insert(types.end(), build_types.begin(), build_types.end());
    }
    auto op = std::make_unique<PhysicalHashJoin>(types, type, std::move(probe_keys), std::move(build_keys), std::move(residual),
                                                 join.null_aware, std::move(mark_predicate), join.mark_all);
    op->children.push_back(swap ? std::move(right) : std::move(left));
    op->children.push_back(swap ? std::move(left) : std::move(right));
    op->estimated_rows = estimate_or_zero(join);
    if (!swap) return op;
    // Restore the logical column order: left columns, then right columns.
    std::vector<ExprPtr> reorder;
    std::vector<LogicalType> out_types;
    idx_t right_width = right_bindings.size();
    for (idx_t i = 0; i < left_bindings.size(); i++) {
        auto r = std::make_unique<Expression>(ExpressionKind::kBoundRef, types[right_width + i]);
        r->index = right_width + i;
        out_types.push_back(r->type);
        reorder.push_back(std::move(r));
    }
    for (idx_t i = 0; i < right_width; i++) {
        auto r = std::make_unique<Expression>(ExpressionKind::kBoundRef, types[i]);
        r->index = i;
        out_types.push_back(r->type);
        reorder.push_back(std::move(r));
    }
    auto projection = std::make_unique<PhysicalProjection>(out_types, std::move(reorder));
    projection->children.push_back(std::move(op));
    return projection;
}

}  // namespace

std::unique_ptr<PhysicalOperator> create_physical_plan(LogicalOperator& op) {
    std::unique_ptr<PhysicalOperator> result;
    switch (op.kind) {
        case LogicalKind::kGet: {
            auto& get = static_cast<LogicalGet&>(op);
            result = std::make_unique<PhysicalTableScan>(get.types(), get.table, get.column_ids, resolve_all(get.filters, get.bindings()),
                                                         get.as_of);
            break;
        }
        case LogicalKind::kTableFunction: {
            auto& fn = static_cast<LogicalTableFunction&>(op);
            bool any_null = false;
            for (const auto& a : fn.arguments) any_null = any_null || a.is_null();
            int64_t start = any_null ? 1 : fn.arguments[0].get_int64();
            int64_t stop = any_null ? 0 : fn.arguments[1].get_int64();
            int64_t step = fn.arguments.size() > 2 && !any_null ? fn.arguments[2].get_int64() : 1;
            if (step == 0) throw Error(sql_state::kInvalidParameterValue, "step size cannot equal zero");
            result = std::make_unique<PhysicalSeries>(fn.column_types, start, stop, step, fn.function_name == "generate_series");
            break;
        }
        case LogicalKind::kFilter: {
            auto child = create_physical_plan(*op.children[0]);
            if (op.expressions.empty()) return child;
            auto bindings = op.children[0]->bindings();
            std::vector<ExprPtr> parts = resolve_all(op.expressions, bindings);
            result = std::make_unique<PhysicalFilter>(child->types(), combine_conjunction(std::move(parts)));
            result->children.push_back(std::move(child));
            break;
        }
        case LogicalKind::kProjection: {
            auto child = create_physical_plan(*op.children[0]);
            result = std::make_unique<PhysicalProjection>(op.types(), resolve_all(op.expressions, op.children[0]->bindings()));
            result->children.push_back(std::move(child));
            break;
        }
        case LogicalKind::kAggregate: {
            auto& agg = static_cast<LogicalAggregate&>(op);
            auto child = create_physical_plan(*op.children[0]);
            auto bindings = op.children[0]->bindings();
            if (distinct_in_two_phases(agg)) {
                result = plan_two_phase_distinct(agg, std::move(child), bindings);
                break;
            }
            std::vector<AggregateExpression> aggregates;
            for (auto& a : agg.aggregates) {
                AggregateExpression r;
                r.function = a.function;
                r.distinct = a.distinct;
                r.children = resolve_all(a.children, bindings);
                if (a.filter) r.filter = resolve(*a.filter, bindings);
                if (!a.order_by.empty()) r.order_by = resolve_orders(a.order_by, bindings);
                aggregates.push_back(std::move(r));
            }
            result = std::make_unique<PhysicalHashAggregate>(op.types(), resolve_all(agg.groups, bindings), std::move(aggregates),
                                                             agg.grouping_sets, agg.grouping_functions);
            result->children.push_back(std::move(child));
            break;
        }
        case LogicalKind::kJoin: result = plan_join(static_cast<LogicalJoin&>(op)); break;
        case LogicalKind::kCrossProduct: {
            auto left = create_physical_plan(*op.children[0]);
            auto right = create_physical_plan(*op.children[1]);
            result = std::make_unique<PhysicalHashJoin>(op.types(), JoinType::kInner, std::vector<ExprPtr>{}, std::vector<ExprPtr>{},
                                                        nullptr, false);
            result->children.push_back(std::move(left));
            result->children.push_back(std::move(right));
            break;
        }
        case LogicalKind::kOrder: {
            auto& order = static_cast<LogicalOrder&>(op);
            auto child = create_physical_plan(*op.children[0]);
            result = std::make_unique<PhysicalOrder>(child->types(), resolve_orders(order.orders, op.children[0]->bindings()));
            result->children.push_back(std::move(child));
            break;
        }
        case LogicalKind::kLimit: {
            auto& limit = static_cast<LogicalLimit&>(op);
            auto evaluate = [](const ExprPtr& e, int64_t& out, const char* what, SqlState state) {
                if (!e) return;
                DataChunk one;
                one.initialize({}, 1);
                one.set_size(1);
                Vector v(LogicalType::bigint(), 1);
                ExpressionExecutor(*e).execute(one, v);
                if (v.is_null(0)) return;
                out = v.data<int64_t>()[0];
                if (out < 0) throw Error(state, fmt::format("{} must not be negative", what));
            };
            evaluate(limit.limit_expression, limit.limit, "LIMIT", sql_state::kInvalidRowCountInLimit);
            evaluate(limit.offset_expression, limit.offset, "OFFSET", sql_state::kInvalidRowCountInOffset);
            limit.limit_expression.reset();
            limit.offset_expression.reset();
            if (op.children[0]->kind == LogicalKind::kOrder && limit.limit >= 0) {
                auto& order = static_cast<LogicalOrder&>(*op.children[0]);
                auto child = create_physical_plan(*order.children[0]);
                result = std::make_unique<PhysicalOrder>(child->types(), resolve_orders(order.orders, order.children[0]->bindings()),
                                                         limit.limit, limit.offset);
                result->children.push_back(std::move(child));
                break;
            }
            auto child = create_physical_plan(*op.children[0]);
            result = std::make_unique<PhysicalLimit>(child->types(), limit.limit, limit.offset);
            result->children.push_back(std::move(child));
            break;
        }
        case LogicalKind::kWindow: {
            auto& window = static_cast<LogicalWindow&>(op);
            auto child = create_physical_plan(*op.children[0]);
            auto bindings = op.children[0]->bindings();
            std::vector<WindowExpression> windows;
            for (auto& w : window.windows) {
                WindowExpression r;
                r.kind = w.kind;
                r.name = w.name;
                r.type = w.type;
                r.aggregate = w.aggregate;
                r.children = resolve_all(w.children, bindings);
                if (w.filter) r.filter = resolve(*w.filter, bindings);
                r.partitions = resolve_all(w.partitions, bindings);
                r.orders = resolve_orders(w.orders, bindings);
                r.rows = w.rows;
                r.start = w.start;
                r.end = w.end;
                if (w.start_offset) r.start_offset = resolve(*w.start_offset, bindings);
                if (w.end_offset) r.end_offset = resolve(*w.end_offset, bindings);
                r.has_order = w.has_order;
                windows.push_back(std::move(r));
            }
            result = std::make_unique<PhysicalWindow>(op.types(), std::move(windows));
            result->children.push_back(std::move(child));
            break;
        }
        case LogicalKind::kSetOp: {
            auto& setop = static_cast<LogicalSetOp&>(op);
            result = std::make_unique<PhysicalSetOperation>(setop.column_types, setop.op, setop.all);
            result->children.push_back(create_physical_plan(*op.children[0]));
            result->children.push_back(create_physical_plan(*op.children[1]));
            break;
        }
        case LogicalKind::kValues: {
            auto& values = static_cast<LogicalValues&>(op);
            std::vector<std::vector<ExprPtr>> rows;
            for (auto& row : values.rows) rows.push_back(resolve_all(row, {}));
            result = std::make_unique<PhysicalValues>(values.column_types, std::move(rows));
            break;
        }
        case LogicalKind::kDummyScan: result = std::make_unique<PhysicalDummyScan>(); break;
        case LogicalKind::kEmpty: result = std::make_unique<PhysicalValues>(op.types(), std::vector<std::vector<ExprPtr>>{}); break;
        case LogicalKind::kRecursiveCte: {
            auto& cte = static_cast<LogicalRecursiveCte&>(op);
            result = std::make_unique<PhysicalRecursiveCte>(cte.column_types, cte.cte_index, cte.union_all);
            result->children.push_back(create_physical_plan(*op.children[0]));
            result->children.push_back(create_physical_plan(*op.children[1]));
            break;
        }
        case LogicalKind::kCteScan: {
            auto& scan = static_cast<LogicalCteScan&>(op);
            result = std::make_unique<PhysicalCteScan>(scan.column_types, scan.cte_index);
            break;
        }
    }
    if (result->estimated_rows == 0) result->estimated_rows = estimate_or_zero(op);
    return result;
}

std::string explain_physical_plan(const PhysicalOperator& op, const QueryContext* stats) {
    std::string out;
    std::function<void(const PhysicalOperator&, int)> walk = [&](const PhysicalOperator& node, int depth) {
        out += std::string(static_cast<size_t>(depth) * 2, ' ');
        out += node.name();
        std::string d = node.details();
        if (!d.empty()) out += " (" + d + ")";
        if (stats && node.id >= 0 && static_cast<size_t>(node.id) < stats->stats.size()) {
            const OperatorStats& s = *stats->stats[node.id];
            out += fmt::format("  [rows={} time={:.3f}ms", s.rows.load(), static_cast<double>(s.nanos.load()) / 1e6);
            if (s.bytes.load() > 0) out += fmt::format(" memory={:.1f}KiB", static_cast<double>(s.bytes.load()) / 1024.0);
            if (s.spilled.load() > 0) out += fmt::format(" spilled={:.1f}KiB", static_cast<double>(s.spilled.load()) / 1024.0);
            if (s.is_scan) {
                out += fmt::format(" row_groups: {} read, {} skipped; bytes on disk: {:.1f}KiB read, {:.1f}KiB skipped",
                                   s.row_groups_read.load(), s.row_groups_skipped.load(),
                                   static_cast<double>(s.bytes_read.load()) / 1024.0,
                                   static_cast<double>(s.bytes_skipped.load()) / 1024.0);
            }
            out += "]";
        } else {
            out += fmt::format("  [estimated rows={:.0f}]", node.estimated_rows);
        }
        out += "\n";
        for (const auto& c : node.children) walk(*c, depth + 1);
    };
    walk(op, 0);
    return out;
}

}  // namespace basalt

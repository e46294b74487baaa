// Removes table columns nobody reads: a scan keeps only the columns some expression above it references, so
// joins and sorts never carry dead columns (`EXISTS (SELECT * ...)` reads no column of its SELECT list).
// Scans whose output is consumed by position (set operations, recursive CTEs) keep every column.
#include <functional>
#include <map>
#include <set>

#include "optimizer/optimizer.hpp"

namespace basalt {

namespace {

void for_each_expression(LogicalOperator& op, const std::function<void(ExprPtr&)>& f) {
    for (auto& e : op.expressions) f(e);
    switch (op.kind) {
        case LogicalKind::kGet:
            for (auto& e : static_cast<LogicalGet&>(op).filters) f(e);
            break;
        case LogicalKind::kJoin: {
            auto& j = static_cast<LogicalJoin&>(op);
            for (auto& c : j.conditions) {
                f(c.left);
                f(c.right);
            }
            if (j.residual) f(j.residual);
            if (j.mark_predicate) f(j.mark_predicate);
            break;
        }
        case LogicalKind::kAggregate: {
            auto& a = static_cast<LogicalAggregate&>(op);
            for (auto& g : a.groups) f(g);
            for (auto& agg : a.aggregates) {
                for (auto& c : agg.children) f(c);
                if (agg.filter) f(agg.filter);
                for (auto& o : agg.order_by) f(o.expr);
            }
            break;
        }
        case LogicalKind::kOrder:
            for (auto& o : static_cast<LogicalOrder&>(op).orders) f(o.expr);
            break;
        case LogicalKind::kWindow:
            for (auto& w : static_cast<LogicalWindow&>(op).windows) {
                for (auto& c : w.children) f(c);
                if (w.filter) f(w.filter);
                for (auto& p : w.partitions) f(p);
                for (auto& o : w.orders) f(o.expr);
                if (w.start_offset) f(w.start_offset);
                if (w.end_offset) f(w.end_offset);
            }
            break;
        case LogicalKind::kLimit: {
            auto& l = static_cast<LogicalLimit&>(op);
            if (l.limit_expression) f(l.limit_expression);
            if (l.offset_expression) f(l.offset_expression);
            break;
        }
        case LogicalKind::kValues:
            for (auto& row : static_cast<LogicalValues&>(op).rows) {
                for (auto& e : row) f(e);
            }
            break;
        default: break;
    }
}

void walk(LogicalOperator& op, const std::function<void(LogicalOperator&)>& f) {
    f(op);
    for (auto& c : op.children) walk(*c, f);
}

}  // namespace

void prune_columns(LogicalOperator& root) {
    std::set<ColumnBinding> referenced;
    walk(root, [&](LogicalOperator& op) {
        for_each_expression(op, [&](ExprPtr& e) {
            visit_expression(*e, [&](const Expression& x) {
                if (x.kind == ExpressionKind::kColumnRef) referenced.insert(x.binding);
            });
        });
    });
    // Scans read by position must keep their columns.
    std::set<const LogicalOperator*> positional;
    positional.insert(&root);
    walk(root, [&](LogicalOperator& op) {
        if (op.kind == LogicalKind::kSetOp || op.kind == LogicalKind::kRecursiveCte) {
            for (auto& c : op.children) positional.insert(c.get());
        }
    });
    std::map<ColumnBinding, ColumnBinding> remap;
    walk(root, [&](LogicalOperator& op) {
        if (op.kind != LogicalKind::kGet || positional.count(&op)) return;
        auto& get = static_cast<LogicalGet&>(op);
        std::vector<idx_t> kept;
        for (uint32_t i = 0; i < get.column_ids.size(); i++) {
            ColumnBinding old{get.table_index, i};
            if (!referenced.count(old)) continue;
            ColumnBinding now{get.table_index, static_cast<uint32_t>(kept.size())};
            if (!(old == now)) remap[old] = now;
            kept.push_back(get.column_ids[i]);
        }
        get.column_ids = std::move(kept);
    });
    if (remap.empty()) return;
    walk(root, [&](LogicalOperator& op) {
        for_each_expression(op, [&](ExprPtr& e) {
            visit_expression(*e, [&](Expression& x) {
                if (x.kind != ExpressionKind::kColumnRef) return;
                auto it = remap.find(x.binding);
                if (it != remap.end()) x.binding = it->second;
            });
        });
    });
}

}  // namespace basalt

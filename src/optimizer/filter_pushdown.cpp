// Predicate pushdown and join extraction. Every predicate moves to the lowest operator whose output has all the
// columns it reads, never across a boundary that would change its meaning (the inner side of an outer join,
// a LIMIT, a window, a set operation).
#include <set>

#include "optimizer/join_order.hpp"
#include "optimizer/optimizer.hpp"

namespace basalt {

namespace {

std::set<uint32_t> tables_of(const LogicalOperator& op) {
    std::set<uint32_t> out;
    for (const auto& b : op.bindings()) out.insert(b.table_index);
    return out;
}

bool subset(const std::set<uint32_t>& a, const std::set<uint32_t>& b) {
    for (auto x : a) {
        if (!b.count(x)) return false;
    }
    return true;
}

// Replaces references to a projection's outputs with the projected expressions.
ExprPtr substitute(ExprPtr e, uint32_t table_index, const std::vector<ExprPtr>& exprs) {
    if (e->kind == ExpressionKind::kColumnRef && e->depth == 0 && e->binding.table_index == table_index) {
        return exprs[e->binding.column_index]->copy();
    }
    for (auto& c : e->children) c = substitute(std::move(c), table_index, exprs);
    return e;
}

LogicalPtr wrap_filter(LogicalPtr op, std::vector<ExprPtr> filters) {
    if (filters.empty()) return op;
    auto filter = std::make_unique<LogicalFilter>();
    filter->expressions = std::move(filters);
    filter->children.push_back(std::move(op));
    return filter;
}

void extract_common_or_terms(ExprPtr expr, std::vector<ExprPtr>& out);

bool is_inner_graph_node(const LogicalOperator& op) {
    if (op.kind == LogicalKind::kCrossProduct) return true;
    if (op.kind != LogicalKind::kJoin) return false;
    const auto& join = static_cast<const LogicalJoin&>(op);
    // Joins that already have hash keys were planned before (e.g. by a previous pass): keep them whole.
    return join.join_type == JoinType::kInner && join.conditions.empty();
}

// Flattens a tree of inner joins and cross products into relations and predicates.
void collect_graph(LogicalPtr op, std::vector<LogicalPtr>& relations, std::vector<ExprPtr>& predicates) {
    if (is_inner_graph_node(*op)) {
        if (op->kind == LogicalKind::kJoin) {
            auto& join = static_cast<LogicalJoin&>(*op);
            if (join.residual) {
                std::vector<ExprPtr> parts;
                split_conjunction(std::move(join.residual), parts);
                for (auto& p : parts) extract_common_or_terms(std::move(p), predicates);
            }
        }
        for (auto& c : op->children) collect_graph(std::move(c), relations, predicates);
        return;
    }
    relations.push_back(std::move(op));
}

// (A AND B) OR (A AND C)  =>  A AND (B OR C): lifts the conjuncts every OR branch shares, so that a join
// predicate repeated in each branch (TPC-H Q19) becomes a hash-join key instead of a filter over a cross product.
void extract_common_or_terms(ExprPtr expr, std::vector<ExprPtr>& out) {
    if (expr->kind != ExpressionKind::kOr) {
        out.push_back(std::move(expr));
        return;
    }
    std::vector<std::vector<ExprPtr>> branches;
    for (auto& c : expr->children) {
        std::vector<ExprPtr> parts;
        split_conjunction(std::move(c), parts);
        branches.push_back(std::move(parts));
    }
    std::vector<ExprPtr> common;
    for (size_t i = 0; i < branches[0].size(); i++) {
        if (!branches[0][i] || branches[0][i]->is_volatile()) continue;
        ExprPtr owned = branches[0][i]->copy();  // the original is removed from its branch below
        const Expression& candidate = *owned;
        bool everywhere = true;
        for (size_t b = 1; b < branches.size() && everywhere; b++) {
            bool found = false;
            for (const auto& p : branches[b]) found = found || (p && p->equals(candidate));
            everywhere = found;
        }
        if (!everywhere) continue;
        common.push_back(std::move(owned));
        for (auto& branch : branches) {
            for (auto& p : branch) {
                if (p && p->equals(candidate)) {
                    p.reset();
                    break;
                }
            }
        }
    }
    // Rebuild the OR over what is left of each branch; a branch left empty makes the OR always true.
    bool always_true = false;
    auto rebuilt = std::make_unique<Expression>(ExpressionKind::kOr, LogicalType::boolean());
    for (auto& branch : branches) {
        std::vector<ExprPtr> rest;
        for (auto& p : branch) {
            if (p) rest.push_back(std::move(p));
        }
        if (rest.empty()) {
            always_true = true;
            break;
        }
        rebuilt->children.push_back(combine_conjunction(std::move(rest)));
    }
    for (auto& c : common) out.push_back(std::move(c));
    if (!always_true) out.push_back(std::move(rebuilt));
}

bool is_true_constant(const Expression& e) {
    return e.kind == ExpressionKind::kConstant && e.type.id() == TypeId::kBoolean && !e.value.is_null() && e.value.get_bool();
}

}  // namespace

LogicalPtr push_filters(LogicalPtr op, std::vector<ExprPtr> filters);

namespace {

LogicalPtr push_into_graph(LogicalPtr op, std::vector<ExprPtr> filters) {
    std::vector<LogicalPtr> relations;
    std::vector<ExprPtr> predicates = std::move(filters);
    collect_graph(std::move(op), relations, predicates);
    // Predicates that read one relation go into it; the rest connect relations.
    std::vector<std::set<uint32_t>> relation_tables;
    for (auto& r : relations) relation_tables.push_back(tables_of(*r));
    std::vector<std::vector<ExprPtr>> per_relation(relations.size());
    std::vector<ExprPtr> join_predicates;
    for (auto& p : predicates) {
        if (is_true_constant(*p)) continue;
        auto refs = referenced_tables(*p);
        bool placed = false;
        for (size_t i = 0; i < relations.size() && !placed; i++) {
            if (!refs.empty() && subset(refs, relation_tables[i])) {
                per_relation[i].push_back(std::move(p));
                placed = true;
            }
        }
        if (!placed) {
            if (refs.empty() && !relations.empty()) {
                per_relation[0].push_back(std::move(p));  // constant predicate: evaluate once, anywhere
            } else {
                join_predicates.push_back(std::move(p));
            }
        }
    }
    for (size_t i = 0; i < relations.size(); i++) relations[i] = push_filters(std::move(relations[i]), std::move(per_relation[i]));
    return order_joins(std::move(relations), std::move(join_predicates));
}

// SEMI/ANTI joins filter their left input by columns of one relation: move the join down onto the smallest
// subtree of an inner-join graph that provides those columns, so it filters before the other joins (TPC-H Q18:
// the IN (...) on o_orderkey shrinks orders before lineitem is joined).
bool push_semi_join_down(LogicalPtr& graph, LogicalPtr& semi, const std::set<uint32_t>& needed) {
    if (!is_inner_graph_node(*graph)) return false;
    for (auto& child : graph->children) {
        if (!subset(needed, tables_of(*child))) continue;
        if (!push_semi_join_down(child, semi, needed)) {
            semi->children[0] = std::move(child);
            child = std::move(semi);
        }
        return true;
    }
    return false;
}

// Moves ON-clause equalities between the two sides into hash-join conditions.
void extract_conditions(LogicalJoin& join) {
    if (!join.residual) return;
    auto left = tables_of(*join.children[0]);
    auto right = tables_of(*join.children[1]);
    std::vector<ExprPtr> parts;
    split_conjunction(std::move(join.residual), parts);
    std::vector<ExprPtr> rest;
    for (auto& p : parts) {
        if (p->kind == ExpressionKind::kFunction && p->function.name == "eq" && p->children.size() == 2) {
            auto a = referenced_tables(*p->children[0]);
            auto b = referenced_tables(*p->children[1]);
            if (!a.empty() && !b.empty()) {
                if (subset(a, left) && subset(b, right)) {
                    join.conditions.push_back({std::move(p->children[0]), std::move(p->children[1])});
                    continue;
                }
                if (subset(a, right) && subset(b, left)) {
                    join.conditions.push_back({std::move(p->children[1]), std::move(p->children[0])});
                    continue;
                }
            }
        }
        if (is_true_constant(*p)) continue;
        rest.push_back(std::move(p));
    }
    join.residual = combine_conjunction(std::move(rest));
}

}  // namespace

std::set<uint32_t> referenced_tables(const Expression& e) {
    std::set<uint32_t> out;
    visit_expression(e, [&](const Expression& x) {
        if (x.kind == ExpressionKind::kColumnRef && x.depth == 0) out.insert(x.binding.table_index);
    });
    return out;
}

LogicalPtr push_filters(LogicalPtr op, std::vector<ExprPtr> filters) {
    switch (op->kind) {
        case LogicalKind::kFilter: {
            // This filter's own predicates go before those from above: PostgreSQL evaluates the WHERE of a
            // pulled-up subquery before the outer one's (when their costs tie), so `FROM (... WHERE i <> 0) s
            // WHERE 10 / i > 1` never divides by zero.
            std::vector<ExprPtr> parts, own;
            for (auto& e : op->expressions) split_conjunction(std::move(e), parts);
            for (auto& p : parts) extract_common_or_terms(std::move(p), own);
            for (auto& f : filters) own.push_back(std::move(f));
            return push_filters(std::move(op->children[0]), std::move(own));
        }
        case LogicalKind::kCrossProduct: return push_into_graph(std::move(op), std::move(filters));
        case LogicalKind::kJoin: {
            auto& join = static_cast<LogicalJoin&>(*op);
            if (join.join_type == JoinType::kInner) return push_into_graph(std::move(op), std::move(filters));
            if ((join.join_type == JoinType::kSemi || join.join_type == JoinType::kAnti) && is_inner_graph_node(*join.children[0])) {
                // Columns of the left side that the join reads.
                auto left_tables = tables_of(*join.children[0]);
                std::set<uint32_t> needed;
                for (const auto& c : join.conditions) {
                    for (auto t : referenced_tables(*c.left)) needed.insert(t);
                }
                if (join.residual) {
                    for (auto t : referenced_tables(*join.residual)) {
                        if (left_tables.count(t)) needed.insert(t);
                    }
                }
                if (!needed.empty()) {
                    LogicalPtr graph = std::move(join.children[0]);
                    LogicalPtr semi = std::move(op);
                    LogicalOperator* semi_raw = semi.get();
                    if (push_semi_join_down(graph, semi, needed)) return push_filters(std::move(graph), std::move(filters));
                    semi_raw->children[0] = std::move(graph);
                    op = std::move(semi);
                }
            }
            auto left_tables = tables_of(*join.children[0]);
            auto right_tables = tables_of(*join.children[1]);
            std::vector<ExprPtr> to_left, to_right, stay;
            for (auto& f : filters) {
                auto refs = referenced_tables(*f);
                bool left_ok = join.join_type != JoinType::kRight && join.join_type != JoinType::kFull;
                bool right_ok = join.join_type == JoinType::kRight;
                if (left_ok && !refs.empty() && subset(refs, left_tables)) {
                    to_left.push_back(std::move(f));
                } else if (right_ok && !refs.empty() && subset(refs, right_tables)) {
                    to_right.push_back(std::move(f));
                } else {
                    stay.push_back(std::move(f));
                }
            }
            // ON predicates that read only the inner side filter it before the join.
            if (join.residual && (join.join_type == JoinType::kLeft || join.join_type == JoinType::kSemi ||
                                  join.join_type == JoinType::kAnti || join.join_type == JoinType::kSingle ||
                                  join.join_type == JoinType::kMark)) {
                std::vector<ExprPtr> parts;
                split_conjunction(std::move(join.residual), parts);
                std::vector<ExprPtr> rest;
                for (auto& p : parts) {
                    auto refs = referenced_tables(*p);
                    if (!refs.empty() && subset(refs, right_tables) && !p->is_volatile()) {
                        to_right.push_back(std::move(p));
                    } else {
                        rest.push_back(std::move(p));
                    }
                }
                join.residual = combine_conjunction(std::move(rest));
            }
            extract_conditions(join);
            join.children[0] = push_filters(std::move(join.children[0]), std::move(to_left));
            join.children[1] = push_filters(std::move(join.children[1]), std::move(to_right));
            return wrap_filter(std::move(op), std::move(stay));
        }
        case LogicalKind::kProjection: {
            auto& projection = static_cast<LogicalProjection&>(*op);
            std::vector<ExprPtr> down, stay;
            for (auto& f : filters) {
                bool volatile_ref = false;
                visit_expression(*f, [&](const Expression& x) {
                    if (x.kind == ExpressionKind::kColumnRef && x.binding.table_index == projection.table_index &&
                        projection.expressions[x.binding.column_index]->is_volatile()) {
                        volatile_ref = true;
                    }
                });
                if (volatile_ref) {
                    stay.push_back(std::move(f));
                } else {
                    down.push_back(substitute(std::move(f), projection.table_index, projection.expressions));
                }
            }
            op->children[0] = push_filters(std::move(op->children[0]), std::move(down));
            return wrap_filter(std::move(op), std::move(stay));
        }
        case LogicalKind::kAggregate: {
            auto& aggregate = static_cast<LogicalAggregate&>(*op);
            std::vector<ExprPtr> down, stay;
            for (auto& f : filters) {
                auto refs = referenced_tables(*f);
                if (aggregate.grouping_sets.empty() && refs.size() == 1 && *refs.begin() == aggregate.group_index) {
                    down.push_back(substitute(std::move(f), aggregate.group_index, aggregate.groups));
                } else {
                    stay.push_back(std::move(f));
                }
            }
            op->children[0] = push_filters(std::move(op->children[0]), std::move(down));
            return wrap_filter(std::move(op), std::move(stay));
        }
        case LogicalKind::kOrder: {
            op->children[0] = push_filters(std::move(op->children[0]), std::move(filters));
            return op;
        }
        case LogicalKind::kGet: {
            auto& get = static_cast<LogicalGet&>(*op);
            for (auto& f : filters) {
                if (f->is_volatile()) {
                    return wrap_filter(std::move(op), std::move(filters));
                }
            }
            for (auto& f : filters) get.filters.push_back(std::move(f));
            return op;
        }
        default: {
            for (auto& c : op->children) c = push_filters(std::move(c), {});
            return wrap_filter(std::move(op), std::move(filters));
        }
    }
}

LogicalPtr optimize(LogicalPtr plan) {
    plan = push_filters(std::move(plan), {});
    prune_columns(*plan);
    order_predicates(*plan);
    return plan;
}

}  // namespace basalt

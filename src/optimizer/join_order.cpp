// Greedy operator ordering: repeatedly join the pair of connected components with the smallest estimated
// result. Equi-join estimates assume key/foreign-key joins (the result is about the size of the larger
// input, scaled by the selectivity already applied to the smaller one).
#include "optimizer/join_order.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "optimizer/optimizer.hpp"

namespace basalt {

namespace {

struct Component {
    LogicalPtr plan;
    std::set<uint32_t> tables;
    double rows;
    std::map<ColumnBinding, double> distinct;  // distinct values of base-table columns visible in this component
};

void collect_distinct(const LogicalOperator& op, std::map<ColumnBinding, double>& out) {
    if (op.kind == LogicalKind::kGet) {
        const auto& get = static_cast<const LogicalGet&>(op);
        for (uint32_t i = 0; i < get.column_ids.size(); i++) {
            out[{get.table_index, i}] = get.table->storage->distinct_count(get.column_ids[i]);
        }
        return;
    }
    for (const auto& c : op.children) collect_distinct(*c, out);
}

// Distinct values of a join key on one side: the column's count if it is a plain column, capped by the side's
// row estimate (a filtered side cannot have more distinct values than rows).
double key_distinct(const Expression& key, const Component& side) {
    double d = side.rows;
    if (key.kind == ExpressionKind::kColumnRef) {
        auto it = side.distinct.find(key.binding);
        if (it != side.distinct.end()) d = std::min(it->second, side.rows);
    }
    return std::max(1.0, d);
}

// |A join B| = |A| * |B| / max(distinct(a.key), distinct(b.key)), using the most selective equality.
double join_estimate(const Component& a, const Component& b, const std::vector<ExprPtr>& predicates,
                     const std::vector<std::set<uint32_t>>& predicate_tables, const std::vector<bool>& used);

bool subset(const std::set<uint32_t>& a, const std::set<uint32_t>& b) {
    for (auto x : a) {
        if (!b.count(x)) return false;
    }
    return true;
}

bool intersects(const std::set<uint32_t>& a, const std::set<uint32_t>& b) {
    for (auto x : a) {
        if (b.count(x)) return true;
    }
    return false;
}

bool is_equi_between(const Expression& p, const std::set<uint32_t>& left, const std::set<uint32_t>& right) {
    if (p.kind != ExpressionKind::kFunction || p.function.name != "eq" || p.children.size() != 2) return false;
    auto a = referenced_tables(*p.children[0]);
    auto b = referenced_tables(*p.children[1]);
    if (a.empty() || b.empty()) return false;
    return (subset(a, left) && subset(b, right)) || (subset(a, right) && subset(b, left));
}

double join_estimate(const Component& a, const Component& b, const std::vector<ExprPtr>& predicates,
                     const std::vector<std::set<uint32_t>>& predicate_tables, const std::vector<bool>& used) {
    double divisor = 0;
    for (size_t k = 0; k < predicates.size(); k++) {
        if (used[k] || !is_equi_between(*predicates[k], a.tables, b.tables)) continue;
        const Expression& p = *predicates[k];
        bool left_in_a = subset(referenced_tables(*p.children[0]), a.tables);
        const Expression& ka = left_in_a ? *p.children[0] : *p.children[1];
        const Expression& kb = left_in_a ? *p.children[1] : *p.children[0];
        divisor = std::max(divisor, std::max(key_distinct(ka, a), key_distinct(kb, b)));
    }
    (void)predicate_tables;
    if (divisor == 0) return a.rows * b.rows;
    return std::max(1.0, a.rows * b.rows / divisor);
}

}  // namespace

LogicalPtr order_joins(std::vector<LogicalPtr> relations, std::vector<ExprPtr> predicates) {
    std::vector<Component> components;
    for (auto& r : relations) {
        Component c;
        c.rows = std::max(1.0, estimate_rows(*r));
        for (const auto& b : r->bindings()) c.tables.insert(b.table_index);
        collect_distinct(*r, c.distinct);
        c.plan = std::move(r);
        components.push_back(std::move(c));
    }
    std::vector<std::set<uint32_t>> predicate_tables;
    for (auto& p : predicates) predicate_tables.push_back(referenced_tables(*p));
    std::vector<bool> used(predicates.size(), false);

    while (components.size() > 1) {
        size_t best_i = 0, best_j = 1;
        double best_cost = -1;
        bool best_connected = false;
        for (size_t i = 0; i < components.size(); i++) {
            for (size_t j = i + 1; j < components.size(); j++) {
                bool connected = false;
                for (size_t k = 0; k < predicates.size(); k++) {
                    if (used[k]) continue;
                    std::set<uint32_t> both = components[i].tables;
                    both.insert(components[j].tables.begin(), components[j].tables.end());
                    if (subset(predicate_tables[k], both) && intersects(predicate_tables[k], components[i].tables) &&
                        intersects(predicate_tables[k], components[j].tables) &&
                        is_equi_between(*predicates[k], components[i].tables, components[j].tables)) {
                        connected = true;
                    }
                }
                double l = components[i].rows, r = components[j].rows;
                double cost = connected ? join_estimate(components[i], components[j], predicates, predicate_tables, used) : l * r;
                if ((connected && !best_connected) || (connected == best_connected && (best_cost < 0 || cost < best_cost))) {
                    best_cost = cost;
                    best_i = i;
                    best_j = j;
                    best_connected = connected;
                }
            }
        }
        Component a = std::move(components[best_i]);
        Component b = std::move(components[best_j]);
        double estimate = join_estimate(a, b, predicates, predicate_tables, used);
        components.erase(components.begin() + static_cast<std::ptrdiff_t>(best_j));
        components.erase(components.begin() + static_cast<std::ptrdiff_t>(best_i));
        // The smaller side builds the hash table (right child).
        if (a.rows < b.rows) std::swap(a, b);
        std::set<uint32_t> both = a.tables;
        both.insert(b.tables.begin(), b.tables.end());
        auto join = std::make_unique<LogicalJoin>();
        join->join_type = JoinType::kInner;
        std::vector<ExprPtr> residual;
        for (size_t k = 0; k < predicates.size(); k++) {
            if (used[k] || !subset(predicate_tables[k], both)) continue;
            used[k] = true;
            Expression& p = *predicates[k];
            if (is_equi_between(p, a.tables, b.tables)) {
                auto left_refs = referenced_tables(*p.children[0]);
                if (subset(left_refs, a.tables)) {
                    join->conditions.push_back({std::move(p.children[0]), std::move(p.children[1])});
                } else {
                    join->conditions.push_back({std::move(p.children[1]), std::move(p.children[0])});
                }
            } else {
                residual.push_back(std::move(predicates[k]));
            }
        }
        join->residual = combine_conjunction(std::move(residual));
        double rows = join->conditions.empty() ? a.rows * b.rows * (join->residual ? 0.2 : 1.0) : estimate;
        std::map<ColumnBinding, double> distinct = std::move(a.distinct);
        distinct.insert(b.distinct.begin(), b.distinct.end());
        if (join->conditions.empty() && !join->residual) {
            auto cross = std::make_unique<LogicalCrossProduct>();
            cross->children.push_back(std::move(a.plan));
            cross->children.push_back(std::move(b.plan));
            cross->estimated_rows = rows;
            components.push_back({std::move(cross), both, std::max(1.0, rows), std::move(distinct)});
            continue;
        }
        join->children.push_back(std::move(a.plan));
        join->children.push_back(std::move(b.plan));
        join->estimated_rows = rows;
        components.push_back({std::move(join), both, std::max(1.0, rows), std::move(distinct)});
    }
    LogicalPtr result = std::move(components[0].plan);
    std::vector<ExprPtr> leftover;
    for (size_t k = 0; k < predicates.size(); k++) {
        if (!used[k]) leftover.push_back(std::move(predicates[k]));
    }
    if (!leftover.empty()) {
        auto filter = std::make_unique<LogicalFilter>();
        filter->expressions = std::move(leftover);
        filter->children.push_back(std::move(result));
        result = std::move(filter);
    }
    return result;
}

}  // namespace basalt

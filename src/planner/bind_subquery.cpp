// Subqueries become joins, never per-row re-execution:
//   scalar           -> SINGLE join (at most one row, NULL when none) or, correlated through an aggregate,
//                       a LEFT join against the aggregate grouped by the correlation keys
//   EXISTS / IN      -> SEMI / ANTI join in WHERE, MARK join (a boolean column) elsewhere
//   x op ANY/ALL     -> MARK join with the comparison as the join predicate
// Correlated predicates (conjuncts of the subquery's WHERE that mention outer columns) are pulled out of the
// subquery and become the join's conditions. Shapes this cannot handle raise 0A000 rather than run slowly.
#include <fmt/format.h>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "planner/binder.hpp"
#include "planner/function_binder.hpp"

namespace basalt {

namespace {

bool has_outer_refs(const Expression& e, int min_depth = 1) {
    bool found = false;
    visit_expression(e, [&](const Expression& x) {
        if (x.kind == ExpressionKind::kColumnRef && x.depth >= min_depth) found = true;
    });
    return found;
}

bool has_inner_refs(const Expression& e) {
    bool found = false;
    visit_expression(e, [&](const Expression& x) {
        if (x.kind == ExpressionKind::kColumnRef && x.depth == 0) found = true;
    });
    return found;
}

void decrement_depth(Expression& e) {
    visit_expression(e, [&](Expression& x) {
        if (x.kind == ExpressionKind::kColumnRef && x.depth > 0) x.depth--;
    });
}

bool plan_has_outer_refs(const LogicalOperator& op) {
    for (const auto& e : op.expressions) {
        if (has_outer_refs(*e)) return true;
    }
    if (op.kind == LogicalKind::kJoin) {
        const auto& j = static_cast<const LogicalJoin&>(op);
        for (const auto& c : j.conditions) {
            if (has_outer_refs(*c.left) || has_outer_refs(*c.right)) return true;
        }
        if (j.residual && has_outer_refs(*j.residual)) return true;
    }
    if (op.kind == LogicalKind::kAggregate) {
        const auto& a = static_cast<const LogicalAggregate&>(op);
        for (const auto& g : a.groups) {
            if (has_outer_refs(*g)) return true;
        }
        for (const auto& agg : a.aggregates) {
            for (const auto& c : agg.children) {
                if (has_outer_refs(*c)) return true;
            }
        }
    }
    if (op.kind == LogicalKind::kGet) {
        for (const auto& f : static_cast<const LogicalGet&>(op).filters) {
            if (has_outer_refs(*f)) return true;
        }
    }
    for (const auto& c : op.children) {
        if (plan_has_outer_refs(*c)) return true;
    }
    return false;
}

[[noreturn]] void unsupported_correlation(int position) {
    throw Error(sql_state::kFeatureNotSupported,
                "this correlated subquery is not supported (correlated columns may appear only in the WHERE clause of "
                "the subquery, compared with its own columns)",
                position);
}

// Removes the conjuncts that mention outer columns from the Filter nodes on the subquery's spine.
void pull_correlated(LogicalOperator* op, std::vector<ExprPtr>& out, LogicalAggregate** aggregate) {
    while (op) {
        switch (op->kind) {
            case LogicalKind::kFilter: {
                std::vector<ExprPtr> keep;
                for (auto& e : op->expressions) {
                    if (has_outer_refs(*e)) {
                        out.push_back(std::move(e));
                    } else {
                        keep.push_back(std::move(e));
                    }
                }
                op->expressions = std::move(keep);
                break;
            }
            case LogicalKind::kAggregate:
                if (aggregate) *aggregate = static_cast<LogicalAggregate*>(op);
                break;
            case LogicalKind::kProjection:
            case LogicalKind::kOrder:
            case LogicalKind::kLimit:
            case LogicalKind::kWindow: break;
            default: return;
        }
        op = op->children.empty() ? nullptr : op->children[0].get();
    }
}

// Makes the subquery's top projection also output `inner` (an expression over bindings below it) and returns
// a reference to that new output column.
ExprPtr expose_through_projection(LogicalProjection& projection, ExprPtr inner) {
    auto type = inner->type;
    projection.expressions.push_back(std::move(inner));
    return make_column_ref({projection.table_index, static_cast<uint32_t>(projection.expressions.size() - 1)}, type);
}

// Splits pulled predicates into equi-join conditions (outer = inner) and a residual predicate.
void split_predicates(std::vector<ExprPtr>& preds, std::vector<JoinCondition>& conditions, std::vector<ExprPtr>& residual,
                      const std::function<ExprPtr(ExprPtr)>& map_inner) {
    for (auto& p : preds) {
        if (p->kind == ExpressionKind::kFunction && p->function.name == "eq" && p->children.size() == 2) {
            Expression& a = *p->children[0];
            Expression& b = *p->children[1];
            bool a_outer = has_outer_refs(a) && !has_inner_refs(a);
            bool b_outer = has_outer_refs(b) && !has_inner_refs(b);
            bool a_inner = !has_outer_refs(a) && has_inner_refs(a);
            bool b_inner = !has_outer_refs(b) && has_inner_refs(b);
            if ((a_outer && b_inner) || (b_outer && a_inner)) {
                ExprPtr outer = std::move(a_outer ? p->children[0] : p->children[1]);
                ExprPtr inner = std::move(a_outer ? p->children[1] : p->children[0]);
                decrement_depth(*outer);
                conditions.push_back({std::move(outer), map_inner(std::move(inner))});
                continue;
            }
        }
        residual.push_back(std::move(p));
    }
}

// True when every pulled predicate has the form outer_expression = inner_expression.
bool all_equi_correlations(const std::vector<ExprPtr>& preds) {
    for (const auto& p : preds) {
        if (p->kind != ExpressionKind::kFunction || p->function.name != "eq" || p->children.size() != 2) return false;
        const Expression& a = *p->children[0];
        const Expression& b = *p->children[1];
        bool a_outer = has_outer_refs(a) && !has_inner_refs(a);
        bool b_outer = has_outer_refs(b) && !has_inner_refs(b);
        bool a_inner = !has_outer_refs(a) && has_inner_refs(a);
        bool b_inner = !has_outer_refs(b) && has_inner_refs(b);
        if (!((a_outer && b_inner) || (b_outer && a_inner))) return false;
    }
    return !preds.empty();
}

void remap_bindings(Expression& e, const std::map<ColumnBinding, ColumnBinding>& map) {
    visit_expression(e, [&](Expression& x) {
        if (x.kind != ExpressionKind::kColumnRef || x.depth != 0) return;
        auto it = map.find(x.binding);
        if (it != map.end()) x.binding = it->second;
    });
}

// Rewrites inner references of a residual predicate with map_inner, and outer ones to the current level.
ExprPtr rewrite_residual(ExprPtr e, const std::function<ExprPtr(ExprPtr)>& map_inner) {
    if (e->kind == ExpressionKind::kColumnRef) {
        if (e->depth > 0) {
            e->depth--;
            return e;
        }
        return map_inner(std::move(e));
    }
    for (auto& c : e->children) c = rewrite_residual(std::move(c), map_inner);
    return e;
}

}  // namespace

ExprPtr Binder::bind_subquery(const ParsedExpr& expr, ClauseKind clause) {
    Binder sub(catalog_, this);
    PendingSubquery pending;
    pending.kind = expr.subquery_kind;
    pending.position = expr.position;
    pending.query = sub.bind_select(*expr.subquery);
    pending.correlated = sub.has_correlated_columns_;
    pending.inside_aggregate = in_aggregate_;
    pending.null_aware = expr.subquery_kind == SubqueryKind::kAny;
    ExprPtr result;
    if (expr.subquery_kind == SubqueryKind::kScalar) {
        if (pending.query.types.size() != 1) {
            throw Error(sql_state::kSyntaxError, "subquery must return only one column", expr.position);
        }
        auto bindings = pending.query.plan->bindings();
        result = make_column_ref(bindings[0], pending.query.types[0], pending.query.names[0]);
        // COUNT over no rows is 0, not NULL: keep that when the LEFT join finds no group.
        if (pending.correlated && pending.query.plan->kind == LogicalKind::kProjection) {
            const Expression& top = *pending.query.plan->expressions[0];
            LogicalOperator* below = pending.query.plan->children[0].get();
            while (below && below->kind == LogicalKind::kFilter) below = below->children[0].get();
            if (below && below->kind == LogicalKind::kAggregate && top.kind == ExpressionKind::kColumnRef) {
                auto& agg = static_cast<LogicalAggregate&>(*below);
                if (top.binding.table_index == agg.aggregate_index) {
                    const std::string& fn = agg.aggregates[top.binding.column_index].function.name;
                    if (fn == "count" || fn == "count_star") {
                        auto coalesce = std::make_unique<Expression>(ExpressionKind::kCoalesce, result->type);
                        coalesce->children.push_back(std::move(result));
                        coalesce->children.push_back(make_constant(Value::bigint(0)));
                        result = std::move(coalesce);
                    }
                }
            }
        }
    } else {
        pending.mark_index = new_table_index();
        if (expr.subquery_kind == SubqueryKind::kAny || expr.subquery_kind == SubqueryKind::kAll) {
            if (pending.query.types.size() != 1) {
                throw Error(sql_state::kSyntaxError, "subquery has too many columns", expr.position);
            }
            ExprPtr test = bind_expression(*expr.children[0], clause);
            LogicalType column_type = pending.query.types[0];
            LogicalType common;
            if (test->unknown_literal) {
                common = column_type;
            } else if (!try_common_supertype(test->type, column_type, common)) {
                throw Error(sql_state::kUndefinedFunction,
                            fmt::format("operator does not exist: {} {} {}", pg_type_name(test->type), expr.op, pg_type_name(column_type)),
                            expr.position);
            }
            pending.test = cast_to(std::move(test), common);
            static const std::pair<const char*, const char*> kOps[] = {{"=", "="}, {"<>", "<>"}, {"!=", "<>"}, {"<", "<"},
                                                                       {">", ">"}, {"<=", "<="}, {">=", ">="}};
            pending.op.clear();
            for (auto [symbol, canonical] : kOps) {
                if (expr.op == symbol) pending.op = canonical;
            }
            if (pending.op.empty()) {
                throw Error(sql_state::kFeatureNotSupported, fmt::format("operator {} with ANY/ALL is not supported", expr.op), expr.position);
            }
        }
        result = make_column_ref({pending.mark_index, 0}, LogicalType::boolean(), "exists");
    }
    pending_subqueries_.push_back(std::move(pending));
    return result;
}

// A scalar aggregate subquery correlated by any predicates (x.sal < e.sal, x.id <> e.id): number the outer
// rows, LEFT JOIN the subquery's input on the predicates, compute each aggregate as a window over the outer row
// number, keep one row per outer row. COUNT(*) counts a marker column so that unmatched outer rows count 0.
void Binder::plan_general_scalar_subquery(PendingSubquery& p, LogicalPtr& root, LogicalPtr plan, std::vector<ExprPtr> pulled,
                                          LogicalAggregate& aggregate) {
    auto& projection = static_cast<LogicalProjection&>(*plan);
    if (projection.children[0].get() != &aggregate) unsupported_correlation(p.position);
    for (const auto& a : aggregate.aggregates) {
        if (a.distinct || a.filter || !a.order_by.empty()) unsupported_correlation(p.position);
    }
    // 1. Outer rows get a number.
    auto numbered = std::make_unique<LogicalWindow>();
    numbered->window_index = new_table_index();
    WindowExpression row_number;
    row_number.kind = WindowFunctionKind::kRowNumber;
    row_number.name = "row_number";
    row_number.type = LogicalType::bigint();
    row_number.end = FrameBound::kUnboundedFollowing;
    numbered->windows.push_back(std::move(row_number));
    numbered->children.push_back(std::move(root));
    ColumnBinding row_id{numbered->window_index, 0};
    // 2. The subquery's input, plus a marker column that is NULL only on unmatched (NULL-extended) rows.
    LogicalPtr input = std::move(aggregate.children[0]);
    auto marked = std::make_unique<LogicalProjection>();
    marked->table_index = new_table_index();
    std::map<ColumnBinding, ColumnBinding> remap;
    auto input_bindings = input->bindings();
    auto input_types = input->types();
    for (size_t i = 0; i < input_bindings.size(); i++) {
        marked->expressions.push_back(make_column_ref(input_bindings[i], input_types[i]));
        remap[input_bindings[i]] = {marked->table_index, static_cast<uint32_t>(i)};
    }
    marked->expressions.push_back(make_constant(Value::boolean(true)));
    ColumnBinding marker{marked->table_index, static_cast<uint32_t>(input_bindings.size())};
    marked->children.push_back(std::move(input));
    // 3. LEFT JOIN on the correlated predicates.
    auto join = std::make_unique<LogicalJoin>();
    join->join_type = JoinType::kLeft;
    std::vector<ExprPtr> residual;
    for (auto& pred : pulled) {
        remap_bindings(*pred, remap);
        pred = rewrite_residual(std::move(pred), [](ExprPtr inner) { return inner; });
        residual.push_back(std::move(pred));
    }
    join->residual = combine_conjunction(std::move(residual));
    join->children.push_back(std::move(numbered));
    join->children.push_back(std::move(marked));
    // 4. Each aggregate as a window over the outer row number; one row per outer row survives.
    auto windows = std::make_unique<LogicalWindow>();
    windows->window_index = new_table_index();
    for (auto& a : aggregate.aggregates) {
        WindowExpression w;
        w.kind = WindowFunctionKind::kAggregate;
        w.name = a.function.name;
        std::vector<ExprPtr> args;
        for (auto& c : a.children) {
            remap_bindings(*c, remap);
            args.push_back(std::move(c));
        }
        if (a.function.name == "count_star") {
            args.clear();
            args.push_back(make_column_ref(marker, LogicalType::boolean()));
            w.aggregate = bind_aggregate_function(*this, "count", args, p.position);
        } else {
            w.aggregate = a.function;
        }
        w.type = w.aggregate.return_type;
        w.children = std::move(args);
        w.partitions.push_back(make_column_ref(row_id, LogicalType::bigint()));
        w.end = FrameBound::kUnboundedFollowing;
        windows->windows.push_back(std::move(w));
    }
    WindowExpression first;
    first.kind = WindowFunctionKind::kRowNumber;
    first.name = "row_number";
    first.type = LogicalType::bigint();
    first.partitions.push_back(make_column_ref(row_id, LogicalType::bigint()));
    first.end = FrameBound::kUnboundedFollowing;
    windows->windows.push_back(std::move(first));
    uint32_t window_index = windows->window_index;
    uint32_t first_column = static_cast<uint32_t>(windows->windows.size() - 1);
    windows->children.push_back(std::move(join));
    auto keep_first = std::make_unique<LogicalFilter>();
    keep_first->expressions.push_back(bind_comparison("=", make_column_ref({window_index, first_column}, LogicalType::bigint()),
                                                      make_constant(Value::bigint(1)), p.position));
    keep_first->children.push_back(std::move(windows));
    root = std::move(keep_first);
    // 5. The subquery's value: its select expression over the window columns instead of the aggregate's.
    std::map<ColumnBinding, ColumnBinding> to_windows;
    for (uint32_t k = 0; k < aggregate.aggregates.size(); k++) to_windows[{aggregate.aggregate_index, k}] = {window_index, k};
    ExprPtr value = projection.expressions[0]->copy();
    remap_bindings(*value, to_windows);
    subquery_replacements_[{projection.table_index, 0}] = std::move(value);
}

void Binder::plan_pending_subqueries(LogicalPtr& root) {
    auto pendings = std::move(pending_subqueries_);
    pending_subqueries_.clear();
    for (auto& p : pendings) {
        auto join = std::make_unique<LogicalJoin>();
        join->mark_index = p.mark_index;
        join->null_aware = p.null_aware;
        LogicalPtr plan = std::move(p.query.plan);
        std::vector<ExprPtr> pulled;
        LogicalAggregate* aggregate = nullptr;
        if (p.correlated) {
            pull_correlated(plan.get(), pulled, &aggregate);
            for (auto& e : pulled) {
                if (has_outer_refs(*e, 2)) unsupported_correlation(p.position);
            }
            if (plan_has_outer_refs(*plan)) unsupported_correlation(p.position);
        }
        std::vector<ExprPtr> residual;
        if (p.kind == SubqueryKind::kScalar) {
            if (!p.correlated) {
                join->join_type = JoinType::kSingle;
            } else {
                if (plan->kind != LogicalKind::kProjection) unsupported_correlation(p.position);
                auto& projection = static_cast<LogicalProjection&>(*plan);
                bool through_aggregate = aggregate != nullptr;
                if (through_aggregate && (!aggregate->grouping_sets.empty() || !aggregate->groups.empty())) {
                    unsupported_correlation(p.position);
                }
                if (through_aggregate && !all_equi_correlations(pulled)) {
                    plan_general_scalar_subquery(p, root, std::move(plan), std::move(pulled), *aggregate);
                    continue;
                }
                std::function<ExprPtr(ExprPtr)> map_inner = [&](ExprPtr inner) -> ExprPtr {
                    if (through_aggregate) {
                        // The correlation key becomes a grouping key of the subquery's aggregate.
                        auto type = inner->type;
                        aggregate->groups.push_back(std::move(inner));
                        ExprPtr group_ref = make_column_ref(
                            {aggregate->group_index, static_cast<uint32_t>(aggregate->groups.size() - 1)}, type);
                        return expose_through_projection(projection, std::move(group_ref));
                    }
                    return expose_through_projection(projection, std::move(inner));
                };
                split_predicates(pulled, join->conditions, residual, map_inner);
                if (!residual.empty() || join->conditions.empty()) unsupported_correlation(p.position);
                join->join_type = through_aggregate ? JoinType::kLeft : JoinType::kSingle;
            }
        } else {
            if (p.kind == SubqueryKind::kExists) {
                // EXISTS ignores the select list: join against what the WHERE clause sees.
                while (plan->kind == LogicalKind::kProjection || plan->kind == LogicalKind::kOrder ||
                       (plan->kind == LogicalKind::kLimit && static_cast<LogicalLimit&>(*plan).limit != 0 &&
                        static_cast<LogicalLimit&>(*plan).offset == 0)) {
                    plan = std::move(plan->children[0]);
                }
                std::function<ExprPtr(ExprPtr)> map_inner = [](ExprPtr inner) { return inner; };
                if (aggregate && p.correlated) {
                    // The correlated filter sits below an aggregate: its inner side becomes a grouping key, visible
                    // above the aggregate (EXISTS (... GROUP BY ... HAVING ...)).
                    if (!aggregate->grouping_sets.empty()) unsupported_correlation(p.position);
                    map_inner = [aggregate](ExprPtr inner) -> ExprPtr {
                        for (uint32_t g = 0; g < aggregate->groups.size(); g++) {
                            if (aggregate->groups[g]->equals(*inner)) return make_column_ref({aggregate->group_index, g}, inner->type);
                        }
                        auto type = inner->type;
                        aggregate->groups.push_back(std::move(inner));
                        return make_column_ref({aggregate->group_index, static_cast<uint32_t>(aggregate->groups.size() - 1)}, type);
                    };
                }
                split_predicates(pulled, join->conditions, residual, map_inner);
                for (auto& r : residual) r = rewrite_residual(std::move(r), map_inner);
            } else {
                if (plan->kind != LogicalKind::kProjection || (aggregate && p.correlated)) {
                    if (p.correlated) unsupported_correlation(p.position);
                }
                ExprPtr column = make_column_ref(plan->bindings()[0], p.query.types[0]);
                column = cast_to(std::move(column), p.test->type);
                if (p.correlated) {
                    auto& projection = static_cast<LogicalProjection&>(*plan);
                    std::function<ExprPtr(ExprPtr)> map_inner = [&](ExprPtr inner) {
                        return expose_through_projection(projection, std::move(inner));
                    };
                    split_predicates(pulled, join->conditions, residual, map_inner);
                    for (auto& r : residual) r = rewrite_residual(std::move(r), map_inner);
                }
                if (p.op == "=" && p.kind == SubqueryKind::kAny) {
                    join->conditions.insert(join->conditions.begin(), JoinCondition{std::move(p.test), std::move(column)});
                } else {
                    join->mark_predicate = bind_comparison(p.op, std::move(p.test), std::move(column), p.position);
                    join->mark_all = p.kind == SubqueryKind::kAll;
                    join->null_aware = false;
                }
            }
            join->join_type = p.join_type;
        }
        join->residual = combine_conjunction(std::move(residual));
        join->children.push_back(std::move(root));
        join->children.push_back(std::move(plan));
        root = std::move(join);
    }
}

ExprPtr Binder::apply_subquery_replacements(ExprPtr e) {
    if (subquery_replacements_.empty() || !e) return e;
    if (e->kind == ExpressionKind::kColumnRef && e->depth == 0) {
        auto it = subquery_replacements_.find(e->binding);
        if (it != subquery_replacements_.end()) return it->second->copy();
    }
    for (auto& c : e->children) c = apply_subquery_replacements(std::move(c));
    return e;
}

}  // namespace basalt

// SELECT: FROM, WHERE, GROUP BY (with grouping sets), HAVING, the select list, windows, DISTINCT,
// ORDER BY, LIMIT/OFFSET; set operations and VALUES.
#include <fmt/format.h>

#include <set>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "planner/binder.hpp"

namespace basalt {

namespace {

std::string derive_name(const ParsedExpr& e) {
    switch (e.kind) {
        case ExprKind::kColumnRef: return e.names.back();
        case ExprKind::kFunction: {
            const std::string& n = e.names.back();
            if (n == "btrim" || n == "ltrim" || n == "rtrim") return n;
            return n;
        }
        case ExprKind::kCast: {
            const ParsedExpr& inner = *e.children[0];
            if (inner.kind == ExprKind::kColumnRef || inner.kind == ExprKind::kFunction) return derive_name(inner);
            std::string t = e.cast_type.name;
            if (t == "int4") return "int4";
            return t;
        }
        case ExprKind::kCase: return "case";
        case ExprKind::kCoalesce: return "coalesce";
        case ExprKind::kNullIf: return "nullif";
        case ExprKind::kGreatest: return "greatest";
        case ExprKind::kLeast: return "least";
        case ExprKind::kSubquery: return e.subquery_kind == SubqueryKind::kExists ? "exists" : "?column?";
        case ExprKind::kGroupingFunc: return "grouping";
        case ExprKind::kSqlValue: return e.op;
        default: return "?column?";
    }
}

ExprPtr replace_groups(ExprPtr e, const std::vector<ExprPtr>& groups, uint32_t group_index) {
    for (uint32_t i = 0; i < groups.size(); i++) {
        if (e->kind != ExpressionKind::kConstant && groups[i]->equals(*e)) {
            auto ref = make_column_ref({group_index, i}, groups[i]->type, e->alias);
            return ref;
        }
    }
    for (auto& c : e->children) c = replace_groups(std::move(c), groups, group_index);
    return e;
}

void check_grouped(const Expression& e, const std::set<uint32_t>& from_tables) {
    visit_expression(e, [&](const Expression& x) {
        if (x.kind == ExpressionKind::kColumnRef && x.depth == 0 && from_tables.count(x.binding.table_index)) {
            throw Error(sql_state::kGroupingError,
                        fmt::format("column \"{}\" must appear in the GROUP BY clause or be used in an aggregate function",
                                    x.alias.empty() ? "?" : x.alias));
        }
    });
}

// LIMIT/OFFSET: a literal becomes a number now; any other expression without column references is kept and
// evaluated when the plan is built.
void bind_limit_value(Binder& binder, const ParsedExpr& parsed, const char* what, SqlState negative_state, int64_t& value,
                      ExprPtr& expression) {
    ExprPtr e = binder.bind_expression(parsed, ClauseKind::kOther);
    bool has_columns = false;
    visit_expression(*e, [&](const Expression& x) { has_columns = has_columns || x.kind == ExpressionKind::kColumnRef; });
    if (has_columns) {
        throw Error(sql_state::kInvalidColumnReference, fmt::format("argument of {} must not contain variables", what), parsed.position);
    }
    if (!e->unknown_literal && e->type.id() != TypeId::kNull && !e->type.is_numeric()) {
        throw Error(sql_state::kDatatypeMismatch,
                    fmt::format("argument of {} must be type bigint, not type {}", what, pg_type_name(e->type)), parsed.position);
    }
    e = binder.cast_to(std::move(e), LogicalType::bigint());
    if (e->kind != ExpressionKind::kConstant) {
        expression = std::move(e);
        return;
    }
    if (e->value.is_null()) {
        value = std::string(what) == "LIMIT" ? -1 : 0;
        return;
    }
    value = e->value.get_int64();
    if (value < 0) throw Error(negative_state, fmt::format("{} must not be negative", what), parsed.position);
}

void bind_limit(Binder& binder, const SelectStmt& stmt, LogicalLimit& limit) {
    if (stmt.limit) bind_limit_value(binder, *stmt.limit, "LIMIT", sql_state::kInvalidRowCountInLimit, limit.limit, limit.limit_expression);
    if (stmt.offset) {
        bind_limit_value(binder, *stmt.offset, "OFFSET", sql_state::kInvalidRowCountInOffset, limit.offset, limit.offset_expression);
    }
}

// Expands GROUP BY items into grouping sets (indices into groups); an empty result means "one set of all".
std::vector<std::vector<idx_t>> expand_grouping(const std::vector<std::vector<std::vector<idx_t>>>& per_item) {
    std::vector<std::vector<idx_t>> result = {{}};
    for (const auto& item_sets : per_item) {
        std::vector<std::vector<idx_t>> next;
        for (const auto& left : result) {
            for (const auto& right : item_sets) {
                std::vector<idx_t> merged = left;
                for (idx_t g : right) {
                    if (std::find(merged.begin(), merged.end(), g) == merged.end()) merged.push_back(g);
                }
                next.push_back(std::move(merged));
            }
        }
        result = std::move(next);
    }
    return result;
}

}  // namespace

CteInfo* Binder::find_cte(const std::string& name) {
    for (Binder* b = this; b; b = b->cte_parent_) {
        auto it = b->ctes_.find(name);
        if (it != b->ctes_.end() && !it->second.hidden) return &it->second;
    }
    return nullptr;
}

void Binder::register_ctes(const WithClause& with) {
    for (const auto& cte : with.ctes) {
        if (ctes_.count(cte.name)) {
            throw Error(sql_state::kDuplicateAlias, fmt::format("WITH query name \"{}\" specified more than once", cte.name),
                        cte.position);
        }
        CteInfo info;
        info.cte = &cte;
        info.index = static_cast<int>(ctes_.size());
        info.recursive_with = with.recursive;
        ctes_[cte.name] = info;
    }
}

BoundQuery Binder::bind_select(const SelectStmt& stmt) {
    if (stmt.with) register_ctes(*stmt.with);
    return bind_select_node(stmt);
}

BoundQuery Binder::bind_select_node(const SelectStmt& stmt) {
    if (stmt.set_op != SetOpKind::kNone) return bind_set_operation(stmt);
    if (!stmt.values.empty()) {
        BoundQuery q = bind_values(stmt);
        apply_order_limit(stmt, q, true);
        return q;
    }
    return bind_simple_select(stmt);
}

BoundQuery Binder::bind_values(const SelectStmt& stmt) {
    auto values = std::make_unique<LogicalValues>();
    values->table_index = new_table_index();
    size_t width = stmt.values[0].size();
    std::vector<std::vector<ExprPtr>> rows;
    for (const auto& row : stmt.values) {
        if (row.size() != width) {
            throw Error(sql_state::kSyntaxError, "VALUES lists must all be the same length", row.empty() ? 0 : row[0]->position);
        }
        std::vector<ExprPtr> bound;
        for (const auto& v : row) bound.push_back(bind_expression(*v, ClauseKind::kOther));
        rows.push_back(std::move(bound));
    }
    BoundQuery q;
    for (size_t c = 0; c < width; c++) {
        if (values_target_types_ && c < values_target_types_->size()) {
            const LogicalType& target = (*values_target_types_)[c];
            for (size_t r = 0; r < rows.size(); r++) {
                auto& e = rows[r][c];
                if (!e->unknown_literal && !assignment_cast_allowed(e->type, target)) {
                    throw Error(sql_state::kDatatypeMismatch,
                                fmt::format("column {} is of type {} but expression is of type {}", c + 1, pg_type_name(target),
                                            pg_type_name(e->type)),
                                stmt.values[r][c]->position);
                }
                e = cast_to(std::move(e), target.is_string() ? LogicalType::varchar() : target);
            }
            LogicalType column_type = target.is_string() ? LogicalType::varchar() : target;
            values->column_types.push_back(column_type);
            q.names.push_back(fmt::format("column{}", c + 1));
            q.types.push_back(column_type);
            continue;
        }
        LogicalType common = LogicalType::null();
        bool all_unknown = true;
        for (auto& row : rows) {
            if (row[c]->unknown_literal) continue;
            all_unknown = false;
            common = common_supertype(common, row[c]->type, "VALUES", stmt.values[0][c]->position);
        }
        if (common.id() == TypeId::kNull) common = LogicalType::varchar();
        (void)all_unknown;
        for (auto& row : rows) row[c] = cast_to(std::move(row[c]), common);
        values->column_types.push_back(common);
        q.names.push_back(fmt::format("column{}", c + 1));
        q.types.push_back(common);
    }
    if (!pending_subqueries_.empty()) throw Error(sql_state::kFeatureNotSupported, "subqueries in VALUES are not supported");
    values->rows = std::move(rows);
    q.plan = std::move(values);
    return q;
}

BoundQuery Binder::bind_set_operation(const SelectStmt& stmt) {
    Binder left_binder(catalog_, parent_, this);
    Binder right_binder(catalog_, parent_, this);
    BoundQuery left = left_binder.bind_select_node(*stmt.left);
    BoundQuery right = right_binder.bind_select_node(*stmt.right);
    has_correlated_columns_ = has_correlated_columns_ || left_binder.has_correlated_columns_ || right_binder.has_correlated_columns_;
    const char* op_name = stmt.set_op == SetOpKind::kUnion ? "UNION" : stmt.set_op == SetOpKind::kIntersect ? "INTERSECT" : "EXCEPT";
    if (left.types.size() != right.types.size()) {
        throw Error(sql_state::kSyntaxError, fmt::format("each {} query must have the same number of columns", op_name),
                    stmt.right->position);
    }
    std::vector<LogicalType> types;
    left.unknown.resize(left.types.size());
    right.unknown.resize(right.types.size());
    for (size_t i = 0; i < left.types.size(); i++) {
        if (left.unknown[i] && !right.unknown[i]) {
            types.push_back(right.types[i]);
        } else if (right.unknown[i] && !left.unknown[i]) {
            types.push_back(left.types[i]);
        } else {
            types.push_back(common_supertype(left.types[i], right.types[i], op_name, 0));
        }
    }
    auto cast_side = [&](BoundQuery& side) {
        bool needs = false;
        for (size_t i = 0; i < types.size(); i++) needs = needs || side.types[i] != types[i];
        if (!needs) return std::move(side.plan);
        auto projection = std::make_unique<LogicalProjection>();
        projection->table_index = new_table_index();
        auto bindings = side.plan->bindings();
        for (size_t i = 0; i < types.size(); i++) {
            projection->expressions.push_back(cast_to(make_column_ref(bindings[i], side.types[i], side.names[i]), types[i]));
        }
        projection->children.push_back(std::move(side.plan));
        return LogicalPtr(std::move(projection));
    };
    auto setop = std::make_unique<LogicalSetOp>();
    setop->table_index = new_table_index();
    setop->op = stmt.set_op == SetOpKind::kUnion ? SetOpType::kUnion : stmt.set_op == SetOpKind::kIntersect ? SetOpType::kIntersect : SetOpType::kExcept;
    setop->all = stmt.set_all;
    setop->column_types = types;
    setop->children.push_back(cast_side(left));
    setop->children.push_back(cast_side(right));
    BoundQuery q;
    q.names = left.names;
    q.types = types;
    for (size_t i = 0; i < types.size(); i++) q.unknown.push_back(left.unknown[i] && right.unknown[i]);
    q.plan = std::move(setop);
    apply_order_limit(stmt, q, true);
    return q;
}

// ORDER BY over output columns only (set operations, VALUES), then LIMIT/OFFSET.
void Binder::apply_order_limit(const SelectStmt& stmt, BoundQuery& q, bool output_names_only) {
    if (!stmt.order_by.empty()) {
        auto order = std::make_unique<LogicalOrder>();
        auto bindings = q.plan->bindings();
        for (const auto& item : stmt.order_by) {
            int index = -1;
            const ParsedExpr& e = *item.expr;
            if (e.kind == ExprKind::kConstant && e.value.type().id() == TypeId::kInteger) {
                int64_t n = e.value.get_int64();
                if (n < 1 || n > static_cast<int64_t>(q.names.size())) {
                    throw Error(sql_state::kInvalidColumnReference, fmt::format("ORDER BY position {} is not in select list", n),
                                e.position);
                }
                index = static_cast<int>(n - 1);
            } else if (e.kind == ExprKind::kColumnRef && e.names.size() == 1) {
                for (size_t i = 0; i < q.names.size(); i++) {
                    if (q.names[i] == e.names[0]) {
                        index = static_cast<int>(i);
                        break;
                    }
                }
            }
            if (index < 0) {
                if (e.kind == ExprKind::kColumnRef) {
                    throw Error(sql_state::kUndefinedColumn, fmt::format("column \"{}\" does not exist", e.names.back()), e.position);
                }
                throw Error(sql_state::kFeatureNotSupported,
                            "ORDER BY on a UNION/INTERSECT/EXCEPT result must be on one of the result columns", e.position);
            }
            BoundOrder o;
            o.expr = make_column_ref(bindings[index], q.types[index], q.names[index]);
            o.descending = item.descending;
            o.nulls_first = item.nulls_first.value_or(item.descending);
            order->orders.push_back(std::move(o));
        }
        order->children.push_back(std::move(q.plan));
        q.plan = std::move(order);
    }
    if (stmt.limit || stmt.offset) {
        auto limit = std::make_unique<LogicalLimit>();
        bind_limit(*this, stmt, *limit);
        limit->children.push_back(std::move(q.plan));
        q.plan = std::move(limit);
    }
}

BoundQuery Binder::bind_simple_select(const SelectStmt& stmt) {
    // ---- FROM and WHERE ----
    LogicalPtr plan = stmt.from.empty() ? LogicalPtr(std::make_unique<LogicalDummyScan>()) : bind_from(stmt.from);
    std::set<uint32_t> from_tables;
    for (const auto& t : context_.tables()) from_tables.insert(t.table_index);
    if (stmt.where) {
        ExprPtr where = bind_boolean(*stmt.where, ClauseKind::kWhere);
        std::vector<ExprPtr> conjuncts;
        split_conjunction(std::move(where), conjuncts);
        // A conjunct that is just EXISTS/IN (or its negation) filters rows: plan it as a SEMI/ANTI join.
        std::vector<ExprPtr> remaining;
        for (auto& c : conjuncts) {
            bool negated = c->kind == ExpressionKind::kNot;
            Expression* inner = negated ? c->children[0].get() : c.get();
            PendingSubquery* match = nullptr;
            if (inner->kind == ExpressionKind::kColumnRef) {
                for (auto& p : pending_subqueries_) {
                    if (p.kind != SubqueryKind::kScalar && p.kind != SubqueryKind::kAll && p.mark_index == inner->binding.table_index &&
                        p.join_type == JoinType::kMark && (p.kind == SubqueryKind::kExists || p.op == "=")) {
                        match = &p;
                    }
                }
            }
            if (match) {
                match->join_type = negated ? JoinType::kAnti : JoinType::kSemi;
                match->null_aware = negated && match->kind == SubqueryKind::kAny;  // NOT IN
                continue;
            }
            remaining.push_back(std::move(c));
        }
        plan_pending_subqueries(plan);
        for (auto& c : remaining) c = apply_subquery_replacements(std::move(c));
        if (!remaining.empty()) {
            auto filter = std::make_unique<LogicalFilter>();
            filter->expressions = std::move(remaining);
            filter->children.push_back(std::move(plan));
            plan = std::move(filter);
        }
    }

    // ---- GROUP BY ----
    aggregate_index_ = new_table_index();
    window_index_ = new_table_index();
    grouping_index_ = new_table_index();
    uint32_t group_index = new_table_index();
    std::vector<ExprPtr> groups;
    auto add_group = [&](ExprPtr e) -> idx_t {
        for (idx_t i = 0; i < groups.size(); i++) {
            if (groups[i]->equals(*e)) return i;
        }
        groups.push_back(std::move(e));
        return groups.size() - 1;
    };
    std::function<ExprPtr(const ParsedExpr&)> bind_group_expr = [&](const ParsedExpr& e) -> ExprPtr {
        if (e.kind == ExprKind::kConstant && e.value.type().id() == TypeId::kInteger) {
            int64_t n = e.value.get_int64();
            if (n < 1 || n > static_cast<int64_t>(stmt.targets.size())) {
                throw Error(sql_state::kInvalidColumnReference, fmt::format("GROUP BY position {} is not in select list", n), e.position);
            }
            return bind_expression(*stmt.targets[n - 1], ClauseKind::kGroupBy);
        }
        if (e.kind == ExprKind::kColumnRef && e.names.size() == 1) {
            try {
                return bind_expression(e, ClauseKind::kGroupBy);
            } catch (Error& err) {
                if (std::string(err.sql_state()) != "42703") throw;
                for (size_t i = 0; i < stmt.targets.size(); i++) {
                    if (stmt.target_names[i] == e.names[0]) return bind_expression(*stmt.targets[i], ClauseKind::kGroupBy);
                }
                throw;
            }
        }
        return bind_expression(e, ClauseKind::kGroupBy);
    };
    bool has_grouping_sets = false;
    std::vector<std::vector<std::vector<idx_t>>> per_item_sets;
    std::function<std::vector<std::vector<idx_t>>(const GroupByItem&)> item_sets = [&](const GroupByItem& item) {
        std::vector<std::vector<idx_t>> sets;
        switch (item.kind) {
            case GroupingKind::kExpr: sets.push_back({add_group(bind_group_expr(*item.expr))}); break;
            case GroupingKind::kEmpty: sets.push_back({}); break;
            case GroupingKind::kRollup:
            case GroupingKind::kCube: {
                std::vector<std::vector<idx_t>> elements;
                for (const auto& sub : item.items) {
                    std::vector<idx_t> element;
                    for (const auto& s : item_sets(sub)) element.insert(element.end(), s.begin(), s.end());
                    elements.push_back(element);
                }
                if (item.kind == GroupingKind::kRollup) {
                    for (size_t k = elements.size() + 1; k-- > 0;) {
                        std::vector<idx_t> set;
                        for (size_t i = 0; i < k; i++) set.insert(set.end(), elements[i].begin(), elements[i].end());
                        sets.push_back(set);
                    }
                } else {
                    if (elements.size() > 12) throw Error(sql_state::kProgramLimitExceeded, "CUBE is limited to 12 elements");
                    size_t n = elements.size();
                    for (size_t mask = (size_t{1} << n); mask-- > 0;) {
                        std::vector<idx_t> set;
                        for (size_t i = 0; i < n; i++) {
                            if (mask & (size_t{1} << (n - 1 - i))) set.insert(set.end(), elements[i].begin(), elements[i].end());
                        }
                        sets.push_back(set);
                    }
                }
                break;
            }
            case GroupingKind::kSets:
                for (const auto& sub : item.items) {
                    if (sub.kind == GroupingKind::kSets && sub.items.size() == 1 && sub.items[0].kind == GroupingKind::kSets) {
                        // (a, b) inside GROUPING SETS / ROLLUP / CUBE: one composite element
                        std::vector<idx_t> set;
                        for (const auto& element : sub.items[0].items) {
                            for (const auto& s2 : item_sets(element)) set.insert(set.end(), s2.begin(), s2.end());
                        }
                        sets.push_back(set);
                        continue;
                    }
                    for (auto& s2 : item_sets(sub)) sets.push_back(s2);
                }
                break;
        }
        return sets;
    };
    for (const auto& item : stmt.group_by) {
        if (item.kind != GroupingKind::kExpr) has_grouping_sets = true;
        per_item_sets.push_back(item_sets(item));
    }
    std::vector<std::vector<idx_t>> grouping_sets;
    if (has_grouping_sets) grouping_sets = expand_grouping(per_item_sets);
    current_groups_ = &groups;

    // ---- select list ----
    for (size_t i = 0; i < stmt.windows.size(); i++) {
        for (size_t k = 0; k < i; k++) {
            if (stmt.windows[k]->name == stmt.windows[i]->name) {
                throw Error(sql_state::kWindowingError, fmt::format("window \"{}\" is already defined", stmt.windows[i]->name),
                            stmt.windows[i]->position);
            }
        }
    }
    named_windows_ = &stmt.windows;
    std::vector<ExprPtr> select_exprs;
    std::vector<std::string> names;
    for (size_t i = 0; i < stmt.targets.size(); i++) {
        const ParsedExpr& t = *stmt.targets[i];
        if (t.kind == ExprKind::kStar) {
            std::string qualifier = t.names.empty() ? "" : t.names.back();
            if (stmt.from.empty()) throw Error(sql_state::kSyntaxError, "SELECT * with no tables specified is not valid", t.position);
            for (auto& [name, e] : context_.star(qualifier, t.position)) {
                names.push_back(name);
                select_exprs.push_back(std::move(e));
            }
            continue;
        }
        select_exprs.push_back(bind_expression(t, ClauseKind::kSelect));
        names.push_back(stmt.target_names[i].empty() ? derive_name(t) : stmt.target_names[i]);
    }
    if (!stmt.distinct_on.empty()) throw Error(sql_state::kFeatureNotSupported, "DISTINCT ON is not supported yet", stmt.position);

    ExprPtr having;
    if (stmt.having) having = bind_boolean(*stmt.having, ClauseKind::kHaving);

    // ---- ORDER BY: positions, output names, or expressions (hidden columns when not selected) ----
    struct OrderRef {
        size_t column;
        bool descending;
        bool nulls_first;
    };
    std::vector<OrderRef> order_refs;
    size_t visible = select_exprs.size();
    for (const auto& item : stmt.order_by) {
        const ParsedExpr& e = *item.expr;
        int index = -1;
        if (e.kind == ExprKind::kConstant && e.value.type().id() == TypeId::kInteger) {
            int64_t n = e.value.get_int64();
            if (n < 1 || n > static_cast<int64_t>(visible)) {
                throw Error(sql_state::kInvalidColumnReference, fmt::format("ORDER BY position {} is not in select list", n), e.position);
            }
            index = static_cast<int>(n - 1);
        } else if (e.kind == ExprKind::kColumnRef && e.names.size() == 1) {
            int matches = 0;
            for (size_t i = 0; i < visible; i++) {
                if (names[i] == e.names[0]) {
                    if (index < 0) index = static_cast<int>(i);
                    matches++;
                }
            }
            if (matches > 1) {
                // Same name twice: fine when both are the same expression, ambiguous otherwise.
                ExprPtr bound = bind_expression(e, ClauseKind::kOrderBy);
                index = -1;
                for (size_t i = 0; i < visible; i++) {
                    if (names[i] == e.names[0] && select_exprs[i]->equals(*bound)) index = static_cast<int>(i);
                }
                if (index < 0) {
                    throw Error(sql_state::kAmbiguousColumn, fmt::format("ORDER BY \"{}\" is ambiguous", e.names[0]), e.position);
                }
            }
        }
        if (index < 0) {
            ExprPtr bound = bind_expression(e, ClauseKind::kOrderBy);
            for (size_t i = 0; i < select_exprs.size(); i++) {
                if (select_exprs[i]->equals(*bound)) {
                    index = static_cast<int>(i);
                    break;
                }
            }
            if (index < 0) {
                if (stmt.distinct) {
                    throw Error(sql_state::kInvalidColumnReference,
                                "for SELECT DISTINCT, ORDER BY expressions must appear in select list", e.position);
                }
                select_exprs.push_back(std::move(bound));
                names.push_back("?order?");
                index = static_cast<int>(select_exprs.size() - 1);
            }
        }
        order_refs.push_back({static_cast<size_t>(index), item.descending, item.nulls_first.value_or(item.descending)});
    }

    // ---- aggregation ----
    bool aggregating = !aggregates_.empty() || !groups.empty() || having || has_grouping_sets || !grouping_functions_.empty();
    if (aggregating) {
        // Subqueries inside aggregate arguments read the rows being aggregated: join them in below the aggregate.
        std::vector<PendingSubquery> later;
        std::vector<PendingSubquery> below;
        for (auto& p : pending_subqueries_) (p.inside_aggregate ? below : later).push_back(std::move(p));
        pending_subqueries_ = std::move(below);
        plan_pending_subqueries(plan);
        pending_subqueries_ = std::move(later);
        for (auto& a : aggregates_) {
            for (auto& c : a.children) c = apply_subquery_replacements(std::move(c));
            if (a.filter) a.filter = apply_subquery_replacements(std::move(a.filter));
        }
        for (auto& e : select_exprs) {
            e = replace_groups(std::move(e), groups, group_index);
            check_grouped(*e, from_tables);
        }
        if (having) {
            having = replace_groups(std::move(having), groups, group_index);
            check_grouped(*having, from_tables);
        }
        for (auto& w : windows_) {
            auto fix = [&](ExprPtr& e) {
                e = replace_groups(std::move(e), groups, group_index);
                check_grouped(*e, from_tables);
            };
            for (auto& c : w.children) fix(c);
            if (w.filter) fix(w.filter);
            for (auto& p : w.partitions) fix(p);
            for (auto& o : w.orders) fix(o.expr);
        }
        auto aggregate = std::make_unique<LogicalAggregate>();
        aggregate->group_index = group_index;
        aggregate->aggregate_index = aggregate_index_;
        aggregate->grouping_index = grouping_index_;
        aggregate->groups = std::move(groups);
        aggregate->aggregates = std::move(aggregates_);
        aggregate->grouping_sets = std::move(grouping_sets);
        aggregate->grouping_functions = std::move(grouping_functions_);
        aggregate->children.push_back(std::move(plan));
        plan = std::move(aggregate);
        aggregates_.clear();
    }
    current_groups_ = nullptr;
    plan_pending_subqueries(plan);
    for (auto& e : select_exprs) e = apply_subquery_replacements(std::move(e));
    if (having) having = apply_subquery_replacements(std::move(having));
    for (auto& w : windows_) {
        for (auto& c : w.children) c = apply_subquery_replacements(std::move(c));
        if (w.filter) w.filter = apply_subquery_replacements(std::move(w.filter));
        for (auto& part : w.partitions) part = apply_subquery_replacements(std::move(part));
        for (auto& o : w.orders) o.expr = apply_subquery_replacements(std::move(o.expr));
    }
    if (having) {
        auto filter = std::make_unique<LogicalFilter>();
        split_conjunction(std::move(having), filter->expressions);
        filter->children.push_back(std::move(plan));
        plan = std::move(filter);
    }
    if (!windows_.empty()) {
        auto window = std::make_unique<LogicalWindow>();
        window->window_index = window_index_;
        window->windows = std::move(windows_);
        window->children.push_back(std::move(plan));
        plan = std::move(window);
        windows_.clear();
    }

    // ---- projection, DISTINCT, ORDER BY, LIMIT ----
    auto projection = std::make_unique<LogicalProjection>();
    projection->table_index = new_table_index();
    std::vector<LogicalType> types;
    std::vector<bool> unknown;
    for (auto& e : select_exprs) {
        unknown.push_back(e->unknown_literal);
        if (e->unknown_literal) e = cast_to(std::move(e), LogicalType::varchar());
        if (e->type.id() == TypeId::kNull) e = make_cast(std::move(e), LogicalType::varchar());
        types.push_back(e->type);
        projection->expressions.push_back(std::move(e));
    }
    projection->children.push_back(std::move(plan));
    plan = std::move(projection);
    if (stmt.distinct) {
        auto distinct = std::make_unique<LogicalAggregate>();
        distinct->group_index = new_table_index();
        distinct->aggregate_index = new_table_index();
        distinct->grouping_index = new_table_index();
        auto bindings = plan->bindings();
        for (size_t i = 0; i < bindings.size(); i++) distinct->groups.push_back(make_column_ref(bindings[i], types[i], names[i]));
        distinct->children.push_back(std::move(plan));
        plan = std::move(distinct);
    }
    if (!order_refs.empty()) {
        auto order = std::make_unique<LogicalOrder>();
        auto bindings = plan->bindings();
        for (const auto& r : order_refs) {
            BoundOrder o;
            o.expr = make_column_ref(bindings[r.column], types[r.column], names[r.column]);
            o.descending = r.descending;
            o.nulls_first = r.nulls_first;
            order->orders.push_back(std::move(o));
        }
        order->children.push_back(std::move(plan));
        plan = std::move(order);
    }
    if (stmt.limit || stmt.offset) {
        auto limit = std::make_unique<LogicalLimit>();
        bind_limit(*this, stmt, *limit);
        limit->children.push_back(std::move(plan));
        plan = std::move(limit);
    }
    if (select_exprs.size() > visible) {
        // Drop the hidden ORDER BY columns.
        auto final_projection = std::make_unique<LogicalProjection>();
        final_projection->table_index = new_table_index();
        auto bindings = plan->bindings();
        for (size_t i = 0; i < visible; i++) final_projection->expressions.push_back(make_column_ref(bindings[i], types[i], names[i]));
        final_projection->children.push_back(std::move(plan));
        plan = std::move(final_projection);
        types.resize(visible);
        names.resize(visible);
    }
    BoundQuery q;
    q.plan = std::move(plan);
    q.names = std::move(names);
    q.types = std::move(types);
    unknown.resize(q.types.size());
    q.unknown = std::move(unknown);
    return q;
}

}  // namespace basalt

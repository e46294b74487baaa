// UPDATE, DELETE and MERGE: each becomes a query over the target table (joined with FROM / USING, filtered by WHERE)
// that returns the row ids to change, the old row and the new values; the Connection applies them.
#include "common/error.hpp"
#include "parser/transform_internal.hpp"

namespace basalt::detail {

namespace {

ParsedExprPtr column_ref(std::vector<std::string> names, int position) {
    auto e = std::make_unique<ParsedExpr>(ExprKind::kColumnRef, position);
    e->names = std::move(names);
    return e;
}

// The table a DML statement changes, as a FROM item; fills the statement's target and target alias.
std::unique_ptr<TableRef> transform_target(TransformContext& ctx, const PgQuery__RangeVar* relation, Statement& s) {
    PgQuery__Node wrapper = PG_QUERY__NODE__INIT;
    wrapper.node_case = PG_QUERY__NODE__NODE_RANGE_VAR;
    wrapper.range_var = const_cast<PgQuery__RangeVar*>(relation);
    auto target = transform_table_ref(ctx, &wrapper);
    s.target.schema = target->schema;
    s.target.name = target->name;
    s.target.position = target->position;
    s.target_alias = target->alias.empty() ? target->name : target->alias;
    return target;
}

// A select over the target that starts with target.ctid, target.* (the row id and the old row).
std::unique_ptr<SelectStmt> select_target_rows(const Statement& s) {
    auto select = std::make_unique<SelectStmt>();
    select->position = s.target.position;
    select->targets.push_back(column_ref({s.target_alias, "ctid"}, s.target.position));
    select->target_names.push_back("ctid");
    auto star = std::make_unique<ParsedExpr>(ExprKind::kStar, s.target.position);
    star->names = {s.target_alias};
    select->targets.push_back(std::move(star));
    select->target_names.push_back("");
    return select;
}

// The query part shared by UPDATE and DELETE: FROM target [, more...] WHERE ..., selecting target.ctid, target.*.
std::unique_ptr<Statement> start_dml(TransformContext& ctx, StatementKind kind, const PgQuery__RangeVar* relation,
                                     PgQuery__Node** from, size_t n_from, const PgQuery__Node* where,
                                     const PgQuery__WithClause* with) {
    auto s = std::make_unique<Statement>();
    s->kind = kind;
    if (with) unsupported(kind == StatementKind::kUpdate ? "WITH before UPDATE" : "WITH before DELETE", 0);
    if (!relation->inh) unsupported("ONLY", pos(relation->location));
    auto target = transform_target(ctx, relation, *s);
    auto select = select_target_rows(*s);
    select->from.push_back(std::move(target));
    for (size_t i = 0; i < n_from; i++) select->from.push_back(transform_table_ref(ctx, from[i]));
    if (where) select->where = transform_expr(ctx, where);
    s->select = std::move(select);
    return s;
}

void add_returning(TransformContext& ctx, Statement& s, PgQuery__Node** items, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const PgQuery__ResTarget* t = items[i]->res_target;
        auto e = transform_expr(ctx, t->val);
        if (e->position == 0) e->position = pos(t->location);
        s.select->targets.push_back(std::move(e));
        s.select->target_names.push_back(t->name ? t->name : "");
    }
    s.returning_count = n;
}

}  // namespace

const PgQuery__ResTarget* assignment_target(const PgQuery__Node* node) {
    const PgQuery__ResTarget* t = node->res_target;
    if (t->n_indirection > 0) unsupported("assignment to a part of a column", pos(t->location));
    if (t->val && t->val->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF) {
        unsupported("SET (a, b) = (...); write one assignment per column", pos(t->location));
    }
    return t;
}

std::unique_ptr<Statement> transform_update(TransformContext& ctx, const PgQuery__UpdateStmt* u) {
    auto s = start_dml(ctx, StatementKind::kUpdate, u->relation, u->from_clause, u->n_from_clause, u->where_clause,
                       u->with_clause);
    for (size_t i = 0; i < u->n_target_list; i++) {
        const PgQuery__ResTarget* t = assignment_target(u->target_list[i]);
        s->columns.push_back(t->name);
        if (t->val && t->val->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT) {
            s->set_default.push_back(true);
            s->select->targets.push_back(std::make_unique<ParsedExpr>(ExprKind::kConstant, pos(t->location)));
        } else {
            s->set_default.push_back(false);
            auto e = transform_expr(ctx, t->val);
            if (e->position == 0) e->position = pos(t->location);
            s->select->targets.push_back(std::move(e));
        }
        s->select->target_names.push_back(t->name);
    }
    if (u->n_returning_list) unsupported("UPDATE ... RETURNING", s->target.position);
    return s;
}

std::unique_ptr<Statement> transform_merge(TransformContext& ctx, const PgQuery__MergeStmt* m) {
    auto s = std::make_unique<Statement>();
    s->kind = StatementKind::kMerge;
    if (m->with_clause) unsupported("WITH before MERGE", 0);
    auto join = std::make_unique<TableRef>();
    join->kind = TableRefKind::kJoin;
    join->join_kind = JoinKind::kLeft;
    join->right = transform_target(ctx, m->relation, *s);
    join->position = s->target.position;
    join->left = transform_table_ref(ctx, m->source_relation);
    join->condition = transform_expr(ctx, m->join_condition);
    auto select = select_target_rows(*s);
    select->from.push_back(std::move(join));
    auto add = [&](ParsedExprPtr e, const std::string& name) {
        select->targets.push_back(std::move(e));
        select->target_names.push_back(name);
    };
    for (size_t i = 0; i < m->n_merge_when_clauses; i++) {
        const PgQuery__MergeWhenClause* w = m->merge_when_clauses[i]->merge_when_clause;
        MergeClause clause;
        clause.matched = w->matched;
        switch (w->command_type) {
            case PG_QUERY__CMD_TYPE__CMD_UPDATE: clause.action = MergeClause::Action::kUpdate; break;
            case PG_QUERY__CMD_TYPE__CMD_DELETE: clause.action = MergeClause::Action::kDelete; break;
            case PG_QUERY__CMD_TYPE__CMD_INSERT: clause.action = MergeClause::Action::kInsert; break;
            default: clause.action = MergeClause::Action::kNothing; break;
        }
        clause.condition_column = select->targets.size();
        if (w->condition) {
            add(transform_expr(ctx, w->condition), "");
        } else {
            auto yes = std::make_unique<ParsedExpr>(ExprKind::kConstant, 0);
            yes->value = Value::boolean(true);
            add(std::move(yes), "");
        }
        clause.first_value_column = select->targets.size();
        auto add_value = [&](const PgQuery__Node* v, int position) {
            bool is_default = v && v->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT;
            clause.is_default.push_back(is_default);
            if (is_default) {
                add(std::make_unique<ParsedExpr>(ExprKind::kConstant, position), "");
            } else {
                auto e = transform_expr(ctx, v);
                if (e->position == 0) e->position = position;
                add(std::move(e), "");
            }
        };
        if (clause.action == MergeClause::Action::kUpdate) {
            for (size_t k = 0; k < w->n_target_list; k++) {
                const PgQuery__ResTarget* t = assignment_target(w->target_list[k]);
                clause.columns.push_back(t->name);
                add_value(t->val, pos(t->location));
            }
        } else if (clause.action == MergeClause::Action::kInsert) {
            for (size_t k = 0; k < w->n_target_list; k++) clause.columns.push_back(w->target_list[k]->res_target->name);
            clause.default_values = w->n_values == 0;
            for (size_t k = 0; k < w->n_values; k++) add_value(w->values[k], 0);
        }
        clause.value_count = select->targets.size() - clause.first_value_column;
        s->merge_clauses.push_back(std::move(clause));
    }
    s->select = std::move(select);
    return s;
}

std::unique_ptr<Statement> transform_delete(TransformContext& ctx, const PgQuery__DeleteStmt* d) {
    auto s = start_dml(ctx, StatementKind::kDelete, d->relation, d->using_clause, d->n_using_clause, d->where_clause,
                       d->with_clause);
    add_returning(ctx, *s, d->returning_list, d->n_returning_list);
    return s;
}

}  // namespace basalt::detail

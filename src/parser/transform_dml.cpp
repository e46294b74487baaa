// UPDATE and DELETE: each becomes a query over the target table (joined with FROM / USING, filtered by WHERE)
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

// The query part shared by UPDATE and DELETE: FROM target [, more...] WHERE ..., selecting target.ctid, target.*.
std::unique_ptr<Statement> start_dml(TransformContext& ctx, StatementKind kind, const PgQuery__RangeVar* relation,
                                     PgQuery__Node** from, size_t n_from, const PgQuery__Node* where,
                                     const PgQuery__WithClause* with) {
    auto s = std::make_unique<Statement>();
    s->kind = kind;
    if (with) unsupported(kind == StatementKind::kUpdate ? "WITH before UPDATE" : "WITH before DELETE", 0);
    if (!relation->inh) unsupported("ONLY", pos(relation->location));
    PgQuery__Node wrapper = PG_QUERY__NODE__INIT;
    wrapper.node_case = PG_QUERY__NODE__NODE_RANGE_VAR;
    wrapper.range_var = const_cast<PgQuery__RangeVar*>(relation);
    auto target = transform_table_ref(ctx, &wrapper);
    s->target.schema = target->schema;
    s->target.name = target->name;
    s->target.position = target->position;
    s->target_alias = target->alias.empty() ? target->name : target->alias;
    auto select = std::make_unique<SelectStmt>();
    select->position = target->position;
    select->from.push_back(std::move(target));
    for (size_t i = 0; i < n_from; i++) select->from.push_back(transform_table_ref(ctx, from[i]));
    if (where) select->where = transform_expr(ctx, where);
    select->targets.push_back(column_ref({s->target_alias, "ctid"}, s->target.position));
    select->target_names.push_back("ctid");
    auto star = std::make_unique<ParsedExpr>(ExprKind::kStar, s->target.position);
    star->names = {s->target_alias};
    select->targets.push_back(std::move(star));
    select->target_names.push_back("");
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

std::unique_ptr<Statement> transform_update(TransformContext& ctx, const PgQuery__UpdateStmt* u) {
    auto s = start_dml(ctx, StatementKind::kUpdate, u->relation, u->from_clause, u->n_from_clause, u->where_clause,
                       u->with_clause);
    for (size_t i = 0; i < u->n_target_list; i++) {
        const PgQuery__ResTarget* t = u->target_list[i]->res_target;
        if (t->n_indirection > 0) unsupported("assignment to a part of a column", pos(t->location));
        if (t->val && t->val->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF) {
            unsupported("SET (a, b) = (...); write one assignment per column", pos(t->location));
        }
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

std::unique_ptr<Statement> transform_delete(TransformContext& ctx, const PgQuery__DeleteStmt* d) {
    auto s = start_dml(ctx, StatementKind::kDelete, d->relation, d->using_clause, d->n_using_clause, d->where_clause,
                       d->with_clause);
    add_returning(ctx, *s, d->returning_list, d->n_returning_list);
    return s;
}

}  // namespace basalt::detail

// SELECT (with set operations, CTEs, VALUES) and FROM items: libpg_query nodes to SelectStmt / TableRef.
#include "common/error.hpp"
#include "parser/transform_internal.hpp"

namespace basalt::detail {

namespace {

void apply_alias(TableRef& ref, const PgQuery__Alias* alias) {
    if (!alias) return;
    ref.alias = alias->aliasname;
    for (size_t i = 0; i < alias->n_colnames; i++) ref.column_aliases.push_back(node_string(alias->colnames[i]));
}

std::unique_ptr<TableRef> transform_join(TransformContext& ctx, const PgQuery__JoinExpr* j) {
    auto ref = std::make_unique<TableRef>();
    ref->kind = TableRefKind::kJoin;
    switch (j->jointype) {
        case PG_QUERY__JOIN_TYPE__JOIN_INNER: ref->join_kind = JoinKind::kInner; break;
        case PG_QUERY__JOIN_TYPE__JOIN_LEFT: ref->join_kind = JoinKind::kLeft; break;
        case PG_QUERY__JOIN_TYPE__JOIN_RIGHT: ref->join_kind = JoinKind::kRight; break;
        case PG_QUERY__JOIN_TYPE__JOIN_FULL: ref->join_kind = JoinKind::kFull; break;
        default: unsupported("this join type", 0);
    }
    ref->natural = j->is_natural;
    ref->left = transform_table_ref(ctx, j->larg);
    ref->right = transform_table_ref(ctx, j->rarg);
    if (j->quals) ref->condition = transform_expr(ctx, j->quals);
    for (size_t i = 0; i < j->n_using_clause; i++) ref->using_columns.push_back(node_string(j->using_clause[i]));
    // A plain comma-less "a JOIN b" without ON/USING/NATURAL is CROSS JOIN in the grammar (INNER, no quals).
    if (ref->join_kind == JoinKind::kInner && !j->quals && j->n_using_clause == 0 && !j->is_natural) {
        ref->join_kind = JoinKind::kCross;
    }
    if (j->alias) apply_alias(*ref, j->alias);
    return ref;
}

}  // namespace

std::unique_ptr<TableRef> transform_table_ref(TransformContext& ctx, const PgQuery__Node* node) {
    DepthGuard guard(ctx.depth);
    switch (node->node_case) {
        case PG_QUERY__NODE__NODE_RANGE_VAR: {
            const PgQuery__RangeVar* r = node->range_var;
            auto ref = std::make_unique<TableRef>();
            ref->kind = TableRefKind::kBaseTable;
            ref->position = pos(r->location);
            if (r->schemaname && *r->schemaname) ref->schema = r->schemaname;
            ref->name = r->relname;
            apply_alias(*ref, r->alias);
            return ref;
        }
        case PG_QUERY__NODE__NODE_RANGE_SUBSELECT: {
            const PgQuery__RangeSubselect* s = node->range_subselect;
            if (s->lateral) unsupported("LATERAL", 0);
            auto ref = std::make_unique<TableRef>();
            ref->kind = TableRefKind::kSubquery;
            ref->subquery = transform_select_node(ctx, s->subquery);
            apply_alias(*ref, s->alias);
            return ref;
        }
        case PG_QUERY__NODE__NODE_JOIN_EXPR: return transform_join(ctx, node->join_expr);
        case PG_QUERY__NODE__NODE_RANGE_FUNCTION: {
            const PgQuery__RangeFunction* f = node->range_function;
            if (f->lateral) unsupported("LATERAL", 0);
            if (f->ordinality) unsupported("WITH ORDINALITY", 0);
            if (f->n_functions != 1) unsupported("ROWS FROM", 0);
            // functions[0] is a two-item list: the call and its column definitions.
            const PgQuery__Node* call = f->functions[0]->list->items[0];
            if (call->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) unsupported("this table function form", 0);
            ParsedExprPtr e = transform_expr(ctx, call);
            auto ref = std::make_unique<TableRef>();
            ref->kind = TableRefKind::kFunction;
            ref->position = e->position;
            ref->name = e->names.back();
            ref->function_args = std::move(e->children);
            ref->function_arg_names = std::move(e->arg_names);
            apply_alias(*ref, f->alias);
            return ref;
        }
        default: break;
    }
    unsupported("this FROM item", 0);
}

namespace {

void transform_group_item(TransformContext& ctx, const PgQuery__Node* node, std::vector<GroupByItem>& out) {
    if (node->node_case == PG_QUERY__NODE__NODE_GROUPING_SET) {
        const PgQuery__GroupingSet* g = node->grouping_set;
        GroupByItem item;
        switch (g->kind) {
            case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_EMPTY: item.kind = GroupingKind::kEmpty; break;
            case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_ROLLUP: item.kind = GroupingKind::kRollup; break;
            case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_CUBE: item.kind = GroupingKind::kCube; break;
            case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_SETS: item.kind = GroupingKind::kSets; break;
            case PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_SIMPLE: item.kind = GroupingKind::kSets; break;
            default: unsupported("this grouping set", pos(g->location));
        }
        for (size_t i = 0; i < g->n_content; i++) {
            const PgQuery__Node* c = g->content[i];
            if (c->node_case == PG_QUERY__NODE__NODE_LIST || c->node_case == PG_QUERY__NODE__NODE_ROW_EXPR) {
                // (a, b) inside ROLLUP/CUBE/SETS: one composite element
                GroupByItem composite;
                composite.kind = GroupingKind::kSets;
                size_t n = c->node_case == PG_QUERY__NODE__NODE_LIST ? c->list->n_items : c->row_expr->n_args;
                PgQuery__Node** items = c->node_case == PG_QUERY__NODE__NODE_LIST ? c->list->items : c->row_expr->args;
                for (size_t k = 0; k < n; k++) transform_group_item(ctx, items[k], composite.items);
                GroupByItem wrapper;
                wrapper.kind = GroupingKind::kSets;
                wrapper.items.push_back(std::move(composite));
                item.items.push_back(std::move(wrapper));
            } else {
                transform_group_item(ctx, c, item.items);
            }
        }
        out.push_back(std::move(item));
        return;
    }
    if (node->node_case == PG_QUERY__NODE__NODE_ROW_EXPR) {
        // GROUP BY (a, b) groups by a and b
        for (size_t k = 0; k < node->row_expr->n_args; k++) transform_group_item(ctx, node->row_expr->args[k], out);
        return;
    }
    GroupByItem item;
    item.kind = GroupingKind::kExpr;
    item.expr = transform_expr(ctx, node);
    out.push_back(std::move(item));
}

std::shared_ptr<WithClause> transform_with(TransformContext& ctx, const PgQuery__WithClause* w) {
    auto with = std::make_shared<WithClause>();
    with->recursive = w->recursive;
    for (size_t i = 0; i < w->n_ctes; i++) {
        const PgQuery__CommonTableExpr* c = w->ctes[i]->common_table_expr;
        CommonTableExpr cte;
        cte.name = c->ctename;
        cte.position = pos(c->location);
        for (size_t k = 0; k < c->n_aliascolnames; k++) cte.column_aliases.push_back(node_string(c->aliascolnames[k]));
        if (c->search_clause || c->cycle_clause) unsupported("SEARCH/CYCLE clauses", cte.position);
        cte.query = transform_select_node(ctx, c->ctequery);
        with->ctes.push_back(std::move(cte));
    }
    return with;
}

}  // namespace

std::unique_ptr<SelectStmt> transform_select_node(TransformContext& ctx, const PgQuery__Node* node) {
    if (!node || node->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
        unsupported("this statement as a subquery (only SELECT)", 0);
    }
    return transform_select(ctx, node->select_stmt);
}

std::unique_ptr<SelectStmt> transform_select(TransformContext& ctx, const PgQuery__SelectStmt* s) {
    DepthGuard guard(ctx.depth);
    auto out = std::make_unique<SelectStmt>();
    if (s->with_clause) out->with = transform_with(ctx, s->with_clause);
    if (s->into_clause) unsupported("SELECT INTO", 0);
    if (s->n_locking_clause) unsupported("FOR UPDATE/SHARE", 0);
    if (s->op != PG_QUERY__SET_OPERATION__SETOP_NONE && s->op != PG_QUERY__SET_OPERATION__SET_OPERATION_UNDEFINED) {
        out->set_op = s->op == PG_QUERY__SET_OPERATION__SETOP_UNION       ? SetOpKind::kUnion
                      : s->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? SetOpKind::kIntersect
                                                                          : SetOpKind::kExcept;
        out->set_all = s->all;
        out->left = transform_select(ctx, s->larg);
        out->right = transform_select(ctx, s->rarg);
    } else if (s->n_values_lists > 0) {
        for (size_t i = 0; i < s->n_values_lists; i++) {
            const PgQuery__List* row = s->values_lists[i]->list;
            std::vector<ParsedExprPtr> values;
            for (size_t k = 0; k < row->n_items; k++) values.push_back(transform_expr(ctx, row->items[k]));
            out->values.push_back(std::move(values));
        }
    } else {
        if (s->n_distinct_clause > 0) {
            out->distinct = true;
            for (size_t i = 0; i < s->n_distinct_clause; i++) {
                // DISTINCT alone is a one-item list holding an empty node.
                if (s->distinct_clause[i] && s->distinct_clause[i]->node_case != PG_QUERY__NODE__NODE__NOT_SET) {
                    out->distinct_on.push_back(transform_expr(ctx, s->distinct_clause[i]));
                }
            }
        }
        for (size_t i = 0; i < s->n_target_list; i++) {
            const PgQuery__ResTarget* t = s->target_list[i]->res_target;
            if (t->n_indirection > 0) unsupported("target indirection", pos(t->location));
            auto e = transform_expr(ctx, t->val);
            if (e->position == 0) e->position = pos(t->location);
            out->targets.push_back(std::move(e));
            out->target_names.push_back(t->name ? t->name : "");
        }
        for (size_t i = 0; i < s->n_from_clause; i++) out->from.push_back(transform_table_ref(ctx, s->from_clause[i]));
        if (s->where_clause) out->where = transform_expr(ctx, s->where_clause);
        if (s->group_distinct) unsupported("GROUP BY DISTINCT", 0);
        for (size_t i = 0; i < s->n_group_clause; i++) transform_group_item(ctx, s->group_clause[i], out->group_by);
        if (s->having_clause) out->having = transform_expr(ctx, s->having_clause);
        for (size_t i = 0; i < s->n_window_clause; i++) {
            out->windows.push_back(transform_window(ctx, s->window_clause[i]->window_def));
        }
    }
    out->order_by = transform_order_by(ctx, s->sort_clause, s->n_sort_clause);
    if (s->limit_option == PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_WITH_TIES) unsupported("FETCH ... WITH TIES", 0);
    if (s->limit_count) {
        // LIMIT ALL arrives as a NULL constant.
        out->limit = transform_expr(ctx, s->limit_count);
    }
    if (s->limit_offset) out->offset = transform_expr(ctx, s->limit_offset);
    return out;
}

}  // namespace basalt::detail

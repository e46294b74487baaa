// Expressions: libpg_query nodes (A_Expr, FuncCall, SubLink, ...) to ParsedExpr.
#include <fmt/format.h>

#include "common/error.hpp"
#include "parser/transform_internal.hpp"
#include "types/decimal.hpp"

namespace basalt::detail {

namespace {

constexpr int kMaxDepth = 1000;

ParsedExprPtr make(ExprKind kind, int position) { return std::make_unique<ParsedExpr>(kind, position); }

ParsedExprPtr transform_constant(const PgQuery__AConst* c) {
    auto e = make(ExprKind::kConstant, pos(c->location));
    if (c->isnull) {
        e->value = Value();
        return e;
    }
    switch (c->val_case) {
        case PG_QUERY__A__CONST__VAL_IVAL: e->value = Value::integer(c->ival->ival); break;
        case PG_QUERY__A__CONST__VAL_FVAL: {
            // Numeric literals too large for INTEGER arrive as strings: BIGINT if they fit, else DECIMAL, else
            // DOUBLE (PostgreSQL makes them numeric; we keep exactness up to 38 digits).
            std::string text = c->fval->fval;
            bool integral = text.find_first_of(".eE") == std::string::npos;
            if (integral) {
                errno = 0;
                char* end;
                long long v = std::strtoll(text.c_str(), &end, 10);
                if (errno == 0 && *end == 0) {
                    // -2147483648 arrives as a negated string; PostgreSQL still types it integer.
                    e->value = v >= INT32_MIN && v <= INT32_MAX ? Value::integer(static_cast<int32_t>(v)) : Value::bigint(v);
                    break;
                }
            }
            int128_t scaled;
            int scale, precision;
            if (try_parse_decimal_literal(text, scaled, scale, precision)) {
                e->value = Value::decimal(scaled, precision, scale);
            } else {
                e->value = Value::double_value(std::strtod(text.c_str(), nullptr));
            }
            break;
        }
        case PG_QUERY__A__CONST__VAL_BOOLVAL: e->value = Value::boolean(c->boolval->boolval); break;
        case PG_QUERY__A__CONST__VAL_SVAL:
            e->value = Value::varchar(c->sval->sval);
            e->op = "unknown";  // an untyped string literal: its type comes from context, as in PostgreSQL
            break;
        case PG_QUERY__A__CONST__VAL_BSVAL: unsupported("bit string literals", pos(c->location));
        default: e->value = Value(); break;
    }
    return e;
}

std::vector<std::string> name_list(PgQuery__Node** items, size_t n) {
    std::vector<std::string> out;
    for (size_t i = 0; i < n; i++) out.push_back(node_string(items[i]));
    return out;
}

ParsedExprPtr transform_a_expr(TransformContext& ctx, const PgQuery__AExpr* a) {
    int position = pos(a->location);
    std::string op = a->n_name > 0 ? node_string(a->name[a->n_name - 1]) : "";
    switch (a->kind) {
        case PG_QUERY__A__EXPR__KIND__AEXPR_OP: {
            auto e = make(ExprKind::kOperator, position);
            e->op = op;
            if (a->lexpr) e->children.push_back(transform_expr(ctx, a->lexpr));
            e->children.push_back(transform_expr(ctx, a->rexpr));
            return e;
        }
        case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
        case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL:
            unsupported("ANY/ALL over arrays", position);
        case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
        case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT: {
            auto e = make(ExprKind::kDistinctFrom, position);
            e->negated = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT;
            e->children.push_back(transform_expr(ctx, a->lexpr));
            e->children.push_back(transform_expr(ctx, a->rexpr));
            return e;
        }
        case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF: {
            auto e = make(ExprKind::kNullIf, position);
            e->children.push_back(transform_expr(ctx, a->lexpr));
            e->children.push_back(transform_expr(ctx, a->rexpr));
            return e;
        }
        case PG_QUERY__A__EXPR__KIND__AEXPR_IN: {
            auto e = make(ExprKind::kInList, position);
            e->negated = op == "<>";
            e->children.push_back(transform_expr(ctx, a->lexpr));
            const PgQuery__Node* list = a->rexpr;
            if (list->node_case == PG_QUERY__NODE__NODE_LIST) {
                for (size_t i = 0; i < list->list->n_items; i++) e->children.push_back(transform_expr(ctx, list->list->items[i]));
            } else {
                e->children.push_back(transform_expr(ctx, list));
            }
            return e;
        }
        case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
        case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE:
        case PG_QUERY__A__EXPR__KIND__AEXPR_SIMILAR: {
            auto e = make(ExprKind::kLike, position);
            e->op = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_LIKE    ? "like"
                    : a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE ? "ilike"
                                                                      : "similar";
            e->negated = op == "!~~" || op == "!~~*" || op == "!~";
            e->children.push_back(transform_expr(ctx, a->lexpr));
            const PgQuery__Node* pattern = a->rexpr;
            // SIMILAR TO arrives as pattern = similar_to_escape(pattern[, escape]).
            if (e->op == "similar" && pattern->node_case == PG_QUERY__NODE__NODE_FUNC_CALL) {
                const PgQuery__FuncCall* f = pattern->func_call;
                for (size_t i = 0; i < f->n_args; i++) e->children.push_back(transform_expr(ctx, f->args[i]));
            } else if (pattern->node_case == PG_QUERY__NODE__NODE_FUNC_CALL &&
                       node_string(pattern->func_call->funcname[pattern->func_call->n_funcname - 1]) == "like_escape") {
                const PgQuery__FuncCall* f = pattern->func_call;
                for (size_t i = 0; i < f->n_args; i++) e->children.push_back(transform_expr(ctx, f->args[i]));
            } else {
                e->children.push_back(transform_expr(ctx, pattern));
            }
            return e;
        }
        case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
        case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN:
        case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM:
        case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM: {
            auto e = make(ExprKind::kBetween, position);
            e->negated = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN ||
                         a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM;
            e->symmetric = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM ||
                           a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM;
            e->children.push_back(transform_expr(ctx, a->lexpr));
            const PgQuery__List* bounds = a->rexpr->list;
            e->children.push_back(transform_expr(ctx, bounds->items[0]));
            e->children.push_back(transform_expr(ctx, bounds->items[1]));
            return e;
        }
        default: break;
    }
    unsupported("this kind of expression", position);
}

ParsedExprPtr transform_func_call(TransformContext& ctx, const PgQuery__FuncCall* f) {
    auto e = make(ExprKind::kFunction, pos(f->location));
    e->names = name_list(f->funcname, f->n_funcname);
    if (e->names.size() > 1 && e->names[0] == "pg_catalog") e->names.erase(e->names.begin());
    for (size_t i = 0; i < f->n_args; i++) {
        const PgQuery__Node* arg = f->args[i];
        if (arg->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR) {
            e->children.push_back(transform_expr(ctx, arg->named_arg_expr->arg));
            e->arg_names.push_back(arg->named_arg_expr->name);
        } else {
            e->children.push_back(transform_expr(ctx, arg));
            e->arg_names.push_back("");
        }
    }
    e->star = f->agg_star;
    e->distinct = f->agg_distinct;
    e->within_group = f->agg_within_group;
    if (f->n_agg_order > 0) e->agg_order = transform_order_by(ctx, f->agg_order, f->n_agg_order);
    if (f->agg_filter) e->filter = transform_expr(ctx, f->agg_filter);
    if (f->over) e->over = transform_window(ctx, f->over);
    if (f->func_variadic) unsupported("VARIADIC arguments", e->position);
    return e;
}

ParsedExprPtr transform_sublink(TransformContext& ctx, const PgQuery__SubLink* s) {
    auto e = make(ExprKind::kSubquery, pos(s->location));
    e->subquery = transform_select_node(ctx, s->subselect);
    switch (s->sub_link_type) {
        case PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK: e->subquery_kind = SubqueryKind::kExists; break;
        case PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK: e->subquery_kind = SubqueryKind::kScalar; break;
        case PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK:
        case PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK:
            e->subquery_kind = s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK ? SubqueryKind::kAny
                                                                                          : SubqueryKind::kAll;
            e->op = s->n_oper_name > 0 ? node_string(s->oper_name[s->n_oper_name - 1]) : "=";  // IN is = ANY
            e->children.push_back(transform_expr(ctx, s->testexpr));
            break;
        case PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK: unsupported("ARRAY(subquery)", e->position);
        default: unsupported("this kind of subquery", e->position);
    }
    return e;
}

}  // namespace

DepthGuard::DepthGuard(int& depth) : depth_(depth) {
    if (++depth_ > kMaxDepth) {
        depth_--;
        throw Error(sql_state::kStatementTooComplex, "statement is too deeply nested");
    }
}

int pos(int32_t location) { return location < 0 ? 0 : location + 1; }

std::string node_string(const PgQuery__Node* node) {
    if (node && node->node_case == PG_QUERY__NODE__NODE_STRING) return node->string->sval;
    if (node && node->node_case == PG_QUERY__NODE__NODE_A_STAR) return "*";
    return "";
}

void unsupported(const std::string& what, int position) {
    throw Error(sql_state::kFeatureNotSupported, what + " is not supported", position);
}

TypeNameAst transform_type_name(TransformContext& ctx, const PgQuery__TypeName* type) {
    TypeNameAst out;
    out.position = pos(type->location);
    if (type->n_names > 0) out.name = node_string(type->names[type->n_names - 1]);
    if (type->n_array_bounds > 0) unsupported("array types", out.position);
    if (type->pct_type) unsupported("%TYPE", out.position);
    for (size_t i = 0; i < type->n_typmods; i++) {
        const PgQuery__Node* m = type->typmods[i];
        if (m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
            out.modifiers.push_back(m->a_const->ival->ival);
        } else {
            throw Error(sql_state::kSyntaxError, "type modifiers must be simple constants", out.position);
        }
    }
    return out;
}

std::vector<OrderByItem> transform_order_by(TransformContext& ctx, PgQuery__Node** items, size_t n) {
    std::vector<OrderByItem> out;
    for (size_t i = 0; i < n; i++) {
        const PgQuery__SortBy* s = items[i]->sort_by;
        OrderByItem item;
        item.expr = transform_expr(ctx, s->node);
        if (s->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING) unsupported("ORDER BY USING", pos(s->location));
        item.descending = s->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
        if (s->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST) item.nulls_first = true;
        if (s->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST) item.nulls_first = false;
        out.push_back(std::move(item));
    }
    return out;
}

std::unique_ptr<WindowSpec> transform_window(TransformContext& ctx, const PgQuery__WindowDef* def) {
    // Frame option bits of PostgreSQL's parsenodes.h.
    constexpr int kRange = 0x2, kRows = 0x4, kGroups = 0x8;
    constexpr int kStartUnboundedPreceding = 0x20, kStartUnboundedFollowing = 0x80;
    constexpr int kEndUnboundedPreceding = 0x40, kEndUnboundedFollowing = 0x100;
    constexpr int kStartCurrentRow = 0x200, kEndCurrentRow = 0x400;
    constexpr int kStartOffsetPreceding = 0x800, kEndOffsetPreceding = 0x1000;
    constexpr int kStartOffsetFollowing = 0x2000, kEndOffsetFollowing = 0x4000;
    constexpr int kExclusions = 0x8000 | 0x10000 | 0x20000;
    auto w = std::make_unique<WindowSpec>();
    w->position = pos(def->location);
    if (def->name) w->name = def->name;
    if (def->refname) w->ref_name = def->refname;
    for (size_t i = 0; i < def->n_partition_clause; i++) w->partition_by.push_back(transform_expr(ctx, def->partition_clause[i]));
    w->order_by = transform_order_by(ctx, def->order_clause, def->n_order_clause);
    int f = def->frame_options;
    if (f & 1) {  // FRAMEOPTION_NONDEFAULT
        if (f & kGroups) unsupported("GROUPS frames", w->position);
        if (f & kExclusions) unsupported("frame EXCLUDE clauses", w->position);
        w->has_frame = true;
        w->rows = (f & kRows) != 0;
        (void)kRange;
        if (f & kStartUnboundedPreceding) w->start = FrameBoundKind::kUnboundedPreceding;
        else if (f & kStartCurrentRow) w->start = FrameBoundKind::kCurrentRow;
        else if (f & kStartOffsetPreceding) w->start = FrameBoundKind::kPreceding;
        else if (f & kStartOffsetFollowing) w->start = FrameBoundKind::kFollowing;
        else if (f & kStartUnboundedFollowing) w->start = FrameBoundKind::kUnboundedFollowing;
        if (f & kEndUnboundedFollowing) w->end = FrameBoundKind::kUnboundedFollowing;
        else if (f & kEndCurrentRow) w->end = FrameBoundKind::kCurrentRow;
        else if (f & kEndOffsetPreceding) w->end = FrameBoundKind::kPreceding;
        else if (f & kEndOffsetFollowing) w->end = FrameBoundKind::kFollowing;
        else if (f & kEndUnboundedPreceding) w->end = FrameBoundKind::kUnboundedPreceding;
        if (def->start_offset) w->start_offset = transform_expr(ctx, def->start_offset);
        if (def->end_offset) w->end_offset = transform_expr(ctx, def->end_offset);
    }
    return w;
}

ParsedExprPtr transform_expr(TransformContext& ctx, const PgQuery__Node* node) {
    DepthGuard guard(ctx.depth);
    if (!node) throw Error(sql_state::kSyntaxError, "missing expression");
    switch (node->node_case) {
        case PG_QUERY__NODE__NODE_A_CONST: return transform_constant(node->a_const);
        case PG_QUERY__NODE__NODE_COLUMN_REF: {
            const PgQuery__ColumnRef* c = node->column_ref;
            auto e = make(ExprKind::kColumnRef, pos(c->location));
            e->names = name_list(c->fields, c->n_fields);
            if (!e->names.empty() && e->names.back() == "*") {
                e->kind = ExprKind::kStar;
                e->names.pop_back();
            }
            return e;
        }
        case PG_QUERY__NODE__NODE_PARAM_REF: {
            auto e = make(ExprKind::kParameter, pos(node->param_ref->location));
            e->value = Value::integer(node->param_ref->number);
            return e;
        }
        case PG_QUERY__NODE__NODE_A_EXPR: return transform_a_expr(ctx, node->a_expr);
        case PG_QUERY__NODE__NODE_BOOL_EXPR: {
            const PgQuery__BoolExpr* b = node->bool_expr;
            ExprKind kind = b->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR  ? ExprKind::kAnd
                            : b->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR ? ExprKind::kOr
                                                                             : ExprKind::kNot;
            auto e = make(kind, pos(b->location));
            for (size_t i = 0; i < b->n_args; i++) e->children.push_back(transform_expr(ctx, b->args[i]));
            return e;
        }
        case PG_QUERY__NODE__NODE_FUNC_CALL: return transform_func_call(ctx, node->func_call);
        case PG_QUERY__NODE__NODE_TYPE_CAST: {
            const PgQuery__TypeCast* t = node->type_cast;
            auto e = make(ExprKind::kCast, pos(t->location));
            e->children.push_back(transform_expr(ctx, t->arg));
            e->cast_type = transform_type_name(ctx, t->type_name);
            return e;
        }
        case PG_QUERY__NODE__NODE_CASE_EXPR: {
            const PgQuery__CaseExpr* c = node->case_expr;
            auto e = make(ExprKind::kCase, pos(c->location));
            if (c->arg) e->children.push_back(transform_expr(ctx, c->arg));
            for (size_t i = 0; i < c->n_args; i++) {
                const PgQuery__CaseWhen* w = c->args[i]->case_when;
                e->when_then.push_back({transform_expr(ctx, w->expr), transform_expr(ctx, w->result)});
            }
            if (c->defresult) e->else_expr = transform_expr(ctx, c->defresult);
            return e;
        }
        case PG_QUERY__NODE__NODE_SUB_LINK: return transform_sublink(ctx, node->sub_link);
        case PG_QUERY__NODE__NODE_NULL_TEST: {
            const PgQuery__NullTest* n = node->null_test;
            auto e = make(ExprKind::kIsNull, pos(n->location));
            e->negated = n->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL;
            e->children.push_back(transform_expr(ctx, n->arg));
            return e;
        }
        case PG_QUERY__NODE__NODE_BOOLEAN_TEST: {
            const PgQuery__BooleanTest* b = node->boolean_test;
            auto e = make(ExprKind::kBooleanTest, pos(b->location));
            e->children.push_back(transform_expr(ctx, b->arg));
            switch (b->booltesttype) {
                case PG_QUERY__BOOL_TEST_TYPE__IS_TRUE: e->test_value = true; break;
                case PG_QUERY__BOOL_TEST_TYPE__IS_NOT_TRUE: e->test_value = true; e->negated = true; break;
                case PG_QUERY__BOOL_TEST_TYPE__IS_FALSE: e->test_value = false; break;
                case PG_QUERY__BOOL_TEST_TYPE__IS_NOT_FALSE: e->test_value = false; e->negated = true; break;
                case PG_QUERY__BOOL_TEST_TYPE__IS_UNKNOWN: break;
                case PG_QUERY__BOOL_TEST_TYPE__IS_NOT_UNKNOWN: e->negated = true; break;
                default: break;
            }
            return e;
        }
        case PG_QUERY__NODE__NODE_COALESCE_EXPR: {
            const PgQuery__CoalesceExpr* c = node->coalesce_expr;
            auto e = make(ExprKind::kCoalesce, pos(c->location));
            for (size_t i = 0; i < c->n_args; i++) e->children.push_back(transform_expr(ctx, c->args[i]));
            return e;
        }
        case PG_QUERY__NODE__NODE_MIN_MAX_EXPR: {
            const PgQuery__MinMaxExpr* m = node->min_max_expr;
            auto e = make(m->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? ExprKind::kGreatest : ExprKind::kLeast,
                          pos(m->location));
            for (size_t i = 0; i < m->n_args; i++) e->children.push_back(transform_expr(ctx, m->args[i]));
            return e;
        }
        case PG_QUERY__NODE__NODE_GROUPING_FUNC: {
            const PgQuery__GroupingFunc* g = node->grouping_func;
            auto e = make(ExprKind::kGroupingFunc, pos(g->location));
            for (size_t i = 0; i < g->n_args; i++) e->children.push_back(transform_expr(ctx, g->args[i]));
            return e;
        }
        case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: {
            const PgQuery__SQLValueFunction* s = node->sqlvalue_function;
            auto e = make(ExprKind::kSqlValue, pos(s->location));
            switch (s->op) {
                case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE: e->op = "current_date"; break;
                case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
                case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N: e->op = "current_timestamp"; break;
                case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
                case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N: e->op = "localtimestamp"; break;
                case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER:
                case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE:
                case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER:
                case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER: e->op = "current_user"; break;
                case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA: e->op = "current_schema"; break;
                case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG: e->op = "current_catalog"; break;
                default: unsupported("this SQL value function", e->position);
            }
            return e;
        }
        case PG_QUERY__NODE__NODE_A_STAR: return make(ExprKind::kStar, 0);
        case PG_QUERY__NODE__NODE_COLLATE_CLAUSE: unsupported("COLLATE", pos(node->collate_clause->location));
        case PG_QUERY__NODE__NODE_ROW_EXPR: unsupported("row constructors", pos(node->row_expr->location));
        case PG_QUERY__NODE__NODE_A_INDIRECTION: unsupported("subscripts and field selection", 0);
        case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: unsupported("arrays", pos(node->a_array_expr->location));
        default: break;
    }
    unsupported(fmt::format("expression node {}", static_cast<int>(node->node_case)), 0);
}

}  // namespace basalt::detail

// Expressions: column references (with outer-scope lookup for correlated subqueries), operators, casts,
// CASE and friends. Aggregates, windows and subqueries are in their own files.
#include <fmt/format.h>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "planner/binder.hpp"
#include "planner/function_binder.hpp"
#include "types/decimal.hpp"

namespace basalt {

Binder::Binder(SessionCatalog& catalog, Binder* parent, Binder* cte_parent)
    : catalog_(catalog), parent_(parent), cte_parent_(cte_parent ? cte_parent : parent) {
    // Every binder of one statement draws table and CTE indices from one counter: a CTE body or UNION branch
    // bound with a fresh counter reused index 0, so nested recursive CTEs shared a working table.
    Binder* enclosing = parent ? parent : cte_parent;
    shared_ = enclosing ? enclosing->shared_ : std::make_shared<BinderShared>();
}

ExprPtr Binder::cast_to(ExprPtr expr, const LogicalType& target) {
    if (expr->type == target) return expr;
    if (expr->kind == ExpressionKind::kConstant) {
        // Literals convert now: 'abc'::integer fails at bind time, as in PostgreSQL.
        if (!cast_exists(expr->type, target)) {
            throw Error(sql_state::kCannotCoerce,
                        fmt::format("cannot cast type {} to {}", pg_type_name(expr->type), pg_type_name(target)));
        }
        Value v = cast_value(expr->value, target);
        auto c = make_constant(v);
        c->type = target;
        c->alias = expr->alias;
        return c;
    }
    if (!cast_exists(expr->type, target)) {
        throw Error(sql_state::kCannotCoerce,
                    fmt::format("cannot cast type {} to {}", pg_type_name(expr->type), pg_type_name(target)));
    }
    return make_cast(std::move(expr), target);
}

ExprPtr Binder::resolve_outer(const std::string& qualifier, const std::string& column, int position) {
    int depth = 1;
    for (Binder* b = parent_; b; b = b->parent_, depth++) {
        ExprPtr e = b->context_.resolve(qualifier, column, position);
        if (e) {
            visit_expression(*e, [&](Expression& x) {
                if (x.kind == ExpressionKind::kColumnRef) x.depth += depth;
            });
            for (Binder* c = this; c != b; c = c->parent_) c->has_correlated_columns_ = true;
            return e;
        }
    }
    return nullptr;
}

ExprPtr Binder::bind_column_ref(const ParsedExpr& expr) {
    const auto& names = expr.names;
    std::string column = names.back();
    std::string qualifier;
    if (names.size() == 2) qualifier = names[0];
    if (names.size() == 3) qualifier = names[1];  // schema.table.column: match on the table alias
    if (names.size() > 3) {
        throw Error(sql_state::kSyntaxError, "improper qualified name (too many dotted names)", expr.position);
    }
    ExprPtr e = context_.resolve(qualifier, column, expr.position);
    if (!e) e = resolve_outer(qualifier, column, expr.position);
    if (!e) {
        if (!qualifier.empty() && !context_.has_qualifier(qualifier)) {
            bool outer_has = false;
            for (Binder* b = parent_; b; b = b->parent_) outer_has = outer_has || b->context_.has_qualifier(qualifier);
            if (!outer_has) {
                throw Error(sql_state::kUndefinedTable, fmt::format("missing FROM-clause entry for table \"{}\"", qualifier),
                            expr.position);
            }
        }
        std::string shown = qualifier.empty() ? column : qualifier + "." + column;
        throw Error(sql_state::kUndefinedColumn, fmt::format("column \"{}\" does not exist", shown), expr.position);
    }
    e->alias = column;
    return e;
}

ExprPtr Binder::bind_boolean(const ParsedExpr& expr, ClauseKind clause) {
    ExprPtr e = bind_expression(expr, clause);
    if (e->type.id() == TypeId::kBoolean) return e;
    if (e->type.id() == TypeId::kNull || e->unknown_literal) return cast_to(std::move(e), LogicalType::boolean());
    const char* where = clause == ClauseKind::kWhere ? "WHERE" : clause == ClauseKind::kHaving ? "HAVING" : "JOIN/ON";
    throw Error(sql_state::kDatatypeMismatch,
                fmt::format("argument of {} must be type boolean, not type {}", where, pg_type_name(e->type)), expr.position);
}

namespace {

const char* comparison_function(const std::string& op) {
    if (op == "=") return "eq";
    if (op == "<>" || op == "!=") return "ne";
    if (op == "<") return "lt";
    if (op == ">") return "gt";
    if (op == "<=") return "le";
    if (op == ">=") return "ge";
    return nullptr;
}

ExprPtr make_not(ExprPtr child) {
    auto e = std::make_unique<Expression>(ExpressionKind::kNot, LogicalType::boolean());
    e->children.push_back(std::move(child));
    return e;
}

}  // namespace

ExprPtr Binder::bind_comparison(const std::string& op, ExprPtr left, ExprPtr right, int position) {
    const char* fn = comparison_function(op);
    BASALT_ASSERT(fn, "bind_comparison with a non-comparison operator");
    return bind_function_call(fn, [&] {
        std::vector<ExprPtr> args;
        args.push_back(std::move(left));
        args.push_back(std::move(right));
        return args;
    }(), position, op);
}

ExprPtr Binder::bind_function_call(const std::string& name, std::vector<ExprPtr> args, int position,
                                   const std::string& display_name) {
    return bind_scalar_function(*this, name, std::move(args), position, display_name);
}

ExprPtr Binder::bind_operator(const ParsedExpr& expr, ClauseKind clause) {
    const std::string& op = expr.op;
    if (expr.children.size() == 1) {
        ExprPtr child = bind_expression(*expr.children[0], clause);
        if (op == "-") {
            std::vector<ExprPtr> args;
            args.push_back(std::move(child));
            return bind_function_call("negate", std::move(args), expr.position, "-");
        }
        if (op == "+") return child;
        if (op == "@") {
            std::vector<ExprPtr> args;
            args.push_back(std::move(child));
            return bind_function_call("abs", std::move(args), expr.position, "@");
        }
        if (op == "|/") {
            std::vector<ExprPtr> args;
            args.push_back(cast_to(std::move(child), LogicalType::double_type()));
            return bind_function_call("sqrt", std::move(args), expr.position, "|/");
        }
        throw Error(sql_state::kUndefinedFunction, fmt::format("operator does not exist: {} {}", op, pg_type_name(child->type)),
                    expr.position);
    }
    ExprPtr left = bind_expression(*expr.children[0], clause);
    ExprPtr right = bind_expression(*expr.children[1], clause);
    if (comparison_function(op)) return bind_comparison(op, std::move(left), std::move(right), expr.position);
    std::vector<ExprPtr> args;
    static const std::pair<const char*, const char*> kOps[] = {{"+", "add"}, {"-", "subtract"}, {"*", "multiply"},
                                                               {"/", "divide"}, {"%", "mod"}, {"^", "power"},
                                                               {"~", "regexp_match_op"}, {"~*", "regexp_imatch_op"}};
    if (op == "||") {
        bool left_text = left->type.is_string() || left->unknown_literal;
        bool right_text = right->type.is_string() || right->unknown_literal;
        if (!left_text && !right_text) {
            throw Error(sql_state::kUndefinedFunction,
                        fmt::format("operator does not exist: {} || {}", pg_type_name(left->type), pg_type_name(right->type)),
                        expr.position);
        }
        // The other side may be any type: it is converted to text (PostgreSQL's anynonarray || text).
        if (!left->type.is_string()) left = cast_to(std::move(left), LogicalType::varchar());
        if (!right->type.is_string()) right = cast_to(std::move(right), LogicalType::varchar());
        args.push_back(std::move(left));
        args.push_back(std::move(right));
        return bind_function_call("concat_op", std::move(args), expr.position, "||");
    }
    if (op == "!~" || op == "!~*") {
        args.push_back(std::move(left));
        args.push_back(std::move(right));
        return make_not(bind_function_call(op == "!~" ? "regexp_match_op" : "regexp_imatch_op", std::move(args), expr.position, op));
    }
    for (auto [symbol, name] : kOps) {
        if (op == symbol) {
            if (op == "^") {
                left = cast_to(std::move(left), LogicalType::double_type());
                right = cast_to(std::move(right), LogicalType::double_type());
            }
            args.push_back(std::move(left));
            args.push_back(std::move(right));
            return bind_function_call(name, std::move(args), expr.position, op);
        }
    }
    throw Error(sql_state::kUndefinedFunction,
                fmt::format("operator does not exist: {} {} {}", pg_type_name(left->type), op, pg_type_name(right->type)),
                expr.position);
}

LogicalType Binder::bind_type(const TypeNameAst& t) {
    const std::string& n = t.name;
    auto mods = t.modifiers;
    if (n == "bool" || n == "boolean") return LogicalType::boolean();
    if (n == "int2" || n == "smallint") return LogicalType::smallint();
    if (n == "int4" || n == "int" || n == "integer") return LogicalType::integer();
    if (n == "int8" || n == "bigint") return LogicalType::bigint();
    if (n == "float4" || n == "real") return LogicalType::real();
    if (n == "float8" || n == "double" || n == "float") return LogicalType::double_type();
    if (n == "numeric" || n == "decimal") {
        if (mods.empty()) return LogicalType::decimal(38, 10);  // unconstrained NUMERIC: a wide fixed scale
        int p = mods[0];
        int s = mods.size() > 1 ? mods[1] : 0;
        if (p < 1 || p > 38) {
            throw Error(sql_state::kInvalidParameterValue, fmt::format("NUMERIC precision {} must be between 1 and 38", p), t.position);
        }
        if (s < 0 || s > p) {
            throw Error(sql_state::kInvalidParameterValue, fmt::format("NUMERIC scale {} must be between 0 and precision {}", s, p), t.position);
        }
        return LogicalType::decimal(p, s);
    }
    if (n == "varchar" || n == "text" || n == "string") {
        if (!mods.empty() && mods[0] < 1) {
            throw Error(sql_state::kInvalidParameterValue, "length for type varchar must be at least 1", t.position);
        }
        return LogicalType::varchar(mods.empty() ? -1 : mods[0]);
    }
    if (n == "bpchar" || n == "char" || n == "character") {
        if (!mods.empty() && mods[0] < 1) {
            throw Error(sql_state::kInvalidParameterValue, "length for type char must be at least 1", t.position);
        }
        return LogicalType::char_type(mods.empty() ? 1 : mods[0]);
    }
    if (n == "date") return LogicalType::date();
    if (n == "timestamp") return LogicalType::timestamp();
    if (n == "timestamptz") return LogicalType::timestamptz();
    if (n == "interval") return LogicalType::interval();
    throw Error(sql_state::kUndefinedObject, fmt::format("type \"{}\" does not exist", n), t.position);
}

ExprPtr Binder::bind_cast(const ParsedExpr& expr, ClauseKind clause) {
    LogicalType target = bind_type(expr.cast_type);
    const ParsedExpr& child = *expr.children[0];
    // interval '90' day: a bare number with a field qualifier takes that field as its unit.
    if (target.id() == TypeId::kInterval && child.kind == ExprKind::kConstant && child.op == "unknown" &&
        !expr.cast_type.modifiers.empty()) {
        int mask = expr.cast_type.modifiers[0];
        std::string text = child.value.get_string();
        bool bare_number = !text.empty() && text.find_first_not_of("0123456789.-+ ") == std::string::npos;
        if (bare_number) {
            const char* unit = nullptr;
            if (mask == (1 << 2)) unit = "year";
            else if (mask == (1 << 1)) unit = "month";
            else if (mask == (1 << 3)) unit = "day";
            else if (mask == (1 << 10)) unit = "hour";
            else if (mask == (1 << 11)) unit = "minute";
            else if (mask == (1 << 12)) unit = "second";
            if (unit) return make_constant(cast_value(Value::varchar(text + " " + unit), target));
        }
    }
    ExprPtr e = bind_expression(child, clause);
    try {
        // numeric without precision keeps the value's own scale, as PostgreSQL's unconstrained numeric.
        if (target.id() == TypeId::kDecimal && expr.cast_type.modifiers.empty()) {
            if (e->type.id() == TypeId::kDecimal) {
                target = e->type;
            } else if (e->type.is_integral()) {
                target = decimal_for_integer(e->type);
            } else if (e->kind == ExpressionKind::kConstant && !e->value.is_null()) {
                int128_t v;
                int scale, precision;
                std::string text = e->value.to_string();
                if (try_parse_decimal_literal(text, v, scale, precision)) target = LogicalType::decimal(std::max(1, precision), scale);
            }
        }
        ExprPtr result = cast_to(std::move(e), target);
        result->unknown_literal = false;
        return result;
    } catch (Error& err) {
        if (err.position() == 0) err.set_position(expr.position);
        throw;
    }
}

ExprPtr Binder::bind_variadic_common(ExpressionKind kind, const ParsedExpr& expr, ClauseKind clause, const char* name) {
    std::vector<ExprPtr> args;
    for (const auto& c : expr.children) args.push_back(bind_expression(*c, clause));
    LogicalType common = LogicalType::null();
    bool all_unknown = true;
    for (auto& a : args) {
        if (a->unknown_literal) continue;
        all_unknown = false;
        common = common_supertype(common, a->type, name, expr.position);
    }
    if (all_unknown || common.id() == TypeId::kNull) common = all_unknown ? LogicalType::varchar() : common;
    if (common.id() == TypeId::kNull) common = LogicalType::varchar();
    auto e = std::make_unique<Expression>(kind, common);
    for (auto& a : args) e->children.push_back(cast_to(std::move(a), common));
    return e;
}

ExprPtr Binder::bind_case(const ParsedExpr& expr, ClauseKind clause) {
    ExprPtr operand;
    if (!expr.children.empty()) operand = bind_expression(*expr.children[0], clause);
    std::vector<ExprPtr> whens, thens;
    for (const auto& wt : expr.when_then) {
        if (operand) {
            whens.push_back(bind_comparison("=", operand->copy(), bind_expression(*wt.when, clause), wt.when->position));
        } else {
            whens.push_back(bind_boolean(*wt.when, clause));
        }
        thens.push_back(bind_expression(*wt.then, clause));
    }
    ExprPtr otherwise = expr.else_expr ? bind_expression(*expr.else_expr, clause) : make_constant(Value());
    LogicalType common = LogicalType::null();
    bool all_unknown = true;
    for (auto* list : {&thens}) {
        for (auto& t : *list) {
            if (t->unknown_literal) continue;
            all_unknown = false;
            common = common_supertype(common, t->type, "CASE", expr.position);
        }
    }
    if (!otherwise->unknown_literal) {
        all_unknown = all_unknown && otherwise->type.id() == TypeId::kNull;
        common = common_supertype(common, otherwise->type, "CASE", expr.position);
    }
    if (common.id() == TypeId::kNull) common = all_unknown && !thens.empty() ? LogicalType::varchar() : common;
    if (common.id() == TypeId::kNull) common = LogicalType::varchar();
    auto e = std::make_unique<Expression>(ExpressionKind::kCase, common);
    for (size_t i = 0; i < whens.size(); i++) {
        e->children.push_back(cast_to(std::move(whens[i]), LogicalType::boolean()));
        e->children.push_back(cast_to(std::move(thens[i]), common));
    }
    e->children.push_back(cast_to(std::move(otherwise), common));
    return e;
}

ExprPtr Binder::bind_expression(const ParsedExpr& expr, ClauseKind clause) {
    try {
        switch (expr.kind) {
            case ExprKind::kColumnRef: return bind_column_ref(expr);
            case ExprKind::kConstant: {
                auto e = make_constant(expr.value);
                e->unknown_literal = expr.op == "unknown";
                return e;
            }
            case ExprKind::kParameter:
                throw Error(sql_state::kFeatureNotSupported, "parameters ($n) are only supported through the server protocol",
                            expr.position);
            case ExprKind::kFunction: return bind_function(expr, clause);
            case ExprKind::kOperator: return bind_operator(expr, clause);
            case ExprKind::kAnd:
            case ExprKind::kOr: {
                auto e = std::make_unique<Expression>(expr.kind == ExprKind::kAnd ? ExpressionKind::kAnd : ExpressionKind::kOr,
                                                      LogicalType::boolean());
                for (const auto& c : expr.children) {
                    ExprPtr child = bind_expression(*c, clause);
                    if (child->type.id() != TypeId::kBoolean) {
                        if (child->type.id() == TypeId::kNull || child->unknown_literal) {
                            child = cast_to(std::move(child), LogicalType::boolean());
                        } else {
                            throw Error(sql_state::kDatatypeMismatch,
                                        fmt::format("argument of {} must be type boolean, not type {}",
                                                    expr.kind == ExprKind::kAnd ? "AND" : "OR", pg_type_name(child->type)),
                                        c->position ? c->position : expr.position);
                        }
                    }
                    e->children.push_back(std::move(child));
                }
                return e;
            }
            case ExprKind::kNot: {
                ExprPtr child = bind_expression(*expr.children[0], clause);
                if (child->type.id() != TypeId::kBoolean) {
                    if (child->type.id() == TypeId::kNull || child->unknown_literal) {
                        child = cast_to(std::move(child), LogicalType::boolean());
                    } else {
                        throw Error(sql_state::kDatatypeMismatch,
                                    fmt::format("argument of NOT must be type boolean, not type {}", pg_type_name(child->type)),
                                    expr.position);
                    }
                }
                return make_not(std::move(child));
            }
            case ExprKind::kCast: return bind_cast(expr, clause);
            case ExprKind::kCase: return bind_case(expr, clause);
            case ExprKind::kSubquery: return bind_subquery(expr, clause);
            case ExprKind::kIsNull: {
                auto e = std::make_unique<Expression>(ExpressionKind::kIsNull, LogicalType::boolean());
                e->negated = expr.negated;
                e->children.push_back(bind_expression(*expr.children[0], clause));
                return e;
            }
            case ExprKind::kBooleanTest: {
                ExprPtr child = cast_to(bind_expression(*expr.children[0], clause), LogicalType::boolean());
                // IS [NOT] TRUE/FALSE/UNKNOWN never return NULL: spell them with IS DISTINCT FROM.
                if (!expr.test_value) {
                    auto e = std::make_unique<Expression>(ExpressionKind::kIsNull, LogicalType::boolean());
                    e->negated = expr.negated;
                    e->children.push_back(std::move(child));
                    return e;
                }
                auto e = std::make_unique<Expression>(ExpressionKind::kDistinctFrom, LogicalType::boolean());
                e->negated = !expr.negated;
                e->children.push_back(std::move(child));
                e->children.push_back(make_constant(Value::boolean(*expr.test_value)));
                return e;
            }
            case ExprKind::kInList: {
                ExprPtr left = bind_expression(*expr.children[0], clause);
                std::vector<ExprPtr> values;
                LogicalType common = left->unknown_literal ? LogicalType::null() : left->type;
                for (size_t i = 1; i < expr.children.size(); i++) {
                    values.push_back(bind_expression(*expr.children[i], clause));
                    if (!values.back()->unknown_literal) {
                        LogicalType t;
                        if (!try_common_supertype(common, values.back()->type, t)) {
                            throw Error(sql_state::kUndefinedFunction,
                                        fmt::format("operator does not exist: {} = {}", pg_type_name(common), pg_type_name(values.back()->type)),
                                        expr.position);
                        }
                        common = t;
                    }
                }
                if (common.id() == TypeId::kNull) common = LogicalType::varchar();
                auto e = std::make_unique<Expression>(ExpressionKind::kInList, LogicalType::boolean());
                e->negated = expr.negated;
                e->children.push_back(cast_to(std::move(left), common));
                for (auto& v : values) e->children.push_back(cast_to(std::move(v), common));
                return e;
            }
            case ExprKind::kBetween: {
                ExprPtr value = bind_expression(*expr.children[0], clause);
                ExprPtr low = bind_expression(*expr.children[1], clause);
                ExprPtr high = bind_expression(*expr.children[2], clause);
                ExprPtr result;
                if (expr.symmetric) {
                    // BETWEEN SYMMETRIC: (v >= a AND v <= b) OR (v >= b AND v <= a)
                    ExprPtr a1 = bind_comparison(">=", value->copy(), low->copy(), expr.position);
                    ExprPtr a2 = bind_comparison("<=", value->copy(), high->copy(), expr.position);
                    ExprPtr b1 = bind_comparison(">=", value->copy(), std::move(high), expr.position);
                    ExprPtr b2 = bind_comparison("<=", std::move(value), std::move(low), expr.position);
                    ExprPtr one = make_conjunction(ExpressionKind::kAnd, std::move(a1), std::move(a2));
                    ExprPtr two = make_conjunction(ExpressionKind::kAnd, std::move(b1), std::move(b2));
                    result = make_conjunction(ExpressionKind::kOr, std::move(one), std::move(two));
                } else {
                    ExprPtr lower = bind_comparison(">=", value->copy(), std::move(low), expr.position);
                    ExprPtr upper = bind_comparison("<=", std::move(value), std::move(high), expr.position);
                    result = make_conjunction(ExpressionKind::kAnd, std::move(lower), std::move(upper));
                }
                return expr.negated ? make_not(std::move(result)) : std::move(result);
            }
            case ExprKind::kLike: {
                std::vector<ExprPtr> args;
                for (const auto& c : expr.children) args.push_back(bind_expression(*c, clause));
                for (auto& a : args) {
                    if (!a->type.is_string() && a->type.id() != TypeId::kNull && !a->unknown_literal) {
                        throw Error(sql_state::kUndefinedFunction,
                                    fmt::format("operator does not exist: {} ~~ {}", pg_type_name(args[0]->type),
                                                pg_type_name(args.size() > 1 ? args[1]->type : args[0]->type)),
                                    expr.position);
                    }
                }
                const char* shown = expr.op == "like" ? "~~" : expr.op == "ilike" ? "~~*" : "similar";
                ExprPtr e = bind_function_call(expr.op, std::move(args), expr.position, shown);
                return expr.negated ? make_not(std::move(e)) : std::move(e);
            }
            case ExprKind::kDistinctFrom: {
                ExprPtr left = bind_expression(*expr.children[0], clause);
                ExprPtr right = bind_expression(*expr.children[1], clause);
                LogicalType common;
                if (left->unknown_literal && !right->unknown_literal) {
                    common = right->type;
                } else if (right->unknown_literal && !left->unknown_literal) {
                    common = left->type;
                } else if (!try_common_supertype(left->type, right->type, common)) {
                    throw Error(sql_state::kUndefinedFunction,
                                fmt::format("operator does not exist: {} = {}", pg_type_name(left->type), pg_type_name(right->type)),
                                expr.position);
                }
                auto e = std::make_unique<Expression>(ExpressionKind::kDistinctFrom, LogicalType::boolean());
                e->negated = expr.negated;
                e->children.push_back(cast_to(std::move(left), common));
                e->children.push_back(cast_to(std::move(right), common));
                return e;
            }
            case ExprKind::kCoalesce: return bind_variadic_common(ExpressionKind::kCoalesce, expr, clause, "COALESCE");
            case ExprKind::kGreatest: return bind_variadic_common(ExpressionKind::kGreatest, expr, clause, "GREATEST");
            case ExprKind::kLeast: return bind_variadic_common(ExpressionKind::kLeast, expr, clause, "LEAST");
            case ExprKind::kNullIf: {
                // NULLIF(a, b) = CASE WHEN a = b THEN NULL ELSE a END
                ExprPtr a = bind_expression(*expr.children[0], clause);
                ExprPtr b = bind_expression(*expr.children[1], clause);
                ExprPtr condition = bind_comparison("=", a->copy(), std::move(b), expr.position);
                LogicalType type = a->unknown_literal ? LogicalType::varchar() : a->type;
                auto e = std::make_unique<Expression>(ExpressionKind::kCase, type);
                e->children.push_back(std::move(condition));
                e->children.push_back(make_cast(make_constant(Value()), type));
                e->children.push_back(cast_to(std::move(a), type));
                return e;
            }
            case ExprKind::kSqlValue: {
                if (expr.op == "current_user") return make_constant(Value::varchar("basalt"));
                if (expr.op == "current_schema") return make_constant(Value::varchar(Catalog::kDefaultSchema));
                if (expr.op == "current_catalog") return make_constant(Value::varchar("basalt"));
                return bind_function_call(expr.op, {}, expr.position);
            }
            case ExprKind::kGroupingFunc: {
                if (!current_groups_ || (clause != ClauseKind::kSelect && clause != ClauseKind::kHaving && clause != ClauseKind::kOrderBy)) {
                    throw Error(sql_state::kGroupingError, "GROUPING must be used with GROUP BY in the select list", expr.position);
                }
                std::vector<idx_t> indices;
                for (const auto& c : expr.children) {
                    ExprPtr bound = bind_expression(*c, ClauseKind::kGroupBy);
                    bool found = false;
                    for (idx_t g = 0; g < current_groups_->size(); g++) {
                        if ((*current_groups_)[g]->equals(*bound)) {
                            indices.push_back(g);
                            found = true;
                            break;
                        }
                    }
                    if (!found) {
                        throw Error(sql_state::kGroupingError,
                                    "arguments to GROUPING must be grouping expressions of the associated query level", c->position);
                    }
                }
                grouping_functions_.push_back(std::move(indices));
                return make_column_ref({grouping_index_, static_cast<uint32_t>(grouping_functions_.size() - 1)},
                                       LogicalType::bigint(), "grouping");
            }
            case ExprKind::kStar:
                throw Error(sql_state::kSyntaxError, "a * is only allowed in a select list", expr.position);
            case ExprKind::kRow: throw Error(sql_state::kFeatureNotSupported, "row values are not supported", expr.position);
        }
    } catch (Error& e) {
        if (e.position() == 0 && expr.position != 0) e.set_position(expr.position);
        throw;
    }
    throw Error(sql_state::kInternalError, "unhandled expression kind");
}

ExprPtr Binder::bind_constant_expression(const ParsedExpr& expr) { return bind_expression(expr, ClauseKind::kOther); }

void Binder::add_row_table(uint32_t table_index, const std::string& name, const std::vector<std::string>& names,
                           const std::vector<LogicalType>& types) {
    BoundTableRef ref;
    ref.alias = name;
    ref.column_names = names;
    ref.column_types = types;
    ref.table_index = table_index;
    context_.add_table(std::move(ref), 0);
}

ExprPtr Binder::bind_row_expression(const ParsedExpr& expr, uint32_t table_index, const std::string& table_name,
                                    const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                                    const char* what) {
    add_row_table(table_index, table_name, names, types);
    return bind_row_tables_expression(expr, what);
}

ExprPtr Binder::bind_row_tables_expression(const ParsedExpr& expr, const char* what) {
    ExprPtr e = bind_expression(expr, ClauseKind::kOther);
    if (!pending_subqueries_.empty()) {
        throw Error(sql_state::kFeatureNotSupported, fmt::format("cannot use subquery in {}", what), expr.position);
    }
    if (!aggregates_.empty()) {
        throw Error(sql_state::kGroupingError, fmt::format("aggregate functions are not allowed in {}", what), expr.position);
    }
    if (!windows_.empty()) {
        throw Error(sql_state::kWindowingError, fmt::format("window functions are not allowed in {}", what), expr.position);
    }
    return e;
}

}  // namespace basalt

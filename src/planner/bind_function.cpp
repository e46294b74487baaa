// Function calls: scalar functions through the registry, aggregates (collected into the query level's
// aggregate list and replaced by a column of the aggregate operator) and window functions (likewise).
#include <fmt/format.h>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "planner/binder.hpp"
#include "planner/function_binder.hpp"

namespace basalt {

namespace {

bool is_window_only(const std::string& name) {
    static const char* kNames[] = {"row_number", "rank",      "dense_rank", "percent_rank", "cume_dist", "ntile",
                                   "lag",        "lead",      "first_value", "last_value",  "nth_value"};
    for (const char* n : kNames) {
        if (name == n) return true;
    }
    return false;
}

const char* clause_name(ClauseKind clause) {
    switch (clause) {
        case ClauseKind::kWhere: return "WHERE";
        case ClauseKind::kGroupBy: return "GROUP BY";
        case ClauseKind::kJoinCondition: return "JOIN conditions";
        case ClauseKind::kHaving: return "HAVING";
        case ClauseKind::kFilter: return "FILTER";
        default: return "this context";
    }
}

// Frame offsets are evaluated once per row by the operator, so, as in PostgreSQL, they may not read columns.
bool reads_columns(const Expression& e) {
    bool found = false;
    visit_expression(e, [&](const Expression& x) { found = found || (x.kind == ExpressionKind::kColumnRef && x.depth == 0); });
    return found;
}

}  // namespace

// Gives a frame offset the type the operator reads: BIGINT for ROWS and integer keys, DOUBLE for float keys, the
// key's own kind of NUMERIC for numeric keys, INTERVAL for dates and timestamps. Other pairs are refused as
// PostgreSQL refuses them (it has no in_range function for them).
ExprPtr Binder::coerce_frame_offset(ExprPtr offset, const WindowExpression& w, int position) {
    const char* frame = w.rows ? "ROWS" : "RANGE";
    if (reads_columns(*offset)) {
        throw Error(sql_state::kInvalidColumnReference, fmt::format("argument of {} must not contain variables", frame), position);
    }
    bool untyped = offset->unknown_literal || offset->type.id() == TypeId::kNull;
    if (w.rows) {
        if (!untyped && !offset->type.is_numeric()) {
            throw Error(sql_state::kDatatypeMismatch,
                        fmt::format("argument of ROWS must be type bigint, not type {}", pg_type_name(offset->type)), position);
        }
        return cast_to(std::move(offset), LogicalType::bigint());
    }
    const LogicalType& key = w.orders[0].expr->type;
    const LogicalType& type = offset->type;
    switch (key.id()) {
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
            if (untyped || type.is_integral()) return cast_to(std::move(offset), LogicalType::bigint());
            break;
        case TypeId::kDecimal:
            if (untyped) return cast_to(std::move(offset), key);
            if (type.is_integral() || type.id() == TypeId::kDecimal) return offset;
            break;
        case TypeId::kReal:
        case TypeId::kDouble:
            if (untyped || type.is_numeric()) return cast_to(std::move(offset), LogicalType::double_type());
            break;
        case TypeId::kDate:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz:
            if (untyped || type.id() == TypeId::kInterval) return cast_to(std::move(offset), LogicalType::interval());
            break;
        default: break;
    }
    throw Error(sql_state::kFeatureNotSupported,
                fmt::format("RANGE with offset PRECEDING/FOLLOWING is not supported for column type {} and offset type {}",
                            pg_type_name(key), pg_type_name(type)),
                position);
}

ExprPtr Binder::bind_function(const ParsedExpr& expr, ClauseKind clause) {
    std::string name = expr.names.back();
    if (expr.names.size() > 1 && expr.names[0] != "pg_catalog" && expr.names[0] != "public") {
        throw Error(sql_state::kUndefinedFunction, fmt::format("function {}.{} does not exist", expr.names[0], name), expr.position);
    }
    if (expr.over) return bind_window(expr, clause);
    if (is_window_only(name)) {
        throw Error(sql_state::kWrongObjectType, fmt::format("window function {} requires an OVER clause", name), expr.position);
    }
    const auto& registry = FunctionRegistry::instance();
    if (expr.star || registry.is_aggregate(name)) return bind_aggregate(expr, clause);
    if (expr.distinct) {
        throw Error(sql_state::kWrongObjectType, fmt::format("DISTINCT specified, but {} is not an aggregate function", name),
                    expr.position);
    }
    if (expr.within_group || expr.filter || !expr.agg_order.empty()) {
        throw Error(sql_state::kWrongObjectType, fmt::format("{} is not an aggregate function", name), expr.position);
    }
    for (const auto& n : expr.arg_names) {
        if (!n.empty()) {
            throw Error(sql_state::kUndefinedFunction, fmt::format("function {} does not take named arguments", name), expr.position);
        }
    }
    std::vector<ExprPtr> args;
    for (const auto& c : expr.children) args.push_back(bind_expression(*c, clause));
    // Field names of extract/date_part/date_trunc arrive as text literals.
    if ((name == "extract" || name == "date_part" || name == "date_trunc") && !args.empty() &&
        args[0]->kind == ExpressionKind::kConstant) {
        args[0]->unknown_literal = false;
    }
    if (name == "date_trunc" && args.size() == 2 && args[1]->type.id() == TypeId::kDate) {
        args[1] = cast_to(std::move(args[1]), LogicalType::timestamptz());
    }
    if (name == "substring" || name == "substr" || name == "left" || name == "right" || name == "repeat" ||
        name == "lpad" || name == "rpad" || name == "split_part") {
        for (size_t i = 1; i < args.size(); i++) {
            if (args[i]->type.is_integral()) args[i] = cast_to(std::move(args[i]), LogicalType::bigint());
        }
    }
    if (name == "concat" || name == "concat_ws") {
        for (auto& a : args) {
            if (a->type.id() == TypeId::kBoolean) {
                // concat() prints booleans as PostgreSQL's boolout does: t / f.
                auto e = std::make_unique<Expression>(ExpressionKind::kCase, LogicalType::varchar());
                e->children.push_back(a->copy());
                e->children.push_back(make_constant(Value::varchar("t")));
                e->children.push_back(make_cast(make_constant(Value()), LogicalType::varchar()));
                auto is_false = std::make_unique<Expression>(ExpressionKind::kNot, LogicalType::boolean());
                is_false->children.push_back(std::move(a));
                e->children.insert(e->children.begin() + 2, std::move(is_false));
                e->children.insert(e->children.begin() + 3, make_constant(Value::varchar("f")));
                a = std::move(e);
            } else if (!a->type.is_string()) {
                a = cast_to(std::move(a), LogicalType::varchar());
            }
        }
    }
    if (name == "mod" && args.size() == 2) return bind_function_call("mod", std::move(args), expr.position, "mod");
    return bind_function_call(name, std::move(args), expr.position);
}

ExprPtr Binder::bind_aggregate(const ParsedExpr& expr, ClauseKind clause) {
    std::string name = expr.names.back();
    if (clause == ClauseKind::kWhere || clause == ClauseKind::kGroupBy || clause == ClauseKind::kJoinCondition ||
        clause == ClauseKind::kFilter || clause == ClauseKind::kOther) {
        throw Error(sql_state::kGroupingError, fmt::format("aggregate functions are not allowed in {}", clause_name(clause)),
                    expr.position);
    }
    if (in_aggregate_) throw Error(sql_state::kGroupingError, "aggregate function calls cannot be nested", expr.position);
    const auto* agg_info = FunctionRegistry::instance().find_aggregate(name);
    bool ordered_set = agg_info && !agg_info->empty() && (*agg_info)[0].needs_order;
    if (ordered_set && !expr.within_group) {
        throw Error(sql_state::kUndefinedFunction, fmt::format("WITHIN GROUP is required for ordered-set aggregate {}", name),
                    expr.position);
    }
    if (!ordered_set && expr.within_group) {
        throw Error(sql_state::kWrongObjectType, fmt::format("{} is not an ordered-set aggregate, so it cannot have WITHIN GROUP", name),
                    expr.position);
    }
    in_aggregate_ = true;
    AggregateExpression agg;
    std::vector<ExprPtr> args;
    try {
        for (const auto& c : expr.children) args.push_back(bind_expression(*c, ClauseKind::kSelect));
        if (expr.star) {
            if (name != "count") {
                throw Error(sql_state::kUndefinedFunction, fmt::format("function {}(*) does not exist", name), expr.position);
            }
            name = "count_star";
        }
        if (ordered_set) {
            if (args.size() != 1 || expr.agg_order.size() != 1) {
                throw Error(sql_state::kUndefinedFunction, fmt::format("function {} takes one fraction and one ORDER BY value", name),
                            expr.position);
            }
            args[0] = cast_to(std::move(args[0]), LogicalType::double_type());
            if (args[0]->kind == ExpressionKind::kConstant && !args[0]->value.is_null()) {
                double f = args[0]->value.get_double();
                if (f < 0 || f > 1) {
                    throw Error(sql_state::kNumericValueOutOfRange, fmt::format("percentile value {} is not between 0 and 1", f),
                                expr.position);
                }
            }
            args.push_back(bind_expression(*expr.agg_order[0].expr, ClauseKind::kSelect));
        } else {
            for (const auto& o : expr.agg_order) {
                BoundOrder order;
                order.expr = bind_expression(*o.expr, ClauseKind::kSelect);
                order.descending = o.descending;
                order.nulls_first = o.nulls_first.value_or(o.descending);
                agg.order_by.push_back(std::move(order));
            }
        }
        if (expr.filter) agg.filter = bind_boolean(*expr.filter, ClauseKind::kWhere);

    } catch (...) {
        in_aggregate_ = false;
        throw;
    }
    in_aggregate_ = false;
    agg.function = bind_aggregate_function(*this, name, args, expr.position);
    if (ordered_set) agg.function.order_descending = expr.agg_order[0].descending;
    agg.children = std::move(args);
    agg.distinct = expr.distinct;
    LogicalType type = agg.function.return_type;
    aggregates_.push_back(std::move(agg));
    return make_column_ref({aggregate_index_, static_cast<uint32_t>(aggregates_.size() - 1)}, type, name);
}

ExprPtr Binder::bind_window(const ParsedExpr& expr, ClauseKind clause) {
    std::string name = expr.names.back();
    if (clause != ClauseKind::kSelect && clause != ClauseKind::kOrderBy) {
        throw Error(sql_state::kWindowingError, fmt::format("window functions are not allowed in {}", clause_name(clause)),
                    expr.position);
    }
    if (in_aggregate_) throw Error(sql_state::kGroupingError, "aggregate function calls cannot contain window function calls", expr.position);
    if (in_window_) throw Error(sql_state::kWindowingError, "window function calls cannot be nested", expr.position);
    struct WindowScope {
        bool& flag;
        ~WindowScope() { flag = false; }
    } scope{in_window_ = true};

    // Resolve OVER w / OVER (w ...) against the WINDOW clause.
    const WindowSpec* spec = expr.over.get();
    const WindowSpec* base = nullptr;
    std::string ref = spec->ref_name.empty() ? spec->name : spec->ref_name;
    if (!ref.empty() && named_windows_) {
        for (const auto& w : *named_windows_) {
            if (w->name == ref) base = w.get();
        }
        if (!base) throw Error(sql_state::kUndefinedObject, fmt::format("window \"{}\" does not exist", ref), expr.position);
        if (!spec->ref_name.empty() && !base->order_by.empty() && !spec->order_by.empty()) {
            throw Error(sql_state::kWindowingError, fmt::format("cannot override ORDER BY clause of window \"{}\"", ref), expr.position);
        }
    }
    // PostgreSQL's limits on aggregate decorations in a window call (all 0A000); ignoring them would change answers.
    bool aggregate = !is_window_only(name) && (expr.star || FunctionRegistry::instance().is_aggregate(name));
    if (!expr.agg_order.empty() && !expr.within_group) {
        throw Error(sql_state::kFeatureNotSupported, "aggregate ORDER BY is not implemented for window functions", expr.position);
    }
    if (aggregate) {
        const auto* info = FunctionRegistry::instance().find_aggregate(name);
        if (expr.within_group || (info && !info->empty() && (*info)[0].needs_order)) {
            throw Error(sql_state::kFeatureNotSupported, fmt::format("OVER is not supported for ordered-set aggregate {}", name),
                        expr.position);
        }
    } else if (expr.filter) {
        throw Error(sql_state::kFeatureNotSupported, "FILTER is not implemented for non-aggregate window functions", expr.position);
    }
    WindowExpression w;
    w.name = name;
    const WindowSpec& partition_source = base ? *base : *spec;
    for (const auto& p : partition_source.partition_by) w.partitions.push_back(bind_expression(*p, ClauseKind::kSelect));
    const auto& order_source = spec->order_by.empty() && base ? base->order_by : spec->order_by;
    for (const auto& o : order_source) {
        BoundOrder order;
        order.expr = bind_expression(*o.expr, ClauseKind::kSelect);
        order.descending = o.descending;
        order.nulls_first = o.nulls_first.value_or(o.descending);
        w.orders.push_back(std::move(order));
    }
    w.has_order = !w.orders.empty();
    const WindowSpec& frame_source = spec->has_frame || !base ? *spec : *base;
    auto to_bound = [](FrameBoundKind k) {
        switch (k) {
            case FrameBoundKind::kUnboundedPreceding: return FrameBound::kUnboundedPreceding;
            case FrameBoundKind::kPreceding: return FrameBound::kPreceding;
            case FrameBoundKind::kCurrentRow: return FrameBound::kCurrentRow;
            case FrameBoundKind::kFollowing: return FrameBound::kFollowing;
            case FrameBoundKind::kUnboundedFollowing: return FrameBound::kUnboundedFollowing;
        }
        return FrameBound::kCurrentRow;
    };
    if (frame_source.has_frame) {
        w.rows = frame_source.rows;
        w.start = to_bound(frame_source.start);
        w.end = to_bound(frame_source.end);
        if (frame_source.start_offset) w.start_offset = bind_expression(*frame_source.start_offset, ClauseKind::kOther);
        if (frame_source.end_offset) w.end_offset = bind_expression(*frame_source.end_offset, ClauseKind::kOther);
        if (!w.rows && (w.start_offset || w.end_offset)) {
            if (w.orders.size() != 1) {
                throw Error(sql_state::kWindowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column",
                            expr.position);
            }
        }
        for (ExprPtr* off : {&w.start_offset, &w.end_offset}) {
            if (*off) *off = coerce_frame_offset(std::move(*off), w, expr.position);
        }
        for (ExprPtr* off : {&w.start_offset, &w.end_offset}) {
            if (*off && (*off)->kind == ExpressionKind::kConstant && !(*off)->value.is_null() && (*off)->type.is_numeric()) {
                Value v = (*off)->value;
                bool negative = v.type().id() == TypeId::kDecimal ? (v.type().physical() == PhysicalType::kInt64 ? v.get_int64() < 0 : v.get_int128() < 0)
                                : (v.type().is_integral() ? v.get_int64() < 0 : false);
                if (negative) throw Error(sql_state::kInvalidPrecedingOrFollowingSize, "frame starting offset must not be negative", expr.position);
            }
        }
    } else {
        w.rows = false;
        w.start = FrameBound::kUnboundedPreceding;
        w.end = w.has_order ? FrameBound::kCurrentRow : FrameBound::kUnboundedFollowing;
    }
    std::vector<ExprPtr> args;
    for (const auto& c : expr.children) args.push_back(bind_expression(*c, ClauseKind::kSelect));
    auto bigint = LogicalType::bigint();
    bool ranking = name == "row_number" || name == "rank" || name == "dense_rank" || name == "percent_rank" || name == "cume_dist";
    if (ranking && !args.empty()) {
        throw Error(sql_state::kWrongObjectType, fmt::format("function {} takes no arguments as a window function", name), expr.position);
    }
    if (name == "row_number" || name == "rank" || name == "dense_rank") {
        w.kind = name == "row_number" ? WindowFunctionKind::kRowNumber : name == "rank" ? WindowFunctionKind::kRank : WindowFunctionKind::kDenseRank;
        w.type = bigint;
    } else if (name == "percent_rank" || name == "cume_dist") {
        w.kind = name == "percent_rank" ? WindowFunctionKind::kPercentRank : WindowFunctionKind::kCumeDist;
        w.type = LogicalType::double_type();
    } else if (name == "ntile") {
        w.kind = WindowFunctionKind::kNtile;
        w.type = LogicalType::integer();
        if (args.size() != 1) throw Error(sql_state::kUndefinedFunction, "function ntile requires one argument", expr.position);
        args[0] = cast_to(std::move(args[0]), LogicalType::bigint());
    } else if (name == "lag" || name == "lead") {
        w.kind = name == "lag" ? WindowFunctionKind::kLag : WindowFunctionKind::kLead;
        if (args.empty() || args.size() > 3) throw Error(sql_state::kUndefinedFunction, fmt::format("function {} takes 1 to 3 arguments", name), expr.position);
        if (args[0]->unknown_literal) args[0] = cast_to(std::move(args[0]), LogicalType::varchar());
        w.type = args[0]->type;
        if (args.size() > 1) args[1] = cast_to(std::move(args[1]), LogicalType::bigint());
        if (args.size() > 2) {
            LogicalType common = args[2]->unknown_literal ? w.type : common_supertype(w.type, args[2]->type, "lag/lead", expr.position);
            w.type = common;
            args[0] = cast_to(std::move(args[0]), common);
            args[2] = cast_to(std::move(args[2]), common);
        }
    } else if (name == "first_value" || name == "last_value" || name == "nth_value") {
        w.kind = name == "first_value" ? WindowFunctionKind::kFirstValue
                 : name == "last_value" ? WindowFunctionKind::kLastValue
                                        : WindowFunctionKind::kNthValue;
        if (args.empty()) throw Error(sql_state::kUndefinedFunction, fmt::format("function {} requires an argument", name), expr.position);
        w.type = args[0]->type;
        if (args.size() > 1) args[1] = cast_to(std::move(args[1]), LogicalType::bigint());
    } else {
        if (!FunctionRegistry::instance().is_aggregate(name) && !expr.star) {
            bool exists = FunctionRegistry::instance().find_scalar(name) != nullptr;
            throw Error(exists ? sql_state::kWrongObjectType : sql_state::kUndefinedFunction,
                        fmt::format("OVER specified, but {} is not a window function nor an aggregate function", name), expr.position);
        }
        if (expr.distinct) throw Error(sql_state::kFeatureNotSupported, "DISTINCT is not implemented for window functions", expr.position);
        std::string agg_name = expr.star ? "count_star" : name;
        w.kind = WindowFunctionKind::kAggregate;
        w.aggregate = bind_aggregate_function(*this, agg_name, args, expr.position);
        w.type = w.aggregate.return_type;
        if (expr.filter) {
            w.filter = bind_expression(*expr.filter, ClauseKind::kFilter);
            if (w.filter->type.id() == TypeId::kNull || w.filter->unknown_literal) w.filter = cast_to(std::move(w.filter), LogicalType::boolean());
            if (w.filter->type.id() != TypeId::kBoolean) {
                throw Error(sql_state::kDatatypeMismatch,
                            fmt::format("argument of FILTER must be type boolean, not type {}", pg_type_name(w.filter->type)),
                            expr.filter->position);
            }
        }
    }
    w.children = std::move(args);
    LogicalType type = w.type;
    windows_.push_back(std::move(w));
    return make_column_ref({window_index_, static_cast<uint32_t>(windows_.size() - 1)}, type, name);
}

}  // namespace basalt

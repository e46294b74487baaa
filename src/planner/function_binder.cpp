#include "planner/function_binder.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "types/decimal.hpp"

namespace basalt {

namespace {

// Cost of passing arg to a parameter of type param, or -1 when impossible.
int argument_cost(const Expression& arg, const LogicalType& param, const std::vector<ExprPtr>& all_args) {
    const LogicalType& a = arg.type;
    if (a.id() == TypeId::kNull) return 1;
    if (arg.unknown_literal) {
        for (const auto& other : all_args) {
            if (other.get() != &arg && !other->unknown_literal && other->type.id() != TypeId::kNull &&
                other->type.id() == param.id()) {
                return 0;
            }
        }
        return param.is_string() ? 0 : 2;
    }
    if (param.id() == TypeId::kDecimal) {
        if (a.id() == TypeId::kDecimal) return 0;
        if (a.is_integral()) return implicit_cast_cost(a, LogicalType::decimal(38, 0));
        return -1;
    }
    if (param.is_string()) return a.is_string() ? 0 : -1;
    return implicit_cast_cost(a, param);
}

// The concrete type an argument is cast to for a parameter.
LogicalType target_type(const Expression& arg, const LogicalType& param) {
    if (param.id() == TypeId::kDecimal) {
        if (arg.type.id() == TypeId::kDecimal) return arg.type;
        if (arg.type.is_integral()) return decimal_for_integer(arg.type);
        if (arg.unknown_literal) {
            int128_t v;
            int scale, precision;
            if (try_parse_decimal_literal(arg.value.get_string(), v, scale, precision)) {
                return LogicalType::decimal(std::max(precision, 1), scale);
            }
            return LogicalType::decimal(38, 0);
        }
        return LogicalType::decimal(18, 0);
    }
    if (param.is_string()) return arg.type.is_string() ? arg.type : LogicalType::varchar();
    return param;
}

std::string type_list(const std::vector<ExprPtr>& args) {
    std::string out;
    for (size_t i = 0; i < args.size(); i++) {
        if (i) out += ", ";
        out += args[i]->unknown_literal ? "unknown" : pg_type_name(args[i]->type);
    }
    return out;
}

template <class Candidate>
const Candidate* choose(const std::vector<Candidate>& candidates, const std::vector<ExprPtr>& args, bool& ambiguous) {
    const Candidate* best = nullptr;
    int best_cost = 1 << 30;
    ambiguous = false;
    for (const auto& c : candidates) {
        bool variadic = false;
        if constexpr (std::is_same_v<Candidate, ScalarFunction>) variadic = c.varargs.id() != TypeId::kInvalid;
        if (variadic ? args.size() < c.arguments.size() : args.size() != c.arguments.size()) continue;
        if constexpr (std::is_same_v<Candidate, ScalarFunction>) {
            if (c.requires_decimal_argument) {
                bool any_decimal = false;
                for (const auto& a : args) any_decimal = any_decimal || a->type.id() == TypeId::kDecimal;
                if (!any_decimal) continue;
            }
        }
        int cost = 0;
        bool ok = true;
        for (size_t i = 0; i < args.size() && ok; i++) {
            LogicalType param;
            if (i < c.arguments.size()) {
                param = c.arguments[i];
            } else {
                if constexpr (std::is_same_v<Candidate, ScalarFunction>) param = c.varargs;
            }
            int k = argument_cost(*args[i], param, args);
            if (k < 0) ok = false;
            cost += k;
        }
        if (!ok) continue;
        if (cost < best_cost) {
            best = &c;
            best_cost = cost;
            ambiguous = false;
        }
    }
    return best;
}

}  // namespace

ExprPtr bind_scalar_function(Binder& binder, const std::string& name, std::vector<ExprPtr> args, int position,
                             const std::string& display_name) {
    const auto& registry = FunctionRegistry::instance();
    const auto* candidates = registry.find_scalar(name);
    const std::string& shown = display_name.empty() ? name : display_name;
    if (!candidates) {
        throw Error(sql_state::kUndefinedFunction, fmt::format("function {}({}) does not exist", shown, type_list(args)), position);
    }
    bool ambiguous;
    const ScalarFunction* f = choose(*candidates, args, ambiguous);
    // Only untyped arguments (NULL, '1'): PostgreSQL prefers an all-text overload, and without one the choice is
    // ambiguous (42725) when several overloads fit.
    bool all_untyped = !args.empty();
    for (const auto& a : args) all_untyped = all_untyped && (a->unknown_literal || a->type.id() == TypeId::kNull);
    if (f && all_untyped && candidates->size() > 1) {
        const ScalarFunction* text_overload = nullptr;
        for (const auto& c : *candidates) {
            bool all_text = c.arguments.size() == args.size();
            for (const auto& t : c.arguments) all_text = all_text && t.is_string();
            if (all_text) text_overload = &c;
        }
        // All overloads numeric (round, abs, ...): PostgreSQL takes its preferred numeric type, double precision.
        const ScalarFunction* double_overload = nullptr;
        bool all_numeric = true;
        for (const auto& c : *candidates) {
            bool all_double = c.arguments.size() == args.size();
            for (const auto& t : c.arguments) {
                all_numeric = all_numeric && (t.is_numeric() || t.id() == TypeId::kDecimal);
                all_double = all_double && t.id() == TypeId::kDouble;
            }
            if (all_double) double_overload = &c;
        }
        if (text_overload) {
            f = text_overload;
        } else if (all_numeric) {
            if (double_overload) f = double_overload;
        } else {
            throw Error(sql_state::kAmbiguousFunction,
                        fmt::format("{} {}({}) is not unique", display_name.empty() ? "function" : "operator", shown, type_list(args)),
                        position);
        }
    }
    if (!f) {
        bool is_operator = !display_name.empty() && !std::isalpha(static_cast<unsigned char>(display_name[0]));
        if (is_operator && args.size() == 2) {
            throw Error(sql_state::kUndefinedFunction,
                        fmt::format("operator does not exist: {} {} {}", args[0]->unknown_literal ? "unknown" : pg_type_name(args[0]->type),
                                    display_name, args[1]->unknown_literal ? "unknown" : pg_type_name(args[1]->type)),
                        position);
        }
        if (is_operator && args.size() == 1) {
            throw Error(sql_state::kUndefinedFunction,
                        fmt::format("operator does not exist: {} {}", display_name, pg_type_name(args[0]->type)), position);
        }
        throw Error(sql_state::kUndefinedFunction, fmt::format("function {}({}) does not exist", shown, type_list(args)), position);
    }
    BoundScalarFunction bound;
    bound.function = f;
    bound.name = f->name;
    bound.kernel = f->kernel;
    bound.return_type = f->return_type;
    bound.null_handling = f->null_handling;
    bound.transaction_time = binder.catalog().transaction_time;
    for (size_t i = 0; i < args.size(); i++) {
        const LogicalType& param = i < f->arguments.size() ? f->arguments[i] : f->varargs;
        LogicalType target = target_type(*args[i], param);
        args[i] = binder.cast_to(std::move(args[i]), target);
        bound.arg_types.push_back(args[i]->type);
        if (args[i]->kind == ExpressionKind::kConstant) {
            bound.constant_args.push_back(args[i]->value);
        } else {
            bound.constant_args.push_back(std::nullopt);
        }
    }
    std::vector<LogicalType> bound_types = bound.arg_types;
    if (f->bind) {
        try {
            f->bind(bound, bound_types);
        } catch (Error& e) {
            if (e.position() == 0) e.set_position(position);
            throw;
        }
        // The bind callback may ask for different argument types (e.g. one common DECIMAL for comparisons).
        for (size_t i = 0; i < args.size(); i++) {
            if (args[i]->type != bound.arg_types[i]) args[i] = binder.cast_to(std::move(args[i]), bound.arg_types[i]);
        }
    }
    auto e = std::make_unique<Expression>(ExpressionKind::kFunction, bound.return_type);
    e->function = std::move(bound);
    e->children = std::move(args);
    return e;
}

BoundAggregate bind_aggregate_function(Binder& binder, const std::string& name, std::vector<ExprPtr>& args, int position) {
    const auto& registry = FunctionRegistry::instance();
    const auto* candidates = registry.find_aggregate(name);
    if (!candidates) {
        throw Error(sql_state::kUndefinedFunction, fmt::format("function {}({}) does not exist", name, type_list(args)), position);
    }
    bool ambiguous;
    const AggregateFunction* f = choose(*candidates, args, ambiguous);
    if (!f) {
        throw Error(sql_state::kUndefinedFunction, fmt::format("function {}({}) does not exist", name, type_list(args)), position);
    }
    BoundAggregate bound;
    bound.function = f;
    bound.name = f->name;
    bound.ignores_nulls = f->ignores_nulls;
    for (size_t i = 0; i < args.size(); i++) {
        args[i] = binder.cast_to(std::move(args[i]), target_type(*args[i], f->arguments[i]));
        bound.arg_types.push_back(args[i]->type);
        if (args[i]->kind == ExpressionKind::kConstant) {
            bound.constant_args.push_back(args[i]->value);
        } else {
            bound.constant_args.push_back(std::nullopt);
        }
    }
    f->bind(bound, bound.arg_types);
    return bound;
}

}  // namespace basalt

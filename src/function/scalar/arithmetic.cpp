// + - * / % and unary minus on numbers, dates, timestamps and intervals, with PostgreSQL's overflow and
// division-by-zero errors. DECIMAL results get exact types: a+b keeps the larger scale, a*b adds scales,
// a/b has scale max(16, s1, s2) (PostgreSQL picks at least 16 significant digits per value; a column type
// needs one scale for all rows).
#include <cmath>

#include <fmt/format.h>

#include "common/error.hpp"
#include "function/kernel_helpers.hpp"
#include "function/scalar/scalar_functions.hpp"
#include "types/datetime.hpp"
#include "types/decimal.hpp"
#include "types/physical_dispatch.hpp"

namespace basalt {

namespace {

enum class ArithOp { kAdd, kSubtract, kMultiply, kDivide, kModulo };

const char* op_name(ArithOp op) {
    switch (op) {
        case ArithOp::kAdd: return "add";
        case ArithOp::kSubtract: return "subtract";
        case ArithOp::kMultiply: return "multiply";
        case ArithOp::kDivide: return "divide";
        case ArithOp::kModulo: return "mod";
    }
    return "";
}

[[noreturn]] void integer_overflow(TypeId id) {
    const char* name = id == TypeId::kSmallInt ? "smallint" : id == TypeId::kInteger ? "integer" : "bigint";
    throw Error(sql_state::kNumericValueOutOfRange, fmt::format("{} out of range", name));
}

[[noreturn]] void division_by_zero() { throw Error(sql_state::kDivisionByZero, "division by zero"); }

template <class T>
ScalarKernel integer_kernel(ArithOp op, TypeId id) {
    return [op, id](const std::vector<Vector*>& args, idx_t count, Vector& result, const FunctionData*) {
        switch (op) {
            case ArithOp::kAdd:
                binary_execute<T, T, T>(*args[0], *args[1], count, result, [id](T a, T b) {
                    T r;
                    if (__builtin_add_overflow(a, b, &r)) integer_overflow(id);
                    return r;
                });
                break;
            case ArithOp::kSubtract:
                binary_execute<T, T, T>(*args[0], *args[1], count, result, [id](T a, T b) {
                    T r;
                    if (__builtin_sub_overflow(a, b, &r)) integer_overflow(id);
                    return r;
                });
                break;
            case ArithOp::kMultiply:
                binary_execute<T, T, T>(*args[0], *args[1], count, result, [id](T a, T b) {
                    T r;
                    if (__builtin_mul_overflow(a, b, &r)) integer_overflow(id);
                    return r;
                });
                break;
            case ArithOp::kDivide:
                binary_execute<T, T, T>(*args[0], *args[1], count, result, [id](T a, T b) {
                    if (b == 0) division_by_zero();
                    if (b == -1) {
                        T r;
                        if (__builtin_sub_overflow(T(0), a, &r)) integer_overflow(id);
                        return r;
                    }
                    return static_cast<T>(a / b);
                });
                break;
            case ArithOp::kModulo:
                binary_execute<T, T, T>(*args[0], *args[1], count, result, [](T a, T b) {
                    if (b == 0) division_by_zero();
                    if (b == -1) return T(0);
                    return static_cast<T>(a % b);
                });
                break;
        }
    };
}

template <class T>
ScalarKernel float_kernel(ArithOp op) {
    return [op](const std::vector<Vector*>& args, idx_t count, Vector& result, const FunctionData*) {
        auto check = [](T a, T b, T r) {
            if (std::isinf(r) && !std::isinf(a) && !std::isinf(b)) {
                throw Error(sql_state::kNumericValueOutOfRange, "value out of range: overflow");
            }
            return r;
        };
        switch (op) {
            case ArithOp::kAdd: binary_execute<T, T, T>(*args[0], *args[1], count, result, [&](T a, T b) { return check(a, b, a + b); }); break;
            case ArithOp::kSubtract: binary_execute<T, T, T>(*args[0], *args[1], count, result, [&](T a, T b) { return check(a, b, a - b); }); break;
            case ArithOp::kMultiply: binary_execute<T, T, T>(*args[0], *args[1], count, result, [&](T a, T b) { return check(a, b, a * b); }); break;
            case ArithOp::kDivide:
                binary_execute<T, T, T>(*args[0], *args[1], count, result, [&](T a, T b) {
                    if (b == 0) division_by_zero();
                    return check(a, b, a / b);
                });
                break;
            case ArithOp::kModulo:
                binary_execute<T, T, T>(*args[0], *args[1], count, result, [](T a, T b) {
                    if (b == 0) division_by_zero();
                    return static_cast<T>(std::fmod(a, b));
                });
                break;
        }
    };
}

struct DecimalOpData : FunctionData {
    ArithOp op;
    int scale_a, scale_b, scale_r, precision_r;
};

[[noreturn]] void numeric_overflow() {
    throw Error(sql_state::kNumericValueOutOfRange, "numeric field overflow");
}

int128_t scale_up(int128_t v, int by) {
    if (by == 0) return v;
    int128_t r;
    if (__builtin_mul_overflow(v, pow10_i128(by), &r)) numeric_overflow();
    return r;
}

int128_t decimal_apply(const DecimalOpData& d, int128_t a, int128_t b) {
    int128_t r;
    switch (d.op) {
        case ArithOp::kAdd:
            if (__builtin_add_overflow(scale_up(a, d.scale_r - d.scale_a), scale_up(b, d.scale_r - d.scale_b), &r)) numeric_overflow();
            break;
        case ArithOp::kSubtract:
            if (__builtin_sub_overflow(scale_up(a, d.scale_r - d.scale_a), scale_up(b, d.scale_r - d.scale_b), &r)) numeric_overflow();
            break;
        case ArithOp::kMultiply:
            if (__builtin_mul_overflow(a, b, &r)) numeric_overflow();
            // scale_a + scale_b may exceed the result scale when capped at 38 digits.
            if (d.scale_a + d.scale_b != d.scale_r) r = rescale_decimal(r, d.scale_a + d.scale_b, d.scale_r);
            break;
        case ArithOp::kDivide: {
            if (b == 0) division_by_zero();
            // a / b at scale_r: (a * 10^(scale_r - scale_a + scale_b)) / b, rounded half away from zero.
            int shift = d.scale_r - d.scale_a + d.scale_b;
            int128_t num = a;
            int128_t den = b;
            if (shift >= 0) {
                num = scale_up(a, shift);
            } else {
                den = scale_up(b, -shift);
            }
            r = num / den;
            int128_t rem = num % den;
            if (rem < 0) rem = -rem;
            int128_t abs_den = den < 0 ? -den : den;
            if (rem >= abs_den - rem) r += ((num < 0) != (den < 0)) ? -1 : 1;
            break;
        }
        case ArithOp::kModulo: {
            if (b == 0) division_by_zero();
            int128_t x = scale_up(a, d.scale_r - d.scale_a);
            int128_t y = scale_up(b, d.scale_r - d.scale_b);
            r = x % y;
            break;
        }
        default: r = 0;
    }
    check_decimal_precision(r, d.precision_r, d.scale_r);
    return r;
}

void decimal_kernel(const std::vector<Vector*>& args, idx_t count, Vector& result, const FunctionData* data) {
    const auto& d = static_cast<const DecimalOpData&>(*data);
    auto run = [&](auto ta, auto tb) {
        using TA = typename decltype(ta)::type;
        using TB = typename decltype(tb)::type;
        if (result.type().physical() == PhysicalType::kInt64) {
            binary_execute<TA, TB, int64_t>(*args[0], *args[1], count, result,
                                            [&](TA a, TB b) { return static_cast<int64_t>(decimal_apply(d, a, b)); });
        } else {
            binary_execute<TA, TB, int128_t>(*args[0], *args[1], count, result,
                                             [&](TA a, TB b) { return decimal_apply(d, a, b); });
        }
    };
    bool a64 = args[0]->type().physical() == PhysicalType::kInt64;
    bool b64 = args[1]->type().physical() == PhysicalType::kInt64;
    if (a64 && b64) run(std::type_identity<int64_t>{}, std::type_identity<int64_t>{});
    else if (a64) run(std::type_identity<int64_t>{}, std::type_identity<int128_t>{});
    else if (b64) run(std::type_identity<int128_t>{}, std::type_identity<int64_t>{});
    else run(std::type_identity<int128_t>{}, std::type_identity<int128_t>{});
}

void bind_decimal(ArithOp op, BoundScalarFunction& bound, const std::vector<LogicalType>& types) {
    int pa = types[0].precision(), sa = types[0].scale();
    int pb = types[1].precision(), sb = types[1].scale();
    int p = 0, s = 0;
    switch (op) {
        case ArithOp::kAdd:
        case ArithOp::kSubtract:
            s = std::max(sa, sb);
            p = std::max(pa - sa, pb - sb) + s + 1;
            break;
        case ArithOp::kMultiply:
            s = sa + sb;
            p = pa + pb;
            break;
        case ArithOp::kDivide:
            s = std::max({16, sa, sb});
            p = 38;
            break;
        case ArithOp::kModulo:
            s = std::max(sa, sb);
            p = std::max(pa - sa, pb - sb) + s;
            break;
    }
    if (s > 38) s = 38;
    if (p > 38) p = 38;
    if (p < s) p = s;
    if (p == 0) p = 1;
    auto data = std::make_shared<DecimalOpData>();
    data->op = op;
    data->scale_a = sa;
    data->scale_b = sb;
    data->scale_r = s;
    data->precision_r = p;
    bound.return_type = LogicalType::decimal(p, s);
    bound.data = data;
    bound.kernel = decimal_kernel;
}

void add_numeric_ops(FunctionRegistry& r, ArithOp op) {
    const char* name = op_name(op);
    auto add = [&](LogicalType t, ScalarKernel k) { r.add_scalar({.name = name, .arguments = {t, t}, .return_type = t, .kernel = std::move(k)}); };
    add(LogicalType::smallint(), integer_kernel<int16_t>(op, TypeId::kSmallInt));
    add(LogicalType::integer(), integer_kernel<int32_t>(op, TypeId::kInteger));
    add(LogicalType::bigint(), integer_kernel<int64_t>(op, TypeId::kBigInt));
    r.add_scalar({.name = name,
                  .arguments = {LogicalType(TypeId::kDecimal), LogicalType(TypeId::kDecimal)},
                  .return_type = LogicalType(TypeId::kDecimal),
                  .bind = [op](BoundScalarFunction& b, const std::vector<LogicalType>& t) { bind_decimal(op, b, t); }});
    if (op == ArithOp::kModulo) return;  // PostgreSQL has no % for floating point
    add(LogicalType::real(), float_kernel<float>(op));
    add(LogicalType::double_type(), float_kernel<double>(op));
}

template <class TA, class TB, class TR, class F>
ScalarKernel binary_lambda(F f) {
    return [f](const std::vector<Vector*>& args, idx_t count, Vector& result, const FunctionData*) {
        binary_execute<TA, TB, TR>(*args[0], *args[1], count, result, f);
    };
}

void add_temporal_ops(FunctionRegistry& r) {
    auto date = LogicalType::date(), ts = LogicalType::timestamp(), tstz = LogicalType::timestamptz();
    auto iv = LogicalType::interval(), i32 = LogicalType::integer(), f64 = LogicalType::double_type();
    r.add_scalar({.name = "add", .arguments = {date, i32}, .return_type = date,
                  .kernel = binary_lambda<int32_t, int32_t, int32_t>([](int32_t d, int32_t n) { return date_add_days(d, n); })});
    r.add_scalar({.name = "add", .arguments = {i32, date}, .return_type = date,
                  .kernel = binary_lambda<int32_t, int32_t, int32_t>([](int32_t n, int32_t d) { return date_add_days(d, n); })});
    r.add_scalar({.name = "subtract", .arguments = {date, i32}, .return_type = date,
                  .kernel = binary_lambda<int32_t, int32_t, int32_t>([](int32_t d, int32_t n) { return date_add_days(d, -static_cast<int64_t>(n)); })});
    r.add_scalar({.name = "subtract", .arguments = {date, date}, .return_type = i32,
                  .kernel = binary_lambda<int32_t, int32_t, int32_t>([](int32_t a, int32_t b) { return a - b; })});
    r.add_scalar({.name = "add", .arguments = {date, iv}, .return_type = ts,
                  .kernel = binary_lambda<int32_t, Interval, int64_t>([](int32_t d, Interval i) {
                      return timestamp_add_interval(static_cast<int64_t>(d) * kMicrosPerDay, i);
                  })});
    r.add_scalar({.name = "add", .arguments = {iv, date}, .return_type = ts,
                  .kernel = binary_lambda<Interval, int32_t, int64_t>([](Interval i, int32_t d) {
                      return timestamp_add_interval(static_cast<int64_t>(d) * kMicrosPerDay, i);
                  })});
    r.add_scalar({.name = "subtract", .arguments = {date, iv}, .return_type = ts,
                  .kernel = binary_lambda<int32_t, Interval, int64_t>([](int32_t d, Interval i) {
                      return timestamp_add_interval(static_cast<int64_t>(d) * kMicrosPerDay, interval_negate(i));
                  })});
    for (const auto& t : {ts, tstz}) {
        r.add_scalar({.name = "add", .arguments = {t, iv}, .return_type = t,
                      .kernel = binary_lambda<int64_t, Interval, int64_t>([](int64_t a, Interval i) { return timestamp_add_interval(a, i); })});
        r.add_scalar({.name = "add", .arguments = {iv, t}, .return_type = t,
                      .kernel = binary_lambda<Interval, int64_t, int64_t>([](Interval i, int64_t a) { return timestamp_add_interval(a, i); })});
        r.add_scalar({.name = "subtract", .arguments = {t, iv}, .return_type = t,
                      .kernel = binary_lambda<int64_t, Interval, int64_t>([](int64_t a, Interval i) { return timestamp_add_interval(a, interval_negate(i)); })});
        r.add_scalar({.name = "subtract", .arguments = {t, t}, .return_type = iv,
                      .kernel = binary_lambda<int64_t, int64_t, Interval>([](int64_t a, int64_t b) { return timestamp_difference(a, b); })});
    }
    r.add_scalar({.name = "add", .arguments = {iv, iv}, .return_type = iv,
                  .kernel = binary_lambda<Interval, Interval, Interval>([](Interval a, Interval b) { return interval_add(a, b); })});
    r.add_scalar({.name = "subtract", .arguments = {iv, iv}, .return_type = iv,
                  .kernel = binary_lambda<Interval, Interval, Interval>([](Interval a, Interval b) { return interval_add(a, interval_negate(b)); })});
    r.add_scalar({.name = "multiply", .arguments = {iv, f64}, .return_type = iv,
                  .kernel = binary_lambda<Interval, double, Interval>([](Interval a, double f) { return interval_multiply(a, f); })});
    r.add_scalar({.name = "multiply", .arguments = {f64, iv}, .return_type = iv,
                  .kernel = binary_lambda<double, Interval, Interval>([](double f, Interval a) { return interval_multiply(a, f); })});
    r.add_scalar({.name = "divide", .arguments = {iv, f64}, .return_type = iv,
                  .kernel = binary_lambda<Interval, double, Interval>([](Interval a, double f) { return interval_divide(a, f); })});
}

template <class T>
ScalarKernel negate_kernel(TypeId id) {
    return [id](const std::vector<Vector*>& args, idx_t count, Vector& result, const FunctionData*) {
        unary_execute<T, T>(*args[0], count, result, [id](T v) {
            if constexpr (std::is_integral_v<T> || std::is_same_v<T, int128_t>) {
                T r;
                if (__builtin_sub_overflow(T(0), v, &r)) integer_overflow(id);
                return r;
            } else if constexpr (std::is_same_v<T, Interval>) {
                return interval_negate(v);
            } else {
                return -v;
            }
        });
    };
}

void add_negate(FunctionRegistry& r) {
    r.add_scalar({.name = "negate", .arguments = {LogicalType::smallint()}, .return_type = LogicalType::smallint(), .kernel = negate_kernel<int16_t>(TypeId::kSmallInt)});
    r.add_scalar({.name = "negate", .arguments = {LogicalType::integer()}, .return_type = LogicalType::integer(), .kernel = negate_kernel<int32_t>(TypeId::kInteger)});
    r.add_scalar({.name = "negate", .arguments = {LogicalType::bigint()}, .return_type = LogicalType::bigint(), .kernel = negate_kernel<int64_t>(TypeId::kBigInt)});
    r.add_scalar({.name = "negate", .arguments = {LogicalType(TypeId::kDecimal)}, .return_type = LogicalType(TypeId::kDecimal),
                  .bind = [](BoundScalarFunction& b, const std::vector<LogicalType>& t) {
                      b.return_type = t[0];
                      b.kernel = t[0].physical() == PhysicalType::kInt64 ? negate_kernel<int64_t>(TypeId::kBigInt) : negate_kernel<int128_t>(TypeId::kBigInt);
                  }});
    r.add_scalar({.name = "negate", .arguments = {LogicalType::real()}, .return_type = LogicalType::real(), .kernel = negate_kernel<float>(TypeId::kReal)});
    r.add_scalar({.name = "negate", .arguments = {LogicalType::double_type()}, .return_type = LogicalType::double_type(), .kernel = negate_kernel<double>(TypeId::kDouble)});
    r.add_scalar({.name = "negate", .arguments = {LogicalType::interval()}, .return_type = LogicalType::interval(), .kernel = negate_kernel<Interval>(TypeId::kInterval)});
}

}  // namespace

void register_arithmetic_functions(FunctionRegistry& registry) {
    for (ArithOp op : {ArithOp::kAdd, ArithOp::kSubtract, ArithOp::kMultiply, ArithOp::kDivide, ArithOp::kModulo}) {
        add_numeric_ops(registry, op);
    }
    add_temporal_ops(registry);
    add_negate(registry);
}

}  // namespace basalt

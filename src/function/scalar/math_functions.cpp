// abs, round, floor, ceil, trunc, sign on every numeric type (DECIMAL stays exact); power, sqrt, ln, log,
// exp and trigonometry in double precision, with PostgreSQL's domain errors.
#include <cmath>
#include <random>

#include "common/error.hpp"
#include "function/kernel_helpers.hpp"
#include "function/scalar/scalar_functions.hpp"
#include "types/decimal.hpp"

namespace basalt {

namespace {

using Args = const std::vector<Vector*>&;

template <class T, class F>
ScalarKernel unary(F f) {
    return [f](Args args, idx_t count, Vector& result, const FunctionData*) { unary_execute<T, T>(*args[0], count, result, f); };
}

ScalarKernel double_fn(double (*f)(double)) {
    return [f](Args args, idx_t count, Vector& result, const FunctionData*) {
        unary_execute<double, double>(*args[0], count, result, f);
    };
}

struct ScaleData : FunctionData {
    int from_scale = 0;
    int to_scale = 0;
};

enum class RoundMode { kRound, kFloor, kCeil, kTrunc };

int128_t round_scaled(int128_t v, int from, int to, RoundMode mode) {
    if (to >= from) return v * pow10_i128(to - from);
    int128_t div = pow10_i128(from - to);
    int128_t q = v / div, r = v % div;
    switch (mode) {
        case RoundMode::kRound:
            if (r >= div - r && r > 0) q++;
            if (r < 0 && -r >= div + r) q--;
            break;
        case RoundMode::kFloor:
            if (r < 0) q--;
            break;
        case RoundMode::kCeil:
            if (r > 0) q++;
            break;
        case RoundMode::kTrunc: break;
    }
    return q;
}

// round/floor/ceil/trunc of a DECIMAL to `digits` places (0 when no second argument).
void bind_decimal_round(RoundMode mode, bool has_digits, BoundScalarFunction& b, const std::vector<LogicalType>& types) {
    int scale = types[0].scale();
    int digits = 0;
    if (has_digits) {
        if (b.constant_args.size() < 2 || !b.constant_args[1] || b.constant_args[1]->is_null()) {
            digits = scale;  // a non-constant digit count keeps the input scale
        } else {
            digits = static_cast<int>(b.constant_args[1]->get_int64());
        }
    }
    int to_scale = std::clamp(digits, 0, 38);
    int integer_digits = types[0].precision() - scale + 1;
    int precision = std::min(38, std::max(1, integer_digits + to_scale));
    auto data = std::make_shared<ScaleData>();
    data->from_scale = scale;
    data->to_scale = to_scale;
    b.data = data;
    b.return_type = LogicalType::decimal(precision, to_scale);
    bool negative_digits = digits < 0;
    int drop = -digits;
    auto apply = [mode, negative_digits, drop](int128_t v, const ScaleData& d) {
        if (negative_digits) {
            // round(x, -2): round to hundreds, keep scale 0.
            int128_t whole = round_scaled(v, d.from_scale, 0, mode);
            int128_t unit = pow10_i128(std::min(drop, 38));
            return round_scaled(whole, drop, 0, mode) * unit;
        }
        return round_scaled(v, d.from_scale, d.to_scale, mode);
    };
    bool in64 = types[0].physical() == PhysicalType::kInt64;
    bool out64 = b.return_type.physical() == PhysicalType::kInt64;
    b.kernel = [apply, in64, out64](Args args, idx_t count, Vector& result, const FunctionData* fd) {
        const auto& d = static_cast<const ScaleData&>(*fd);
        const Vector& v = *args[0];
        for (idx_t i = 0; i < count; i++) {
            idx_t row = v.is_constant() ? 0 : i;
            if (!v.validity().is_valid(row)) continue;
            int128_t x = in64 ? v.data<int64_t>()[row] : v.data<int128_t>()[row];
            int128_t r = apply(x, d);
            if (out64) {
                result.data<int64_t>()[i] = static_cast<int64_t>(r);
            } else {
                result.data<int128_t>()[i] = r;
            }
        }
    };
}

double round_double_digits(double x, int64_t digits) {
    double f = std::pow(10.0, static_cast<double>(digits));
    return std::round(x * f) / f;
}

}  // namespace

void register_math_functions(FunctionRegistry& r) {
    auto d = LogicalType::double_type(), dec = LogicalType(TypeId::kDecimal), i64 = LogicalType::bigint();
    auto i32 = LogicalType::integer(), i16 = LogicalType::smallint(), f32 = LogicalType::real();
    // abs
    r.add_scalar({.name = "abs", .arguments = {i16}, .return_type = i16, .kernel = unary<int16_t>([](int16_t v) {
                      if (v == INT16_MIN) throw Error(sql_state::kNumericValueOutOfRange, "smallint out of range");
                      return static_cast<int16_t>(v < 0 ? -v : v);
                  })});
    r.add_scalar({.name = "abs", .arguments = {i32}, .return_type = i32, .kernel = unary<int32_t>([](int32_t v) {
                      if (v == INT32_MIN) throw Error(sql_state::kNumericValueOutOfRange, "integer out of range");
                      return v < 0 ? -v : v;
                  })});
    r.add_scalar({.name = "abs", .arguments = {i64}, .return_type = i64, .kernel = unary<int64_t>([](int64_t v) {
                      if (v == INT64_MIN) throw Error(sql_state::kNumericValueOutOfRange, "bigint out of range");
                      return v < 0 ? -v : v;
                  })});
    r.add_scalar({.name = "abs", .arguments = {dec}, .return_type = dec, .bind = [](BoundScalarFunction& b, const std::vector<LogicalType>& t) {
                      b.return_type = t[0];
                      if (t[0].physical() == PhysicalType::kInt64) {
                          b.kernel = unary<int64_t>([](int64_t v) { return v < 0 ? -v : v; });
                      } else {
                          b.kernel = unary<int128_t>([](int128_t v) { return v < 0 ? -v : v; });
                      }
                  }});
    r.add_scalar({.name = "abs", .arguments = {f32}, .return_type = f32, .kernel = unary<float>([](float v) { return std::fabs(v); })});
    r.add_scalar({.name = "abs", .arguments = {d}, .return_type = d, .kernel = unary<double>([](double v) { return std::fabs(v); })});
    // rounding
    struct RoundFn {
        const char* name;
        RoundMode mode;
        double (*fn)(double);
    };
    for (RoundFn f : {RoundFn{"round", RoundMode::kRound, [](double x) { return std::nearbyint(x); }},
                      RoundFn{"floor", RoundMode::kFloor, [](double x) { return std::floor(x); }},
                      RoundFn{"ceil", RoundMode::kCeil, [](double x) { return std::ceil(x); }},
                      RoundFn{"ceiling", RoundMode::kCeil, [](double x) { return std::ceil(x); }},
                      RoundFn{"trunc", RoundMode::kTrunc, [](double x) { return std::trunc(x); }}}) {
        RoundMode mode = f.mode;
        r.add_scalar({.name = f.name, .arguments = {dec}, .return_type = dec,
                      .bind = [mode](BoundScalarFunction& b, const std::vector<LogicalType>& t) { bind_decimal_round(mode, false, b, t); }});
        r.add_scalar({.name = f.name, .arguments = {d}, .return_type = d, .kernel = double_fn(f.fn)});
    }
    for (const char* name : {"round", "trunc"}) {
        RoundMode mode = std::string(name) == "round" ? RoundMode::kRound : RoundMode::kTrunc;
        r.add_scalar({.name = name, .arguments = {dec, i32}, .return_type = dec,
                      .bind = [mode](BoundScalarFunction& b, const std::vector<LogicalType>& t) { bind_decimal_round(mode, true, b, t); }});
    }
    (void)round_double_digits;  // round(double precision, int) does not exist in PostgreSQL
    // sign
    r.add_scalar({.name = "sign", .arguments = {d}, .return_type = d,
                  .kernel = unary<double>([](double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); })});
    r.add_scalar({.name = "sign", .arguments = {dec}, .return_type = dec, .bind = [](BoundScalarFunction& b, const std::vector<LogicalType>& t) {
                      b.return_type = LogicalType::decimal(1, 0);
                      bool in64 = t[0].physical() == PhysicalType::kInt64;
                      b.kernel = [in64](Args args, idx_t count, Vector& result, const FunctionData*) {
                          if (in64) {
                              unary_execute<int64_t, int64_t>(*args[0], count, result, [](int64_t v) -> int64_t { return v > 0 ? 1 : (v < 0 ? -1 : 0); });
                          } else {
                              unary_execute<int128_t, int64_t>(*args[0], count, result, [](int128_t v) -> int64_t { return v > 0 ? 1 : (v < 0 ? -1 : 0); });
                          }
                      };
                  }});
    // transcendental
    r.add_scalar({.name = "sqrt", .arguments = {d}, .return_type = d, .kernel = double_fn([](double x) {
                      if (x < 0) throw Error(sql_state::kInvalidArgumentForPower, "cannot take square root of a negative number");
                      return std::sqrt(x);
                  })});
    r.add_scalar({.name = "cbrt", .arguments = {d}, .return_type = d, .kernel = double_fn([](double x) { return std::cbrt(x); })});
    // numeric versions: computed in long double, returned as NUMERIC with 16 decimals (PostgreSQL keeps numeric).
    auto to_numeric = [](long double v, Vector& result, idx_t i) {
        if (!std::isfinite(static_cast<double>(v)) || std::fabs(v) >= 1e21L) {
            throw Error(sql_state::kNumericValueOutOfRange, "value out of range: overflow");
        }
        // 16 decimals: whole and fractional parts separately to keep the long double's precision.
        long double whole = std::floor(v);
        long double fraction = v - whole;
        result.data<int128_t>()[i] = static_cast<int128_t>(whole) * static_cast<int128_t>(10000000000000000LL) +
                                     static_cast<int128_t>(std::llround(fraction * 1e16L));
    };
    auto read_numeric = [](const Vector& v, idx_t i) -> long double {
        idx_t row = v.is_constant() ? 0 : i;
        int scale = v.type().scale();
        long double x = v.type().physical() == PhysicalType::kInt64 ? static_cast<long double>(v.data<int64_t>()[row])
                                                                      : static_cast<long double>(v.data<int128_t>()[row]);
        return x / std::pow(10.0L, scale);
    };
    auto numeric16 = LogicalType::decimal(38, 16);
    r.add_scalar({.name = "sqrt", .arguments = {dec}, .return_type = numeric16,
                  .bind = [=](BoundScalarFunction& b, const std::vector<LogicalType>&) {
                      b.return_type = numeric16;
                      b.kernel = [=](Args args, idx_t count, Vector& result, const FunctionData*) {
                          for (idx_t i = 0; i < count; i++) {
                              if (args[0]->is_null(i)) continue;
                              long double x = read_numeric(*args[0], i);
                              if (x < 0) throw Error(sql_state::kInvalidArgumentForPower, "cannot take square root of a negative number");
                              to_numeric(std::sqrt(x), result, i);
                          }
                      };
                  },
                  .requires_decimal_argument = true});
    for (const char* name : {"power", "pow"}) {
        r.add_scalar({.name = name, .arguments = {dec, dec}, .return_type = numeric16,
                      .bind = [=](BoundScalarFunction& b, const std::vector<LogicalType>&) {
                          b.return_type = numeric16;
                          b.kernel = [=](Args args, idx_t count, Vector& result, const FunctionData*) {
                              for (idx_t i = 0; i < count; i++) {
                                  if (args[0]->is_null(i) || args[1]->is_null(i)) continue;
                                  long double x = read_numeric(*args[0], i), y = read_numeric(*args[1], i);
                                  if (x == 0 && y < 0) {
                                      throw Error(sql_state::kInvalidArgumentForPower, "zero raised to a negative power is undefined");
                                  }
                                  if (x < 0 && std::floor(y) != y) {
                                      throw Error(sql_state::kInvalidArgumentForPower,
                                                  "a negative number raised to a non-integer power yields a complex result");
                                  }
                                  to_numeric(std::pow(x, y), result, i);
                              }
                          };
                      },
                      .requires_decimal_argument = true});
    }
    r.add_scalar({.name = "exp", .arguments = {d}, .return_type = d, .kernel = double_fn([](double x) {
                      double v = std::exp(x);
                      if (std::isinf(v)) throw Error(sql_state::kNumericValueOutOfRange, "value out of range: overflow");
                      return v;
                  })});
    auto log_check = [](double x) {
        if (x == 0) throw Error(sql_state::kInvalidArgumentForLog, "cannot take logarithm of zero");
        if (x < 0) throw Error(sql_state::kInvalidArgumentForLog, "cannot take logarithm of a negative number");
    };
    r.add_scalar({.name = "ln", .arguments = {d}, .return_type = d, .kernel = [log_check](Args a, idx_t n, Vector& res, const FunctionData*) {
                      unary_execute<double, double>(*a[0], n, res, [&](double x) { log_check(x); return std::log(x); });
                  }});
    for (const char* name : {"log", "log10"}) {
        r.add_scalar({.name = name, .arguments = {d}, .return_type = d, .kernel = [log_check](Args a, idx_t n, Vector& res, const FunctionData*) {
                          unary_execute<double, double>(*a[0], n, res, [&](double x) { log_check(x); return std::log10(x); });
                      }});
    }
    r.add_scalar({.name = "log", .arguments = {d, d}, .return_type = d, .kernel = [log_check](Args a, idx_t n, Vector& res, const FunctionData*) {
                      binary_execute<double, double, double>(*a[0], *a[1], n, res, [&](double b, double x) {
                          log_check(b);
                          log_check(x);
                          if (b == 1) throw Error(sql_state::kDivisionByZero, "division by zero");
                          return std::log(x) / std::log(b);
                      });
                  }});
    for (const char* name : {"power", "pow"}) {
        r.add_scalar({.name = name, .arguments = {d, d}, .return_type = d, .kernel = [](Args a, idx_t n, Vector& res, const FunctionData*) {
                          binary_execute<double, double, double>(*a[0], *a[1], n, res, [](double x, double y) {
                              if (x == 0 && y < 0) throw Error(sql_state::kInvalidArgumentForPower, "zero raised to a negative power is undefined");
                              if (x < 0 && std::floor(y) != y) {
                                  throw Error(sql_state::kInvalidArgumentForPower, "a negative number raised to a non-integer power yields a complex result");
                              }
                              double v = std::pow(x, y);
                              if (std::isinf(v) && std::isfinite(x) && std::isfinite(y)) {
                                  throw Error(sql_state::kNumericValueOutOfRange, "value out of range: overflow");
                              }
                              return v;
                          });
                      }});
    }
    struct Trig {
        const char* name;
        double (*fn)(double);
    };
    for (Trig t : {Trig{"sin", [](double x) { return std::sin(x); }}, Trig{"cos", [](double x) { return std::cos(x); }},
                   Trig{"tan", [](double x) { return std::tan(x); }}, Trig{"asin", [](double x) { return std::asin(x); }},
                   Trig{"acos", [](double x) { return std::acos(x); }}, Trig{"atan", [](double x) { return std::atan(x); }},
                   Trig{"degrees", [](double x) { return x * 180.0 / M_PI; }},
                   Trig{"radians", [](double x) { return x * M_PI / 180.0; }}}) {
        r.add_scalar({.name = t.name, .arguments = {d}, .return_type = d, .kernel = double_fn(t.fn)});
    }
    r.add_scalar({.name = "atan2", .arguments = {d, d}, .return_type = d, .kernel = [](Args a, idx_t n, Vector& res, const FunctionData*) {
                      binary_execute<double, double, double>(*a[0], *a[1], n, res, [](double y, double x) { return std::atan2(y, x); });
                  }});
    r.add_scalar({.name = "pi", .arguments = {}, .return_type = d, .kernel = [](Args, idx_t n, Vector& res, const FunctionData*) {
                      for (idx_t i = 0; i < n; i++) res.data<double>()[i] = M_PI;
                  }});
    r.add_scalar({.name = "random", .arguments = {}, .return_type = d,
                  .kernel = [](Args, idx_t n, Vector& res, const FunctionData*) {
                      thread_local std::mt19937_64 rng(std::random_device{}());
                      std::uniform_real_distribution<double> dist(0.0, 1.0);
                      for (idx_t i = 0; i < n; i++) res.data<double>()[i] = dist(rng);
                  },
                  .is_volatile = true});
}

}  // namespace basalt

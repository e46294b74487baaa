#include "function/cast.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "common/error.hpp"
#include "function/kernel_helpers.hpp"
#include "types/datetime.hpp"
#include "types/decimal.hpp"
#include "types/physical_dispatch.hpp"
#include "types/value_format.hpp"

namespace basalt {

namespace {

int numeric_rank(TypeId id) {
    switch (id) {
        case TypeId::kSmallInt: return 1;
        case TypeId::kInteger: return 2;
        case TypeId::kBigInt: return 3;
        case TypeId::kDecimal: return 4;
        case TypeId::kReal: return 5;
        case TypeId::kDouble: return 6;
        default: return 0;
    }
}

int temporal_rank(TypeId id) {
    switch (id) {
        case TypeId::kDate: return 1;
        case TypeId::kTimestamp: return 2;
        case TypeId::kTimestampTz: return 3;
        default: return 0;
    }
}

[[noreturn]] void out_of_range(const LogicalType& type) {
    const char* name = type.id() == TypeId::kSmallInt ? "smallint" : type.id() == TypeId::kInteger ? "integer" : "bigint";
    throw Error(sql_state::kNumericValueOutOfRange, fmt::format("{} out of range", name));
}

[[noreturn]] void invalid_input(const LogicalType& type, std::string_view text) {
    throw Error(sql_state::kInvalidTextRepresentation,
                fmt::format("invalid input syntax for type {}: \"{}\"", pg_type_name(type), text));
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

int64_t integer_limit_max(TypeId id) {
    return id == TypeId::kSmallInt ? INT16_MAX : id == TypeId::kInteger ? INT32_MAX : INT64_MAX;
}
int64_t integer_limit_min(TypeId id) {
    return id == TypeId::kSmallInt ? INT16_MIN : id == TypeId::kInteger ? INT32_MIN : INT64_MIN;
}

int64_t parse_integer(std::string_view text, const LogicalType& type) {
    std::string_view s = trim(text);
    if (s.empty()) invalid_input(type, text);
    bool negative = false;
    size_t i = 0;
    if (s[0] == '+' || s[0] == '-') {
        negative = s[0] == '-';
        i = 1;
    }
    if (i >= s.size()) invalid_input(type, text);
    int128_t v = 0;
    for (; i < s.size(); i++) {
        char c = s[i];
        if (c == '_' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) continue;
        if (c < '0' || c > '9') invalid_input(type, text);
        v = v * 10 + (c - '0');
        if (v > static_cast<int128_t>(INT64_MAX) + 1) break;
    }
    if (negative) v = -v;
    if (v > integer_limit_max(type.id()) || v < integer_limit_min(type.id())) {
        throw Error(sql_state::kNumericValueOutOfRange,
                    fmt::format("value \"{}\" is out of range for type {}", text, pg_type_name(type)));
    }
    return static_cast<int64_t>(v);
}

double parse_double(std::string_view text, const LogicalType& type) {
    std::string s(trim(text));
    std::string lower;
    for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "nan") return NAN;
    if (lower == "infinity" || lower == "+infinity" || lower == "inf" || lower == "+inf") return INFINITY;
    if (lower == "-infinity" || lower == "-inf") return -INFINITY;
    if (s.empty()) invalid_input(type, text);
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || lower.find("inf") != std::string::npos || lower.find("nan") != std::string::npos ||
        lower.find('x') != std::string::npos) {
        invalid_input(type, text);
    }
    if (errno == ERANGE && std::isinf(v)) {
        throw Error(sql_state::kNumericValueOutOfRange,
                    fmt::format("\"{}\" is out of range for type {}", text, pg_type_name(type)));
    }
    if (type.id() == TypeId::kReal && std::isfinite(v) && std::fabs(v) > 3.4028235e38) {
        throw Error(sql_state::kNumericValueOutOfRange,
                    fmt::format("\"{}\" is out of range for type real", text));
    }
    return v;
}

bool parse_bool(std::string_view text) {
    std::string lower;
    for (char c : trim(text)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const char* kTrue[] = {"t", "tr", "tru", "true", "y", "ye", "yes", "on", "1"};
    static const char* kFalse[] = {"f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0"};
    for (const char* t : kTrue) {
        if (lower == t) return true;
    }
    for (const char* f : kFalse) {
        if (lower == f) return false;
    }
    invalid_input(LogicalType::boolean(), text);
}

template <class T>
int128_t to_int128(T v) {
    return static_cast<int128_t>(v);
}

// Reads any integer-backed numeric (integers and decimals) as a scaled int128 with its scale.
template <class T>
double to_double_scaled(T v, int scale) {
    if (scale == 0) return static_cast<double>(v);
    return static_cast<double>(v) / static_cast<double>(pow10_i128(scale));
}

template <class TSrc>
void cast_from_integer_backed(const Vector& src, Vector& result, idx_t count) {
    const LogicalType& from = src.type();
    const LogicalType& to = result.type();
    int from_scale = from.id() == TypeId::kDecimal ? from.scale() : 0;
    switch (to.id()) {
        case TypeId::kBoolean:
            unary_execute<TSrc, bool>(src, count, result, [](TSrc v) { return v != 0; });
            return;
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt: {
            int64_t lo = integer_limit_min(to.id()), hi = integer_limit_max(to.id());
            dispatch_physical(to.physical(), [&](auto tag) {
                using TR = typename decltype(tag)::type;
                if constexpr (std::is_integral_v<TR> && !std::is_same_v<TR, bool>) {
                    unary_execute<TSrc, TR>(src, count, result, [&](TSrc v) {
                        int128_t x = from_scale ? rescale_decimal(v, from_scale, 0) : to_int128(v);
                        if (x < lo || x > hi) out_of_range(to);
                        return static_cast<TR>(x);
                    });
                }
            });
            return;
        }
        case TypeId::kDecimal: {
            int to_scale = to.scale(), precision = to.precision();
            auto convert = [=](TSrc v) {
                int128_t x = rescale_decimal(to_int128(v), from_scale, to_scale);
                check_decimal_precision(x, precision, to_scale);
                return x;
            };
            if (to.physical() == PhysicalType::kInt64) {
                unary_execute<TSrc, int64_t>(src, count, result, [&](TSrc v) { return static_cast<int64_t>(convert(v)); });
            } else {
                unary_execute<TSrc, int128_t>(src, count, result, convert);
            }
            return;
        }
        case TypeId::kReal:
            unary_execute<TSrc, float>(src, count, result, [&](TSrc v) { return static_cast<float>(to_double_scaled(v, from_scale)); });
            return;
        case TypeId::kDouble:
            unary_execute<TSrc, double>(src, count, result, [&](TSrc v) { return to_double_scaled(v, from_scale); });
            return;
        default: break;
    }
    throw Error(sql_state::kCannotCoerce, fmt::format("cannot cast type {} to {}", pg_type_name(from), pg_type_name(to)));
}

template <class TSrc>
void cast_from_float(const Vector& src, Vector& result, idx_t count) {
    const LogicalType& to = result.type();
    switch (to.id()) {
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt: {
            double lo = static_cast<double>(integer_limit_min(to.id()));
            double hi = static_cast<double>(integer_limit_max(to.id()));
            dispatch_physical(to.physical(), [&](auto tag) {
                using TR = typename decltype(tag)::type;
                if constexpr (std::is_integral_v<TR> && !std::is_same_v<TR, bool>) {
                    unary_execute<TSrc, TR>(src, count, result, [&](TSrc v) {
                        double r = std::nearbyint(static_cast<double>(v));  // half to even, as PostgreSQL's rint
                        if (std::isnan(r) || r < lo || r >= hi + 1.0) out_of_range(to);
                        return static_cast<TR>(r);
                    });
                }
            });
            return;
        }
        case TypeId::kDecimal: {
            int scale = to.scale(), precision = to.precision();
            auto convert = [=](TSrc v) -> int128_t {
                if (!std::isfinite(static_cast<double>(v))) {
                    throw Error(sql_state::kFeatureNotSupported, "cannot convert NaN or Infinity to numeric");
                }
                char buf[64];
                auto res = std::to_chars(buf, buf + sizeof buf, v);
                return parse_decimal(std::string_view(buf, res.ptr - buf), precision, scale);
            };
            if (to.physical() == PhysicalType::kInt64) {
                unary_execute<TSrc, int64_t>(src, count, result, [&](TSrc v) { return static_cast<int64_t>(convert(v)); });
            } else {
                unary_execute<TSrc, int128_t>(src, count, result, convert);
            }
            return;
        }
        case TypeId::kReal:
            unary_execute<TSrc, float>(src, count, result, [](TSrc v) {
                if (std::isfinite(static_cast<double>(v)) && std::fabs(static_cast<double>(v)) > 3.4028235e38) {
                    throw Error(sql_state::kNumericValueOutOfRange, "value out of range: overflow");
                }
                return static_cast<float>(v);
            });
            return;
        case TypeId::kDouble: unary_execute<TSrc, double>(src, count, result, [](TSrc v) { return static_cast<double>(v); }); return;
        default: break;
    }
    throw Error(sql_state::kCannotCoerce,
                fmt::format("cannot cast type {} to {}", pg_type_name(src.type()), pg_type_name(to)));
}

void cast_to_string(const Vector& src, Vector& result, idx_t count) {
    const LogicalType& from = src.type();
    const LogicalType& to = result.type();
    int max_length = to.length();
    bool is_char = to.id() == TypeId::kChar;
    dispatch_physical(from.physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        unary_execute<T, std::string_view>(src, count, result, [&](const T& v) -> std::string_view {
            std::string text;
            std::string_view view;
            if constexpr (std::is_same_v<T, std::string_view>) {
                view = v;
            } else {
                text = format_physical(from, &v);
                view = text;
            }
            if (max_length >= 0 && static_cast<int>(view.size()) > max_length) view = view.substr(0, max_length);
            if (is_char) {
                while (!view.empty() && view.back() == ' ') view.remove_suffix(1);
            }
            if constexpr (std::is_same_v<T, std::string_view>) {
                return view;  // a substring of the source: its bytes are kept alive below
            } else {
                return result.add_string(view);
            }
        });
    });
    result.keep_alive_from(src);
}

void cast_from_string(const Vector& src, Vector& result, idx_t count) {
    const LogicalType& to = result.type();
    switch (to.id()) {
        case TypeId::kBoolean:
            unary_execute<std::string_view, bool>(src, count, result, [](std::string_view s) { return parse_bool(s); });
            return;
        case TypeId::kSmallInt:
            unary_execute<std::string_view, int16_t>(src, count, result,
                                                     [&](std::string_view s) { return static_cast<int16_t>(parse_integer(s, to)); });
            return;
        case TypeId::kInteger:
            unary_execute<std::string_view, int32_t>(src, count, result,
                                                     [&](std::string_view s) { return static_cast<int32_t>(parse_integer(s, to)); });
            return;
        case TypeId::kBigInt:
            unary_execute<std::string_view, int64_t>(src, count, result, [&](std::string_view s) { return parse_integer(s, to); });
            return;
        case TypeId::kReal:
            unary_execute<std::string_view, float>(src, count, result,
                                                   [&](std::string_view s) { return static_cast<float>(parse_double(s, to)); });
            return;
        case TypeId::kDouble:
            unary_execute<std::string_view, double>(src, count, result, [&](std::string_view s) { return parse_double(s, to); });
            return;
        case TypeId::kDecimal:
            if (to.physical() == PhysicalType::kInt64) {
                unary_execute<std::string_view, int64_t>(src, count, result, [&](std::string_view s) {
                    return static_cast<int64_t>(parse_decimal(s, to.precision(), to.scale()));
                });
            } else {
                unary_execute<std::string_view, int128_t>(src, count, result,
                                                          [&](std::string_view s) { return parse_decimal(s, to.precision(), to.scale()); });
            }
            return;
        case TypeId::kDate:
            unary_execute<std::string_view, int32_t>(src, count, result, [](std::string_view s) { return parse_date(s); });
            return;
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: {
            bool tz = to.id() == TypeId::kTimestampTz;
            unary_execute<std::string_view, int64_t>(src, count, result,
                                                     [=](std::string_view s) { return parse_timestamp(s, tz); });
            return;
        }
        case TypeId::kInterval:
            unary_execute<std::string_view, Interval>(src, count, result, [](std::string_view s) { return parse_interval(s); });
            return;
        case TypeId::kVarchar:
        case TypeId::kChar: cast_to_string(src, result, count); return;
        default: break;
    }
    throw Error(sql_state::kCannotCoerce, fmt::format("cannot cast type text to {}", pg_type_name(to)));
}

void cast_temporal(const Vector& src, Vector& result, idx_t count) {
    TypeId from = src.type().id(), to = result.type().id();
    if (from == TypeId::kDate && (to == TypeId::kTimestamp || to == TypeId::kTimestampTz)) {
        unary_execute<int32_t, int64_t>(src, count, result, [](int32_t d) { return static_cast<int64_t>(d) * kMicrosPerDay; });
        return;
    }
    if ((from == TypeId::kTimestamp || from == TypeId::kTimestampTz) && to == TypeId::kDate) {
        unary_execute<int64_t, int32_t>(src, count, result, [](int64_t t) {
            int64_t d = t / kMicrosPerDay;
            if (t % kMicrosPerDay < 0) d--;
            return static_cast<int32_t>(d);
        });
        return;
    }
    if ((from == TypeId::kTimestamp || from == TypeId::kTimestampTz) &&
        (to == TypeId::kTimestamp || to == TypeId::kTimestampTz)) {
        unary_execute<int64_t, int64_t>(src, count, result, [](int64_t t) { return t; });
        return;
    }
    throw Error(sql_state::kCannotCoerce,
                fmt::format("cannot cast type {} to {}", pg_type_name(src.type()), pg_type_name(result.type())));
}

}  // namespace

void cast_vector(const Vector& src, Vector& result, idx_t count) {
    const LogicalType& from = src.type();
    const LogicalType& to = result.type();
    if (src.is_constant()) count = 1;
    result.reset();
    if (from.id() == TypeId::kNull) {
        for (idx_t i = 0; i < count; i++) result.set_null(i);
    } else if (to.is_string()) {
        cast_to_string(src, result, count);
    } else if (from.is_string()) {
        cast_from_string(src, result, count);
    } else if (from == to) {
        dispatch_physical(from.physical(), [&](auto tag) {
            using T = typename decltype(tag)::type;
            unary_execute<T, T>(src, count, result, [](const T& v) { return v; });
        });
    } else if (from.id() == TypeId::kBoolean) {
        if (!to.is_integral()) {
            throw Error(sql_state::kCannotCoerce, fmt::format("cannot cast type boolean to {}", pg_type_name(to)));
        }
        dispatch_physical(to.physical(), [&](auto tag) {
            using TR = typename decltype(tag)::type;
            if constexpr (std::is_integral_v<TR> && !std::is_same_v<TR, bool>) {
                unary_execute<bool, TR>(src, count, result, [](bool b) { return static_cast<TR>(b ? 1 : 0); });
            }
        });
    } else if (from.is_integral() || from.id() == TypeId::kDecimal) {
        if (from.id() == TypeId::kDecimal && to.id() == TypeId::kBoolean) {
            throw Error(sql_state::kCannotCoerce, "cannot cast type numeric to boolean");
        }
        dispatch_physical(from.physical(), [&](auto tag) {
            using T = typename decltype(tag)::type;
            if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
                cast_from_integer_backed<T>(src, result, count);
            } else if constexpr (std::is_same_v<T, int128_t>) {
                cast_from_integer_backed<T>(src, result, count);
            }
        });
    } else if (from.id() == TypeId::kReal) {
        cast_from_float<float>(src, result, count);
    } else if (from.id() == TypeId::kDouble) {
        cast_from_float<double>(src, result, count);
    } else if (from.is_temporal() && to.is_temporal()) {
        cast_temporal(src, result, count);
    } else {
        throw Error(sql_state::kCannotCoerce, fmt::format("cannot cast type {} to {}", pg_type_name(from), pg_type_name(to)));
    }
    // NULL in, NULL out.
    if (!src.validity().all_valid()) {
        for (idx_t i = 0; i < count; i++) {
            if (!src.validity().is_valid(i)) result.set_null(i);
        }
    }
    if (src.is_constant()) result.set_constant(true);
}

Value cast_value(const Value& value, const LogicalType& target) {
    Vector src(value.type(), 1);
    src.set_constant_value(value);
    Vector dst(target, 1);
    cast_vector(src, dst, 1);
    return dst.get_value(0);
}

bool cast_exists(const LogicalType& from, const LogicalType& to) {
    if (from.id() == TypeId::kNull || from == to || from.is_string() || to.is_string()) return true;
    if ((from.is_numeric() || from.id() == TypeId::kBoolean) && (to.is_numeric() || to.id() == TypeId::kBoolean)) {
        if (from.id() == TypeId::kBoolean) return to.is_integral() || to.id() == TypeId::kBoolean;
        if (to.id() == TypeId::kBoolean) return from.is_integral();
        return true;
    }
    if (temporal_rank(from.id()) && temporal_rank(to.id())) return true;
    return from.id() == to.id();
}

int implicit_cast_cost(const LogicalType& from, const LogicalType& to) {
    if (from == to) return 0;
    if (from.id() == TypeId::kNull) return 1;
    if (from.id() == to.id()) return 1;  // decimal(p,s) to another decimal, varchar(n) to varchar
    int rf = numeric_rank(from.id()), rt = numeric_rank(to.id());
    if (rf && rt) return rf < rt ? rt - rf : -1;
    if (from.is_string() && to.is_string()) return 1;
    int tf = temporal_rank(from.id()), tt = temporal_rank(to.id());
    if (tf && tt) return tf < tt ? tt - tf : -1;
    return -1;
}

bool assignment_cast_allowed(const LogicalType& from, const LogicalType& to) {
    if (from.id() == TypeId::kNull || from.id() == to.id() || implicit_cast_cost(from, to) >= 0) return true;
    if (from.is_numeric() && to.is_numeric()) return true;
    if (to.is_string()) return true;
    return temporal_rank(from.id()) && temporal_rank(to.id());
}

LogicalType decimal_for_integer(const LogicalType& t) {
    switch (t.id()) {
        case TypeId::kSmallInt: return LogicalType::decimal(5, 0);
        case TypeId::kInteger: return LogicalType::decimal(10, 0);
        case TypeId::kBigInt: return LogicalType::decimal(19, 0);
        default: return t;
    }
}

bool try_common_supertype(const LogicalType& a, const LogicalType& b, LogicalType& out) {
    if (a == b) {
        out = a;
        return true;
    }
    if (a.id() == TypeId::kNull) {
        out = b;
        return true;
    }
    if (b.id() == TypeId::kNull) {
        out = a;
        return true;
    }
    int ra = numeric_rank(a.id()), rb = numeric_rank(b.id());
    if (ra && rb) {
        if (a.id() == TypeId::kDecimal || b.id() == TypeId::kDecimal) {
            if (std::max(ra, rb) > 4) {
                out = ra > rb ? a : b;
                return true;
            }
            LogicalType da = decimal_for_integer(a), db = decimal_for_integer(b);
            int scale = std::max(da.scale(), db.scale());
            int digits = std::max(da.precision() - da.scale(), db.precision() - db.scale());
            out = LogicalType::decimal(std::min(38, digits + scale), scale);
            return true;
        }
        out = ra > rb ? a : b;
        return true;
    }
    if (a.is_string() && b.is_string()) {
        out = LogicalType::varchar();
        return true;
    }
    int ta = temporal_rank(a.id()), tb = temporal_rank(b.id());
    if (ta && tb) {
        out = ta > tb ? a : b;
        return true;
    }
    if (a.id() == b.id()) {
        out = a;
        return true;
    }
    return false;
}

LogicalType common_supertype(const LogicalType& a, const LogicalType& b, const char* context, int position) {
    LogicalType out;
    if (!try_common_supertype(a, b, out)) {
        throw Error(sql_state::kDatatypeMismatch,
                    fmt::format("{} types {} and {} cannot be matched", context, pg_type_name(a), pg_type_name(b)),
                    position);
    }
    return out;
}

}  // namespace basalt

#include "types/decimal.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace basalt {

namespace {
struct Pow10Table {
    int128_t values[39];
    constexpr Pow10Table() : values() {
        int128_t v = 1;
        for (int i = 0; i < 39; i++) {
            values[i] = v;
            if (i < 38) v *= 10;
        }
    }
};
constexpr Pow10Table kPow10;

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

[[noreturn]] void invalid_numeric(std::string_view text) {
    throw Error(sql_state::kInvalidTextRepresentation,
                fmt::format("invalid input syntax for type numeric: \"{}\"", text));
}
}  // namespace

int128_t pow10_i128(int exponent) { return kPow10.values[exponent]; }

int decimal_digits(int128_t value) {
    if (value < 0) value = -value;
    int digits = 1;
    while (digits < 39 && value >= kPow10.values[digits]) digits++;
    return digits;
}

// Reads digits into a 38-digit mantissa; extra digits past 38 significant ones only affect rounding.
bool try_parse_decimal_parts(std::string_view s, bool& negative, int128_t& mantissa, int& mantissa_scale,
                             int& significant_digits, int& round_digit) {
    negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    mantissa = 0;
    mantissa_scale = 0;
    significant_digits = 0;
    round_digit = -1;
    bool any_digit = false, seen_point = false;
    int exponent = 0;
    int dropped_integer_digits = 0;
    size_t i = 0;
    for (; i < s.size(); i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            any_digit = true;
            if (significant_digits == 0 && c == '0') {
                if (seen_point) mantissa_scale++;
                continue;
            }
            if (significant_digits < 38) {
                mantissa = mantissa * 10 + (c - '0');
                significant_digits++;
                if (seen_point) mantissa_scale++;
            } else {
                if (round_digit < 0) round_digit = c - '0';
                if (!seen_point) dropped_integer_digits++;
            }
        } else if (c == '.' && !seen_point) {
            seen_point = true;
        } else {
            break;
        }
    }
    if (!any_digit) return false;
    if (i < s.size()) {
        if (s[i] != 'e' && s[i] != 'E') return false;
        i++;
        bool exp_negative = false;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            exp_negative = s[i] == '-';
            i++;
        }
        if (i >= s.size()) return false;
        for (; i < s.size(); i++) {
            if (s[i] < '0' || s[i] > '9') return false;
            if (exponent > 100000) return false;
            exponent = exponent * 10 + (s[i] - '0');
        }
        if (exp_negative) exponent = -exponent;
    }
    mantissa_scale -= exponent + dropped_integer_digits;
    return true;
}

int128_t parse_decimal(std::string_view text, int precision, int scale) {
    std::string_view s = trim_spaces(text);
    bool negative;
    int128_t mantissa;
    int mantissa_scale, significant, round_digit;
    if (!try_parse_decimal_parts(s, negative, mantissa, mantissa_scale, significant, round_digit)) invalid_numeric(text);
    int128_t value = mantissa;
    if (mantissa_scale > scale) {
        int drop = mantissa_scale - scale;
        if (drop > 38) {
            value = 0;
        } else {
            int128_t divisor = kPow10.values[drop];
            int128_t remainder = value % divisor;
            value /= divisor;
            if (remainder * 2 >= divisor) value++;
        }
    } else if (mantissa_scale < scale) {
        int grow = scale - mantissa_scale;
        int digits = value == 0 ? 0 : decimal_digits(value);
        if (value != 0 && digits + grow > precision) {
            throw Error(sql_state::kNumericValueOutOfRange, "numeric field overflow");
        }
        if (grow > 38) grow = 38;
        if (value != 0) value *= kPow10.values[grow];
    }
    if (round_digit >= 5 && mantissa_scale == scale) value++;
    if (negative) value = -value;
    check_decimal_precision(value, precision, scale);
    return value;
}

bool try_parse_decimal_literal(std::string_view text, int128_t& value, int& scale, int& precision) {
    bool negative;
    int significant, round_digit, mantissa_scale;
    if (!try_parse_decimal_parts(trim_spaces(text), negative, value, mantissa_scale, significant, round_digit))
        return false;
    if (round_digit >= 0) return false;  // more than 38 significant digits
    if (mantissa_scale < 0) {
        if (decimal_digits(value) - mantissa_scale > 38) return false;
        value *= kPow10.values[-mantissa_scale];
        mantissa_scale = 0;
    }
    if (mantissa_scale > 38) return false;
    scale = mantissa_scale;
    precision = std::max(decimal_digits(value), scale);
    if (precision > 38) return false;
    if (precision == scale && precision < 38) precision++;  // room for the leading zero digit
    if (negative) value = -value;
    return true;
}

std::string int128_to_string(int128_t value) {
    if (value == 0) return "0";
    char buffer[48];
    int pos = 48;
    bool negative = value < 0;
    // Work with negative numbers so that INT128_MIN has no overflow.
    int128_t v = negative ? value : -value;
    while (v != 0) {
        buffer[--pos] = static_cast<char>('0' - static_cast<int>(v % 10));
        v /= 10;
    }
    if (negative) buffer[--pos] = '-';
    return std::string(buffer + pos, 48 - pos);
}

std::string decimal_to_string(int128_t value, int scale) {
    if (scale == 0) return int128_to_string(value);
    bool negative = value < 0;
    int128_t magnitude = negative ? -value : value;
    int128_t divisor = kPow10.values[scale];
    std::string integer = int128_to_string(magnitude / divisor);
    std::string fraction = int128_to_string(magnitude % divisor);
    std::string out;
    out.reserve(integer.size() + scale + 2);
    if (negative) out += '-';
    out += integer;
    out += '.';
    out.append(scale - fraction.size(), '0');
    out += fraction;
    return out;
}

int128_t rescale_decimal(int128_t value, int from_scale, int to_scale) {
    if (from_scale == to_scale) return value;
    if (to_scale > from_scale) {
        int grow = to_scale - from_scale;
        int128_t factor = kPow10.values[grow];
        int128_t limit = kPow10.values[38] / factor;
        if (value >= limit || value <= -limit) {
            throw Error(sql_state::kNumericValueOutOfRange, "numeric field overflow");
        }
        return value * factor;
    }
    int128_t divisor = kPow10.values[from_scale - to_scale];
    int128_t quotient = value / divisor;
    int128_t remainder = value % divisor;
    if (remainder < 0) remainder = -remainder;
    if (remainder * 2 >= divisor) quotient += value < 0 ? -1 : 1;
    return quotient;
}

void check_decimal_precision(int128_t value, int precision, int scale) {
    int128_t limit = kPow10.values[precision];
    if (value >= limit || value <= -limit) {
        throw Error(sql_state::kNumericValueOutOfRange,
                    fmt::format("numeric field overflow: a field with precision {}, scale {} must round to an "
                                "absolute value less than 10^{}",
                                precision, scale, precision - scale));
    }
}

}  // namespace basalt

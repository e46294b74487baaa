#include "types/value_format.hpp"

#include <charconv>
#include <cmath>

namespace basalt {

namespace {

// Lays out shortest round-trip digits the way PostgreSQL's float output does: fixed notation when the decimal
// exponent is in [-4, max_fixed_exponent), exponent notation ("1.5e-07", "1e+20") otherwise.
template <class T>
std::string shortest_to_string(T value, int max_fixed_exponent) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    if (value == 0) return std::signbit(value) ? "-0" : "0";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    // sci looks like "-1.2345e+07"
    bool negative = sci[0] == '-';
    size_t start = negative ? 1 : 0;
    size_t e_pos = sci.find('e');
    std::string digits;
    for (size_t i = start; i < e_pos; i++) {
        if (sci[i] != '.') digits += sci[i];
    }
    int exponent = std::stoi(sci.substr(e_pos + 1));
    std::string out = negative ? "-" : "";
    if (exponent < -4 || exponent >= max_fixed_exponent) {
        out += digits[0];
        if (digits.size() > 1) {
            out += '.';
            out.append(digits, 1, std::string::npos);
        }
        out += 'e';
        out += exponent < 0 ? '-' : '+';
        int abs_exp = exponent < 0 ? -exponent : exponent;
        if (abs_exp < 10) out += '0';
        out += std::to_string(abs_exp);
        return out;
    }
    if (exponent < 0) {
        out += "0.";
        out.append(static_cast<size_t>(-exponent - 1), '0');
        out += digits;
        return out;
    }
    if (static_cast<int>(digits.size()) <= exponent + 1) {
        out += digits;
        out.append(static_cast<size_t>(exponent + 1 - static_cast<int>(digits.size())), '0');
        return out;
    }
    out.append(digits, 0, static_cast<size_t>(exponent + 1));
    out += '.';
    out.append(digits, static_cast<size_t>(exponent + 1), std::string::npos);
    return out;
}

}  // namespace

std::string double_to_string(double value) { return shortest_to_string(value, 15); }
std::string float_to_string(float value) { return shortest_to_string(value, 6); }

}  // namespace basalt

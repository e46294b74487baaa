// Exact DECIMAL arithmetic helpers: values are integers scaled by 10^scale (see logical_type.hpp).
#pragma once

#include <string>
#include <string_view>

#include "types/logical_type.hpp"

namespace basalt {

int128_t pow10_i128(int exponent);  // 0 <= exponent <= 38

// Parses decimal text ("-12.345", "1e3", " 7 ") into an integer scaled to `scale`, rounding half away from
// zero like PostgreSQL. Throws 22P02 for malformed text and 22003 when it does not fit `precision` digits.
int128_t parse_decimal(std::string_view text, int precision, int scale);

// Whether `text` is a decimal number; on success sets the value scaled by its own scale and that scale.
bool try_parse_decimal_literal(std::string_view text, int128_t& value, int& scale, int& precision);

std::string decimal_to_string(int128_t value, int scale);
std::string int128_to_string(int128_t value);

// Changes the scale of a scaled integer, rounding half away from zero when digits are dropped.
int128_t rescale_decimal(int128_t value, int from_scale, int to_scale);

// Throws 22003 unless |value| < 10^precision.
void check_decimal_precision(int128_t value, int precision, int scale);

// Number of decimal digits of |value| (0 has 1 digit).
int decimal_digits(int128_t value);

}  // namespace basalt

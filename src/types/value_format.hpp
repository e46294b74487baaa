// Text output of single values in PostgreSQL's formats (what psql prints and what ::text gives).
#pragma once

#include <string>

#include "types/logical_type.hpp"

namespace basalt {

// Shortest text that reads back as the same double, in PostgreSQL's layout (exponent form outside
// 1e-4 <= |x| < 1e15, "Infinity", "NaN").
std::string double_to_string(double value);
std::string float_to_string(float value);

}  // namespace basalt

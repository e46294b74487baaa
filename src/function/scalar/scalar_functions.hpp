// Registration entry points of the built-in scalar functions, one per file of this folder; called from
// function/builtin_functions.cpp, the only list.
#pragma once

#include "function/function.hpp"

namespace basalt {

void register_arithmetic_functions(FunctionRegistry& registry);
void register_comparison_functions(FunctionRegistry& registry);
void register_string_functions(FunctionRegistry& registry);
void register_pattern_functions(FunctionRegistry& registry);
void register_datetime_functions(FunctionRegistry& registry);
void register_math_functions(FunctionRegistry& registry);

}  // namespace basalt

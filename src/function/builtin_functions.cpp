// The one list of built-in functions: every scalar and aggregate family registers here.
#include "function/aggregate/aggregate_functions.hpp"
#include "function/function.hpp"
#include "function/scalar/scalar_functions.hpp"

namespace basalt {

void register_builtin_functions(FunctionRegistry& registry) {
    register_arithmetic_functions(registry);
    register_comparison_functions(registry);
    register_string_functions(registry);
    register_pattern_functions(registry);
    register_datetime_functions(registry);
    register_math_functions(registry);
    register_basic_aggregates(registry);
    register_statistical_aggregates(registry);
    register_holistic_aggregates(registry);
}

}  // namespace basalt

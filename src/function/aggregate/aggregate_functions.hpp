// Registration entry points of the built-in aggregates (called from function/builtin_functions.cpp), and the
// state helpers they share.
#pragma once

#include <new>

#include "function/function.hpp"

namespace basalt {

void register_basic_aggregates(FunctionRegistry& registry);       // count, sum, avg, min, max, bool_and/or
void register_statistical_aggregates(FunctionRegistry& registry);  // stddev, variance
void register_holistic_aggregates(FunctionRegistry& registry);     // string_agg, percentiles, median, HLL

namespace detail {

// Calls f(row, state) for every row whose arguments are all non-NULL.
template <class F>
void for_each_valid_row(const std::vector<Vector*>& args, idx_t count, F&& f) {
    bool all_valid = true;
    for (auto* a : args) all_valid = all_valid && a->validity().all_valid();
    if (all_valid) {
        for (idx_t i = 0; i < count; i++) f(i);
        return;
    }
    for (idx_t i = 0; i < count; i++) {
        bool valid = true;
        for (auto* a : args) valid = valid && a->validity().is_valid(a->is_constant() ? 0 : i);
        if (valid) f(i);
    }
}

inline idx_t row_index(const Vector& v, idx_t i) { return v.is_constant() ? 0 : i; }

// Fills BoundAggregate callbacks for a state type with a constructor and destructor.
template <class State>
void set_state_lifecycle(BoundAggregate& b) {
    b.state_size = sizeof(State);
    b.initialize = [](uint8_t* s) { new (s) State(); };
    if constexpr (!std::is_trivially_destructible_v<State>) {
        b.destroy = [](uint8_t* s) { reinterpret_cast<State*>(s)->~State(); };
    }
}

}  // namespace detail
}  // namespace basalt

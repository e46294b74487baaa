#include "function/function.hpp"

#include "vector/vector_operations.hpp"

namespace basalt {

const FunctionRegistry& FunctionRegistry::instance() {
    static const FunctionRegistry registry = [] {
        FunctionRegistry r;
        register_builtin_functions(r);
        return r;
    }();
    return registry;
}

void FunctionRegistry::add_scalar(ScalarFunction function) {
    auto& list = scalars_[function.name];
    list.push_back(std::move(function));
}

void FunctionRegistry::add_aggregate(AggregateFunction function) {
    auto& list = aggregates_[function.name];
    list.push_back(std::move(function));
}

const std::vector<ScalarFunction>* FunctionRegistry::find_scalar(const std::string& name) const {
    auto it = scalars_.find(name);
    return it == scalars_.end() ? nullptr : &it->second;
}

const std::vector<AggregateFunction>* FunctionRegistry::find_aggregate(const std::string& name) const {
    auto it = aggregates_.find(name);
    return it == aggregates_.end() ? nullptr : &it->second;
}

void execute_scalar(const BoundScalarFunction& function, const std::vector<Vector*>& args, idx_t count,
                    Vector& result) {
    result.reset();
    bool all_constant = !args.empty();
    for (auto* a : args) all_constant = all_constant && a->is_constant();
    idx_t n = all_constant ? 1 : count;
    function.kernel(args, n, result, function.data.get());
    if (function.null_handling == NullHandling::kDefault) {
        for (auto* a : args) {
            if (a->validity().all_valid()) continue;
            if (a->is_constant()) {
                // A NULL constant argument makes every row NULL.
                for (idx_t i = 0; i < n; i++) result.set_null(i);
            } else {
                for (idx_t i = 0; i < n; i++) {
                    if (!a->validity().is_valid(i)) result.set_null(i);
                }
            }
        }
    }
    if (all_constant) result.set_constant(true);
}

}  // namespace basalt

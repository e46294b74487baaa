// = <> < > <= >= on every type. Mixed DECIMAL scales are cast to one common DECIMAL type at bind time so the
// kernels compare raw integers.
#include <cmath>

#include "function/cast.hpp"
#include "function/kernel_helpers.hpp"
#include "function/scalar/scalar_functions.hpp"
#include "types/datetime.hpp"
#include "types/physical_dispatch.hpp"

namespace basalt {

namespace {

enum class CompareOp { kEq, kNe, kLt, kGt, kLe, kGe };

template <class T>
int three_way(const T& a, const T& b) {
    if constexpr (std::is_same_v<T, Interval>) {
        return interval_compare(a, b);
    } else if constexpr (std::is_floating_point_v<T>) {
        bool an = std::isnan(a), bn = std::isnan(b);
        if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
        return a < b ? -1 : (a > b ? 1 : 0);
    } else if constexpr (std::is_same_v<T, std::string_view>) {
        int c = a.compare(b);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    } else {
        return a < b ? -1 : (a > b ? 1 : 0);
    }
}

template <class T, CompareOp op>
bool compare(const T& a, const T& b) {
    if constexpr (std::is_integral_v<T> || std::is_same_v<T, int128_t>) {
        // Plain operators on integers keep the hot loop branch-free.
        if constexpr (op == CompareOp::kEq) return a == b;
        if constexpr (op == CompareOp::kNe) return a != b;
        if constexpr (op == CompareOp::kLt) return a < b;
        if constexpr (op == CompareOp::kGt) return a > b;
        if constexpr (op == CompareOp::kLe) return a <= b;
        if constexpr (op == CompareOp::kGe) return a >= b;
    } else {
        int c = three_way<T>(a, b);
        if constexpr (op == CompareOp::kEq) return c == 0;
        if constexpr (op == CompareOp::kNe) return c != 0;
        if constexpr (op == CompareOp::kLt) return c < 0;
        if constexpr (op == CompareOp::kGt) return c > 0;
        if constexpr (op == CompareOp::kLe) return c <= 0;
        if constexpr (op == CompareOp::kGe) return c >= 0;
    }
    return false;
}

template <CompareOp op>
ScalarKernel compare_kernel(PhysicalType type) {
    return dispatch_physical(type, [](auto tag) -> ScalarKernel {
        using T = typename decltype(tag)::type;
        return [](const std::vector<Vector*>& args, idx_t count, Vector& result, const FunctionData*) {
            binary_execute<T, T, bool>(*args[0], *args[1], count, result, [](const T& a, const T& b) { return compare<T, op>(a, b); });
        };
    });
}

template <CompareOp op>
void add_comparison(FunctionRegistry& r, const char* name) {
    std::vector<LogicalType> types = {LogicalType::boolean(), LogicalType::smallint(), LogicalType::integer(),
                                      LogicalType::bigint(), LogicalType::real(), LogicalType::double_type(),
                                      LogicalType::varchar(), LogicalType::date(), LogicalType::timestamp(),
                                      LogicalType::timestamptz(), LogicalType::interval()};
    for (const auto& t : types) {
        r.add_scalar({.name = name, .arguments = {t, t}, .return_type = LogicalType::boolean(),
                      .kernel = compare_kernel<op>(t.physical())});
    }
    r.add_scalar({.name = name,
                  .arguments = {LogicalType(TypeId::kDecimal), LogicalType(TypeId::kDecimal)},
                  .return_type = LogicalType::boolean(),
                  .bind = [](BoundScalarFunction& b, const std::vector<LogicalType>& t) {
                      LogicalType common = common_supertype(t[0], t[1], "comparison", 0);
                      b.arg_types = {common, common};
                      b.return_type = LogicalType::boolean();
                      b.kernel = compare_kernel<op>(common.physical());
                  }});
}

}  // namespace

void register_comparison_functions(FunctionRegistry& registry) {
    add_comparison<CompareOp::kEq>(registry, "eq");
    add_comparison<CompareOp::kNe>(registry, "ne");
    add_comparison<CompareOp::kLt>(registry, "lt");
    add_comparison<CompareOp::kGt>(registry, "gt");
    add_comparison<CompareOp::kLe>(registry, "le");
    add_comparison<CompareOp::kGe>(registry, "ge");
}

}  // namespace basalt

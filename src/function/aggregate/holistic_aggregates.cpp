// Aggregates that need all their input: string_agg, percentile_cont/percentile_disc/median (values kept per
// group and sorted at the end), and approx_count_distinct (HyperLogLog, 4096 registers: about 1.6% error).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "function/aggregate/aggregate_functions.hpp"
#include "types/decimal.hpp"
#include "types/physical_dispatch.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

using namespace detail;

namespace {

using Args = const std::vector<Vector*>&;

// ---- string_agg ------------------------------------------------------------------------------------------
struct StringAggState {
    bool has = false;
    std::string value;
};

void bind_string_agg(BoundAggregate& b, const std::vector<LogicalType>&) {
    set_state_lifecycle<StringAggState>(b);
    b.return_type = LogicalType::varchar();
    b.update = [](Args args, uint8_t** states, idx_t count, const BoundAggregate&) {
        const Vector& v = *args[0];
        const Vector& sep = *args[1];
        for (idx_t i = 0; i < count; i++) {
            idx_t row = row_index(v, i);
            if (!v.validity().is_valid(row)) continue;
            auto& s = *reinterpret_cast<StringAggState*>(states[i]);
            if (s.has) {
                idx_t srow = row_index(sep, i);
                if (sep.validity().is_valid(srow)) s.value += sep.data<std::string_view>()[srow];
            }
            s.value += v.data<std::string_view>()[row];
            s.has = true;
        }
    };
    b.combine = [](uint8_t** src, uint8_t** dst, idx_t count, const BoundAggregate&) {
        // Only used without ORDER BY, where PostgreSQL leaves the order unspecified; the separator between the
        // two parts is not known here, so partial states are never combined across workers (see the operator).
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<StringAggState*>(src[i]);
            auto& d = *reinterpret_cast<StringAggState*>(dst[i]);
            if (!s.has) continue;
            if (!d.has) {
                d = s;
            } else {
                d.value += ',';
                d.value += s.value;
            }
        }
    };
    b.finalize = [](uint8_t** states, idx_t count, Vector& result, idx_t offset, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<StringAggState*>(states[i]);
            if (!s.has) {
                result.set_null(offset + i);
            } else {
                result.data<std::string_view>()[offset + i] = result.add_string(s.value);
            }
        }
    };
}

// ---- percentiles -----------------------------------------------------------------------------------------
// Values are kept as doubles for percentile_cont (PostgreSQL's result is double precision) and as exact
// scaled integers or doubles for percentile_disc, which returns the input type.
struct PercentileState {
    std::vector<double> doubles;
    std::vector<int128_t> integers;
};

// The fraction is a bind-time constant (checked by the binder to lie in [0, 1]); median has none.
double fraction_of(const BoundAggregate& b) {
    if (b.constant_args.empty() || !b.constant_args[0] || b.constant_args[0]->is_null() ||
        b.constant_args[0]->type().id() != TypeId::kDouble) {
        return 0.5;
    }
    return b.constant_args[0]->get_double();
}

void bind_percentile(BoundAggregate& b, const std::vector<LogicalType>& types, bool continuous, bool has_fraction) {
    set_state_lifecycle<PercentileState>(b);
    // Spilled as the count of doubles, then both lists' bytes.
    b.serialize = [](const uint8_t* state, std::string& out) {
        const auto& s = *reinterpret_cast<const PercentileState*>(state);
        uint64_t doubles = s.doubles.size();
        out.append(reinterpret_cast<const char*>(&doubles), sizeof doubles);
        // An empty vector's data() may be null: nothing is copied then (memcpy forbids null even for 0 bytes).
        if (!s.doubles.empty()) out.append(reinterpret_cast<const char*>(s.doubles.data()), s.doubles.size() * sizeof(double));
        if (!s.integers.empty()) out.append(reinterpret_cast<const char*>(s.integers.data()), s.integers.size() * sizeof(int128_t));
    };
    b.deserialize = [](std::string_view in, uint8_t* state) {
        auto& s = *reinterpret_cast<PercentileState*>(state);
        uint64_t doubles = 0;
        std::memcpy(&doubles, in.data(), sizeof doubles);
        in.remove_prefix(sizeof doubles);
        s.doubles.resize(doubles);
        if (doubles > 0) std::memcpy(s.doubles.data(), in.data(), doubles * sizeof(double));
        in.remove_prefix(doubles * sizeof(double));
        s.integers.resize(in.size() / sizeof(int128_t));
        if (!s.integers.empty()) std::memcpy(s.integers.data(), in.data(), s.integers.size() * sizeof(int128_t));
    };
    const LogicalType value_type = types.back();
    b.return_type = continuous ? LogicalType::double_type() : value_type;
    bool exact = !continuous && value_type.physical() != PhysicalType::kFloat && value_type.physical() != PhysicalType::kDouble;
    int scale = value_type.id() == TypeId::kDecimal ? value_type.scale() : 0;
    size_t value_arg = has_fraction ? 1 : 0;
    b.update = [exact, scale, value_arg](Args args, uint8_t** states, idx_t count, const BoundAggregate&) {
        const Vector& v = *args[value_arg];
        for (idx_t i = 0; i < count; i++) {
            idx_t row = row_index(v, i);
            if (!v.validity().is_valid(row)) continue;
            auto& s = *reinterpret_cast<PercentileState*>(states[i]);
            dispatch_physical(v.type().physical(), [&](auto tag) {
                using T = typename decltype(tag)::type;
                if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, int128_t>) {
                    T x = v.data<T>()[row];
                    if (exact) {
                        if constexpr (!std::is_floating_point_v<T>) s.integers.push_back(static_cast<int128_t>(x));
                    } else {
                        double d = static_cast<double>(x);
                        if (scale) d /= static_cast<double>(pow10_i128(scale));
                        s.doubles.push_back(d);
                    }
                }
            });
        }
    };
    b.combine = [](uint8_t** src, uint8_t** dst, idx_t count, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<PercentileState*>(src[i]);
            auto& d = *reinterpret_cast<PercentileState*>(dst[i]);
            d.doubles.insert(d.doubles.end(), s.doubles.begin(), s.doubles.end());
            d.integers.insert(d.integers.end(), s.integers.begin(), s.integers.end());
        }
    };
    b.finalize = [continuous, exact](uint8_t** states, idx_t count, Vector& result, idx_t offset, const BoundAggregate& agg) {
        double f = fraction_of(agg);
        bool descending = agg.order_descending;
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<PercentileState*>(states[i]);
            size_t n = exact ? s.integers.size() : s.doubles.size();
            if (n == 0) {
                result.set_null(offset + i);
                continue;
            }
            if (continuous) {
                std::sort(s.doubles.begin(), s.doubles.end());
                if (descending) std::reverse(s.doubles.begin(), s.doubles.end());
                double pos = f * static_cast<double>(n - 1);
                size_t lo = static_cast<size_t>(std::floor(pos));
                size_t hi = static_cast<size_t>(std::ceil(pos));
                double v = s.doubles[lo] + (pos - static_cast<double>(lo)) * (s.doubles[hi] - s.doubles[lo]);
                result.data<double>()[offset + i] = v;
                continue;
            }
            // percentile_disc: the first value whose cumulative distribution reaches f.
            size_t k = static_cast<size_t>(std::ceil(f * static_cast<double>(n)));
            k = k == 0 ? 0 : k - 1;
            if (exact) {
                if (descending) {
                    std::nth_element(s.integers.begin(), s.integers.begin() + static_cast<std::ptrdiff_t>(k), s.integers.end(),
                                     std::greater<int128_t>());
                } else {
                    std::nth_element(s.integers.begin(), s.integers.begin() + static_cast<std::ptrdiff_t>(k), s.integers.end());
                }
                int128_t v = s.integers[k];
                dispatch_physical(result.type().physical(), [&](auto tag) {
                    using T = typename decltype(tag)::type;
                    if constexpr (std::is_integral_v<T> || std::is_same_v<T, int128_t>) result.data<T>()[offset + i] = static_cast<T>(v);
                });
            } else {
                if (descending) {
                    std::nth_element(s.doubles.begin(), s.doubles.begin() + static_cast<std::ptrdiff_t>(k), s.doubles.end(),
                                     std::greater<double>());
                } else {
                    std::nth_element(s.doubles.begin(), s.doubles.begin() + static_cast<std::ptrdiff_t>(k), s.doubles.end());
                }
                if (result.type().id() == TypeId::kReal) {
                    result.data<float>()[offset + i] = static_cast<float>(s.doubles[k]);
                } else {
                    result.data<double>()[offset + i] = s.doubles[k];
                }
            }
        }
    };
}

// ---- approx_count_distinct -------------------------------------------------------------------------------
constexpr int kHllBits = 12;
constexpr int kHllRegisters = 1 << kHllBits;
struct HllState {
    uint8_t registers[kHllRegisters];
};

void bind_hll(BoundAggregate& b, const std::vector<LogicalType>&) {
    b.state_size = sizeof(HllState);
    b.return_type = LogicalType::bigint();
    b.initialize = [](uint8_t* s) { std::fill(s, s + sizeof(HllState), 0); };
    b.update = [](Args args, uint8_t** states, idx_t count, const BoundAggregate&) {
        std::vector<uint64_t> hashes(count);
        vector_hash(*args[0], count, hashes.data(), false);
        const Vector& v = *args[0];
        for (idx_t i = 0; i < count; i++) {
            if (!v.validity().is_valid(row_index(v, i))) continue;
            uint64_t h = hashes[i];
            uint32_t index = static_cast<uint32_t>(h >> (64 - kHllBits));
            uint64_t rest = (h << kHllBits) | (uint64_t{1} << (kHllBits - 1));
            uint8_t rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
            auto& s = *reinterpret_cast<HllState*>(states[i]);
            s.registers[index] = std::max(s.registers[index], rank);
        }
    };
    b.combine = [](uint8_t** src, uint8_t** dst, idx_t count, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<HllState*>(src[i]);
            auto& d = *reinterpret_cast<HllState*>(dst[i]);
            for (int k = 0; k < kHllRegisters; k++) d.registers[k] = std::max(d.registers[k], s.registers[k]);
        }
    };
    b.finalize = [](uint8_t** states, idx_t count, Vector& result, idx_t offset, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<HllState*>(states[i]);
            double sum = 0;
            int zeros = 0;
            for (int k = 0; k < kHllRegisters; k++) {
                sum += std::ldexp(1.0, -s.registers[k]);
                zeros += s.registers[k] == 0;
            }
            double m = kHllRegisters;
            double estimate = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
            if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / zeros);  // small-range correction
            result.data<int64_t>()[offset + i] = static_cast<int64_t>(std::llround(estimate));
        }
    };
}

}  // namespace

void register_holistic_aggregates(FunctionRegistry& r) {
    auto t = LogicalType::varchar();
    r.add_aggregate({.name = "string_agg", .arguments = {t, t}, .return_type = t, .bind = bind_string_agg});
    std::vector<LogicalType> numeric = {LogicalType::smallint(), LogicalType::integer(), LogicalType::bigint(),
                                        LogicalType(TypeId::kDecimal), LogicalType::real(), LogicalType::double_type()};
    auto d = LogicalType::double_type();
    for (const auto& type : numeric) {
        r.add_aggregate({.name = "percentile_cont", .arguments = {d, type}, .return_type = d,
                         .bind = [](BoundAggregate& b, const std::vector<LogicalType>& ts) { bind_percentile(b, ts, true, true); },
                         .needs_order = true});
        r.add_aggregate({.name = "percentile_disc", .arguments = {d, type}, .return_type = type,
                         .bind = [](BoundAggregate& b, const std::vector<LogicalType>& ts) { bind_percentile(b, ts, false, true); },
                         .needs_order = true});
        r.add_aggregate({.name = "median", .arguments = {type}, .return_type = d,
                         .bind = [](BoundAggregate& b, const std::vector<LogicalType>& ts) { bind_percentile(b, ts, true, false); }});
    }
    for (const auto& type : {LogicalType::date(), LogicalType::timestamp(), LogicalType::timestamptz()}) {
        r.add_aggregate({.name = "percentile_disc", .arguments = {d, type}, .return_type = type,
                         .bind = [](BoundAggregate& b, const std::vector<LogicalType>& ts) { bind_percentile(b, ts, false, true); },
                         .needs_order = true});
    }
    for (const auto& type : {LogicalType::boolean(), LogicalType::smallint(), LogicalType::integer(), LogicalType::bigint(),
                             LogicalType(TypeId::kDecimal), LogicalType::real(), LogicalType::double_type(), t,
                             LogicalType::date(), LogicalType::timestamp(), LogicalType::timestamptz(), LogicalType::interval()}) {
        r.add_aggregate({.name = "approx_count_distinct", .arguments = {type}, .return_type = LogicalType::bigint(), .bind = bind_hll});
    }
}

}  // namespace basalt

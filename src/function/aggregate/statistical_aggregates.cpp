// stddev/variance (sample and population) with Welford's online update and Chan's parallel combine.
#include <cmath>

#include <algorithm>

#include "common/error.hpp"
#include "function/aggregate/aggregate_functions.hpp"
#include "types/decimal.hpp"
#include "types/physical_dispatch.hpp"

namespace basalt {

using namespace detail;

namespace {

constexpr int kNumericScale = 16;

struct MomentState {
    int64_t count = 0;
    double mean = 0;
    double m2 = 0;
};

enum class Moment { kVarSamp, kVarPop, kStddevSamp, kStddevPop };

double read_as_double(const Vector& v, idx_t row) {
    const LogicalType& t = v.type();
    int scale = t.id() == TypeId::kDecimal ? t.scale() : 0;
    return dispatch_physical(t.physical(), [&](auto tag) -> double {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, int128_t>) {
            double x = static_cast<double>(v.data<T>()[row]);
            return scale ? x / static_cast<double>(pow10_i128(scale)) : x;
        } else {
            return 0.0;
        }
    });
}

void bind_moment(BoundAggregate& b, const std::vector<LogicalType>& types, Moment kind) {
    set_state_lifecycle<MomentState>(b);
    // PostgreSQL returns numeric for integer and numeric inputs, double precision for floats.
    bool exact_input = types[0].is_integral() || types[0].id() == TypeId::kDecimal;
    b.return_type = exact_input ? LogicalType::decimal(38, kNumericScale) : LogicalType::double_type();
    b.update = [](const std::vector<Vector*>& args, uint8_t** states, idx_t count, const BoundAggregate&) {
        const Vector& v = *args[0];
        for_each_valid_row(args, count, [&](idx_t i) {
            auto& s = *reinterpret_cast<MomentState*>(states[i]);
            double x = read_as_double(v, row_index(v, i));
            s.count++;
            double delta = x - s.mean;
            s.mean += delta / static_cast<double>(s.count);
            s.m2 += delta * (x - s.mean);
        });
    };
    b.combine = [](uint8_t** src, uint8_t** dst, idx_t count, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<MomentState*>(src[i]);
            auto& d = *reinterpret_cast<MomentState*>(dst[i]);
            if (s.count == 0) continue;
            if (d.count == 0) {
                d = s;
                continue;
            }
            double n = static_cast<double>(s.count + d.count);
            double delta = s.mean - d.mean;
            d.m2 += s.m2 + delta * delta * static_cast<double>(s.count) * static_cast<double>(d.count) / n;
            d.mean += delta * static_cast<double>(s.count) / n;
            d.count += s.count;
        }
    };
    b.finalize = [kind](uint8_t** states, idx_t count, Vector& result, idx_t offset, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<MomentState*>(states[i]);
            bool sample = kind == Moment::kVarSamp || kind == Moment::kStddevSamp;
            if (s.count == 0 || (sample && s.count == 1)) {
                result.set_null(offset + i);
                continue;
            }
            double var = s.m2 / static_cast<double>(sample ? s.count - 1 : s.count);
            if (var < 0) var = 0;
            double value = kind == Moment::kStddevSamp || kind == Moment::kStddevPop ? std::sqrt(var) : var;
            if (result.type().id() == TypeId::kDecimal) {
                long double scaled = static_cast<long double>(value) * 1e16L;
                if (std::fabs(scaled) >= 1e37L) throw Error(sql_state::kNumericValueOutOfRange, "numeric field overflow");
                // Keep the 15 significant digits a double carries; the rest would be noise.
                int digits = value == 0 ? 0 : static_cast<int>(std::floor(std::log10(std::fabs(value)))) + 1;
                int keep = std::clamp(15 - digits, 0, kNumericScale);
                long double unit = std::pow(10.0L, kNumericScale - keep);
                scaled = std::round(scaled / unit) * unit;
                result.data<int128_t>()[offset + i] = static_cast<int128_t>(scaled);
            } else {
                result.data<double>()[offset + i] = value;
            }
        }
    };
}

}  // namespace

void register_statistical_aggregates(FunctionRegistry& r) {
    struct Entry {
        const char* name;
        Moment kind;
    };
    for (Entry e : {Entry{"stddev", Moment::kStddevSamp}, Entry{"stddev_samp", Moment::kStddevSamp},
                    Entry{"stddev_pop", Moment::kStddevPop}, Entry{"variance", Moment::kVarSamp},
                    Entry{"var_samp", Moment::kVarSamp}, Entry{"var_pop", Moment::kVarPop}}) {
        Moment kind = e.kind;
        for (const auto& t : {LogicalType::smallint(), LogicalType::integer(), LogicalType::bigint(),
                              LogicalType(TypeId::kDecimal), LogicalType::real(), LogicalType::double_type()}) {
            r.add_aggregate({.name = e.name, .arguments = {t}, .return_type = t,
                             .bind = [kind](BoundAggregate& b, const std::vector<LogicalType>& ts) { bind_moment(b, ts, kind); }});
        }
    }
}

}  // namespace basalt

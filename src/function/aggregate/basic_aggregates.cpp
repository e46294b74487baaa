// count, sum, avg, min, max, bool_and, bool_or. Sums of integers and decimals are exact (__int128 states);
// sum(integer) is BIGINT, sum(bigint) and sum(decimal) are DECIMAL(38,s), as PostgreSQL's numeric.
#include <string>

#include "common/error.hpp"
#include "function/aggregate/aggregate_functions.hpp"
#include "types/datetime.hpp"
#include "types/decimal.hpp"
#include "types/physical_dispatch.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

using namespace detail;

namespace {

using Args = const std::vector<Vector*>&;

// ---- count -----------------------------------------------------------------------------------------------
void bind_count(BoundAggregate& b, const std::vector<LogicalType>& types) {
    b.state_size = sizeof(int64_t);
    b.return_type = LogicalType::bigint();
    b.initialize = [](uint8_t* s) { *reinterpret_cast<int64_t*>(s) = 0; };
    b.update = [](Args args, uint8_t** states, idx_t count, const BoundAggregate&) {
        if (args.empty()) {
            for (idx_t i = 0; i < count; i++) (*reinterpret_cast<int64_t*>(states[i]))++;
            return;
        }
        for_each_valid_row(args, count, [&](idx_t i) { (*reinterpret_cast<int64_t*>(states[i]))++; });
    };
    b.combine = [](uint8_t** src, uint8_t** dst, idx_t count, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) *reinterpret_cast<int64_t*>(dst[i]) += *reinterpret_cast<int64_t*>(src[i]);
    };
    b.finalize = [](uint8_t** states, idx_t count, Vector& result, idx_t offset, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) result.data<int64_t>()[offset + i] = *reinterpret_cast<int64_t*>(states[i]);
    };
}

// ---- sum / avg over integers and decimals (int128 accumulator) --------------------------------------------
struct ExactSumState {
    int128_t sum = 0;
    int64_t count = 0;
};

void add_exact(ExactSumState& s, int128_t v) {
    if (__builtin_add_overflow(s.sum, v, &s.sum)) throw Error(sql_state::kNumericValueOutOfRange, "numeric field overflow");
    s.count++;
}

void bind_exact_sum(BoundAggregate& b, const std::vector<LogicalType>& types, bool average) {
    set_state_lifecycle<ExactSumState>(b);
    const LogicalType& in = types[0];
    int scale = in.id() == TypeId::kDecimal ? in.scale() : 0;
    if (average) {
        int result_scale = std::max(scale, 16);
        b.return_type = LogicalType::decimal(38, result_scale);
    } else if (in.id() == TypeId::kSmallInt || in.id() == TypeId::kInteger) {
        b.return_type = LogicalType::bigint();
    } else {
        b.return_type = LogicalType::decimal(38, scale);
    }
    b.update = dispatch_physical(in.physical(), [](auto tag) -> AggregateUpdate {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
            return [](Args args, uint8_t** states, idx_t count, const BoundAggregate&) {
                const Vector& v = *args[0];
                const T* data = v.data<T>();
                for_each_valid_row(args, count, [&](idx_t i) { add_exact(*reinterpret_cast<ExactSumState*>(states[i]), data[row_index(v, i)]); });
            };
        } else if constexpr (std::is_same_v<T, int128_t>) {
            return [](Args args, uint8_t** states, idx_t count, const BoundAggregate&) {
                const Vector& v = *args[0];
                const T* data = v.data<T>();
                for_each_valid_row(args, count, [&](idx_t i) { add_exact(*reinterpret_cast<ExactSumState*>(states[i]), data[row_index(v, i)]); });
            };
        } else {
            return {};
        }
    });
    b.combine = [](uint8_t** src, uint8_t** dst, idx_t count, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<ExactSumState*>(src[i]);
            auto& d = *reinterpret_cast<ExactSumState*>(dst[i]);
            if (__builtin_add_overflow(d.sum, s.sum, &d.sum)) throw Error(sql_state::kNumericValueOutOfRange, "numeric field overflow");
            d.count += s.count;
        }
    };
    int result_scale = b.return_type.id() == TypeId::kDecimal ? b.return_type.scale() : 0;
    b.finalize = [average, scale, result_scale](uint8_t** states, idx_t count, Vector& result, idx_t offset, const BoundAggregate& agg) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<ExactSumState*>(states[i]);
            if (s.count == 0) {
                result.set_null(offset + i);
                continue;
            }
            int128_t value = s.sum;
            if (average) {
                int128_t num = value;
                int shift = result_scale - scale;
                if (__builtin_mul_overflow(num, pow10_i128(shift), &num)) {
                    throw Error(sql_state::kNumericValueOutOfRange, "numeric field overflow");
                }
                int128_t q = num / s.count, rem = num % s.count;
                if (rem < 0) rem = -rem;
                if (rem * 2 >= s.count) q += num < 0 ? -1 : 1;
                value = q;
            }
            if (agg.return_type.physical() == PhysicalType::kInt64) {
                if (value > INT64_MAX || value < INT64_MIN) throw Error(sql_state::kNumericValueOutOfRange, "bigint out of range");
                result.data<int64_t>()[offset + i] = static_cast<int64_t>(value);
            } else {
                check_decimal_precision(value, 38, result_scale);
                result.data<int128_t>()[offset + i] = value;
            }
        }
    };
}

// ---- sum / avg over floating point, and intervals ---------------------------------------------------------
struct FloatSumState {
    double sum = 0;
    int64_t count = 0;
};

void bind_float_sum(BoundAggregate& b, const std::vector<LogicalType>& types, bool average) {
    set_state_lifecycle<FloatSumState>(b);
    b.return_type = average || types[0].id() == TypeId::kDouble ? LogicalType::double_type() : LogicalType::real();
    bool is_float = types[0].id() == TypeId::kReal;
    b.update = [is_float](Args args, uint8_t** states, idx_t count, const BoundAggregate&) {
        const Vector& v = *args[0];
        for_each_valid_row(args, count, [&](idx_t i) {
            auto& s = *reinterpret_cast<FloatSumState*>(states[i]);
            s.sum += is_float ? v.data<float>()[row_index(v, i)] : v.data<double>()[row_index(v, i)];
            s.count++;
        });
    };
    b.combine = [](uint8_t** src, uint8_t** dst, idx_t count, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<FloatSumState*>(src[i]);
            auto& d = *reinterpret_cast<FloatSumState*>(dst[i]);
            d.sum += s.sum;
            d.count += s.count;
        }
    };
    b.finalize = [average](uint8_t** states, idx_t count, Vector& result, idx_t offset, const BoundAggregate& agg) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<FloatSumState*>(states[i]);
            if (s.count == 0) {
                result.set_null(offset + i);
                continue;
            }
            double v = average ? s.sum / static_cast<double>(s.count) : s.sum;
            if (agg.return_type.id() == TypeId::kReal) {
                result.data<float>()[offset + i] = static_cast<float>(v);
            } else {
                result.data<double>()[offset + i] = v;
            }
        }
    };
}

struct IntervalSumState {
    Interval sum;
    int64_t count = 0;
};

void bind_interval_sum(BoundAggregate& b, const std::vector<LogicalType>&, bool average) {
    set_state_lifecycle<IntervalSumState>(b);
    b.return_type = LogicalType::interval();
    b.update = [](Args args, uint8_t** states, idx_t count, const BoundAggregate&) {
        const Vector& v = *args[0];
        for_each_valid_row(args, count, [&](idx_t i) {
            auto& s = *reinterpret_cast<IntervalSumState*>(states[i]);
            const Interval& x = v.data<Interval>()[row_index(v, i)];
            s.sum.months += x.months;
            s.sum.days += x.days;
            s.sum.micros += x.micros;
            s.count++;
        });
    };
    b.combine = [](uint8_t** src, uint8_t** dst, idx_t count, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<IntervalSumState*>(src[i]);
            auto& d = *reinterpret_cast<IntervalSumState*>(dst[i]);
            d.sum.months += s.sum.months;
            d.sum.days += s.sum.days;
            d.sum.micros += s.sum.micros;
            d.count += s.count;
        }
    };
    b.finalize = [average](uint8_t** states, idx_t count, Vector& result, idx_t offset, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<IntervalSumState*>(states[i]);
            if (s.count == 0) {
                result.set_null(offset + i);
                continue;
            }
            Interval v = s.sum;
            if (average) {
                double n = static_cast<double>(s.count);
                double months = v.months / n;
                Interval r;
                r.months = static_cast<int32_t>(months);
                double days = v.days / n + (months - r.months) * 30;
                r.days = static_cast<int32_t>(days);
                r.micros = static_cast<int64_t>(v.micros / n + (days - r.days) * 86400e6);
                v = r;
            }
            result.data<Interval>()[offset + i] = v;
        }
    };
}

void bind_sum(BoundAggregate& b, const std::vector<LogicalType>& types, bool average) {
    switch (types[0].id()) {
        case TypeId::kReal:
        case TypeId::kDouble: bind_float_sum(b, types, average); return;
        case TypeId::kInterval: bind_interval_sum(b, types, average); return;
        default: bind_exact_sum(b, types, average); return;
    }
}

// ---- min / max -------------------------------------------------------------------------------------------
template <class T>
struct MinMaxState {
    bool has = false;
    T value{};
};
struct StringMinMaxState {
    bool has = false;
    std::string value;
};

template <class T>
int compare_for_minmax(const T& a, const T& b) {
    if constexpr (std::is_same_v<T, Interval>) {
        return interval_compare(a, b);
    } else if constexpr (std::is_floating_point_v<T>) {
        bool an = a != a, bn = b != b;
        if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
        return a < b ? -1 : (a > b ? 1 : 0);
    } else {
        return a < b ? -1 : (a > b ? 1 : 0);
    }
}

void bind_minmax(BoundAggregate& b, const std::vector<LogicalType>& types, bool is_max) {
    b.return_type = types[0];
    int sign = is_max ? 1 : -1;
    if (types[0].physical() == PhysicalType::kString) {
        set_state_lifecycle<StringMinMaxState>(b);
        b.serialize = [](const uint8_t* state, std::string& out) {
            const auto& s = *reinterpret_cast<const StringMinMaxState*>(state);
            out.push_back(s.has ? 1 : 0);
            out.append(s.value);
        };
        b.deserialize = [](std::string_view in, uint8_t* state) {
            auto& s = *reinterpret_cast<StringMinMaxState*>(state);
            s.has = !in.empty() && in[0] == 1;
            if (!in.empty()) s.value.assign(in.substr(1));
        };
        b.update = [sign](Args args, uint8_t** states, idx_t count, const BoundAggregate&) {
            const Vector& v = *args[0];
            for_each_valid_row(args, count, [&](idx_t i) {
                auto& s = *reinterpret_cast<StringMinMaxState*>(states[i]);
                std::string_view x = v.data<std::string_view>()[row_index(v, i)];
                int c = x.compare(s.value);
                if (!s.has || c * sign > 0) {
                    s.value.assign(x);
                    s.has = true;
                }
            });
        };
        b.combine = [sign](uint8_t** src, uint8_t** dst, idx_t count, const BoundAggregate&) {
            for (idx_t i = 0; i < count; i++) {
                auto& s = *reinterpret_cast<StringMinMaxState*>(src[i]);
                auto& d = *reinterpret_cast<StringMinMaxState*>(dst[i]);
                if (s.has && (!d.has || s.value.compare(d.value) * sign > 0)) {
                    d.value = s.value;
                    d.has = true;
                }
            }
        };
        b.finalize = [](uint8_t** states, idx_t count, Vector& result, idx_t offset, const BoundAggregate&) {
            for (idx_t i = 0; i < count; i++) {
                auto& s = *reinterpret_cast<StringMinMaxState*>(states[i]);
                if (!s.has) {
                    result.set_null(offset + i);
                } else {
                    result.data<std::string_view>()[offset + i] = result.add_string(s.value);
                }
            }
        };
        return;
    }
    dispatch_physical(types[0].physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (!std::is_same_v<T, std::string_view>) {
            using State = MinMaxState<T>;
            set_state_lifecycle<State>(b);
            b.update = [sign](Args args, uint8_t** states, idx_t count, const BoundAggregate&) {
                const Vector& v = *args[0];
                const T* data = v.data<T>();
                for_each_valid_row(args, count, [&](idx_t i) {
                    auto& s = *reinterpret_cast<State*>(states[i]);
                    const T& x = data[row_index(v, i)];
                    if (!s.has || compare_for_minmax<T>(x, s.value) * sign > 0) {
                        s.value = x;
                        s.has = true;
                    }
                });
            };
            b.combine = [sign](uint8_t** src, uint8_t** dst, idx_t count, const BoundAggregate&) {
                for (idx_t i = 0; i < count; i++) {
                    auto& s = *reinterpret_cast<State*>(src[i]);
                    auto& d = *reinterpret_cast<State*>(dst[i]);
                    if (s.has && (!d.has || compare_for_minmax<T>(s.value, d.value) * sign > 0)) d = s;
                }
            };
            b.finalize = [](uint8_t** states, idx_t count, Vector& result, idx_t offset, const BoundAggregate&) {
                for (idx_t i = 0; i < count; i++) {
                    auto& s = *reinterpret_cast<State*>(states[i]);
                    if (!s.has) {
                        result.set_null(offset + i);
                    } else {
                        result.data<T>()[offset + i] = s.value;
                    }
                }
            };
        }
    });
}

// ---- bool_and / bool_or ----------------------------------------------------------------------------------
void bind_bool(BoundAggregate& b, const std::vector<LogicalType>&, bool is_and) {
    set_state_lifecycle<MinMaxState<bool>>(b);
    b.return_type = LogicalType::boolean();
    b.update = [is_and](Args args, uint8_t** states, idx_t count, const BoundAggregate&) {
        const Vector& v = *args[0];
        for_each_valid_row(args, count, [&](idx_t i) {
            auto& s = *reinterpret_cast<MinMaxState<bool>*>(states[i]);
            bool x = v.data<bool>()[row_index(v, i)];
            s.value = s.has ? (is_and ? (s.value && x) : (s.value || x)) : x;
            s.has = true;
        });
    };
    b.combine = [is_and](uint8_t** src, uint8_t** dst, idx_t count, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<MinMaxState<bool>*>(src[i]);
            auto& d = *reinterpret_cast<MinMaxState<bool>*>(dst[i]);
            if (!s.has) continue;
            d.value = d.has ? (is_and ? (d.value && s.value) : (d.value || s.value)) : s.value;
            d.has = true;
        }
    };
    b.finalize = [](uint8_t** states, idx_t count, Vector& result, idx_t offset, const BoundAggregate&) {
        for (idx_t i = 0; i < count; i++) {
            auto& s = *reinterpret_cast<MinMaxState<bool>*>(states[i]);
            if (!s.has) {
                result.set_null(offset + i);
            } else {
                result.data<bool>()[offset + i] = s.value;
            }
        }
    };
}

}  // namespace

void register_basic_aggregates(FunctionRegistry& r) {
    r.add_aggregate({.name = "count_star", .arguments = {}, .return_type = LogicalType::bigint(), .bind = bind_count});
    std::vector<LogicalType> all = {LogicalType::boolean(), LogicalType::smallint(), LogicalType::integer(), LogicalType::bigint(),
                                    LogicalType(TypeId::kDecimal), LogicalType::real(), LogicalType::double_type(),
                                    LogicalType::varchar(), LogicalType::date(), LogicalType::timestamp(),
                                    LogicalType::timestamptz(), LogicalType::interval()};
    for (const auto& t : all) {
        r.add_aggregate({.name = "count", .arguments = {t}, .return_type = LogicalType::bigint(), .bind = bind_count});
    }
    std::vector<LogicalType> numeric = {LogicalType::smallint(), LogicalType::integer(), LogicalType::bigint(),
                                        LogicalType(TypeId::kDecimal), LogicalType::real(), LogicalType::double_type(),
                                        LogicalType::interval()};
    for (const auto& t : numeric) {
        r.add_aggregate({.name = "sum", .arguments = {t}, .return_type = t,
                         .bind = [](BoundAggregate& b, const std::vector<LogicalType>& ts) { bind_sum(b, ts, false); }});
        r.add_aggregate({.name = "avg", .arguments = {t}, .return_type = t,
                         .bind = [](BoundAggregate& b, const std::vector<LogicalType>& ts) { bind_sum(b, ts, true); }});
    }
    for (const auto& t : all) {
        r.add_aggregate({.name = "min", .arguments = {t}, .return_type = t,
                         .bind = [](BoundAggregate& b, const std::vector<LogicalType>& ts) { bind_minmax(b, ts, false); }});
        r.add_aggregate({.name = "max", .arguments = {t}, .return_type = t,
                         .bind = [](BoundAggregate& b, const std::vector<LogicalType>& ts) { bind_minmax(b, ts, true); }});
    }
    for (const char* name : {"bool_and", "every"}) {
        r.add_aggregate({.name = name, .arguments = {LogicalType::boolean()}, .return_type = LogicalType::boolean(),
                         .bind = [](BoundAggregate& b, const std::vector<LogicalType>& ts) { bind_bool(b, ts, true); }});
    }
    r.add_aggregate({.name = "bool_or", .arguments = {LogicalType::boolean()}, .return_type = LogicalType::boolean(),
                     .bind = [](BoundAggregate& b, const std::vector<LogicalType>& ts) { bind_bool(b, ts, false); }});
}

}  // namespace basalt

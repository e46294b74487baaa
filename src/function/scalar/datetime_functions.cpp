// extract / date_part / date_trunc, now() and friends. extract returns NUMERIC as in PostgreSQL 14+ (scale 6
// for seconds and epoch of timestamps), date_part returns double precision.
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "common/error.hpp"
#include "function/kernel_helpers.hpp"
#include "function/scalar/scalar_functions.hpp"
#include "function/statement_clock.hpp"
#include "types/datetime.hpp"
#include "types/decimal.hpp"

namespace basalt {

namespace {

using Args = const std::vector<Vector*>&;

struct FieldData : FunctionData {
    DateField field = DateField::kInvalid;
    int scale = 0;
};

DateField field_of(const BoundScalarFunction& b) {
    if (b.constant_args.empty() || !b.constant_args[0] || b.constant_args[0]->is_null()) {
        throw Error(sql_state::kFeatureNotSupported, "the field of extract/date_part/date_trunc must be a constant");
    }
    DateField f = parse_date_field(b.constant_args[0]->get_string());
    if (f == DateField::kInvalid) {
        throw Error(sql_state::kInvalidParameterValue,
                    fmt::format("unit \"{}\" not recognized", b.constant_args[0]->get_string()));
    }
    return f;
}

int64_t to_micros(const Vector& v, idx_t row) {
    if (v.type().id() == TypeId::kDate) return static_cast<int64_t>(v.data<int32_t>()[row]) * kMicrosPerDay;
    return v.data<int64_t>()[row];
}

// The exact extract value scaled by 10^scale, computed in integers so seconds and epochs keep their digits.
int64_t extract_scaled(DateField field, const Vector& v, idx_t row, int scale) {
    if (v.type().id() == TypeId::kInterval) {
        const Interval& iv = v.data<Interval>()[row];
        if (field == DateField::kEpoch) {
            // 365.25 days per year, 30 days per month, as PostgreSQL's interval epoch.
            int64_t seconds_micros = static_cast<int64_t>(iv.months / 12) * 31557600LL * kMicrosPerSecond +
                             static_cast<int64_t>(iv.months % 12) * 30 * kMicrosPerDay + static_cast<int64_t>(iv.days) * kMicrosPerDay +
                             iv.micros;
            return scale == 6 ? seconds_micros : seconds_micros / kMicrosPerSecond;
        }
        if (field == DateField::kSecond || field == DateField::kMillisecond || field == DateField::kMicrosecond) {
            return iv.micros % kMicrosPerMinute;
        }
        return static_cast<int64_t>(extract_from_interval(field, iv));
    }
    int64_t micros = to_micros(v, row);
    switch (field) {
        case DateField::kSecond:
        case DateField::kMillisecond:
        case DateField::kMicrosecond: {
            int64_t m = micros % kMicrosPerMinute;
            if (m < 0) m += kMicrosPerMinute;
            return m;
        }
        case DateField::kEpoch: return scale == 6 ? micros : micros / kMicrosPerSecond;
        default: return static_cast<int64_t>(extract_from_timestamp(field, micros));
    }
}

void bind_extract(BoundScalarFunction& b, const std::vector<LogicalType>& types) {
    auto data = std::make_shared<FieldData>();
    data->field = field_of(b);
    bool is_date = types[1].id() == TypeId::kDate;
    if (is_date && (data->field == DateField::kHour || data->field == DateField::kMinute ||
                    data->field == DateField::kSecond || data->field == DateField::kMillisecond ||
                    data->field == DateField::kMicrosecond)) {
        throw Error(sql_state::kFeatureNotSupported, "unit not supported for type date");
    }
    switch (data->field) {
        case DateField::kSecond: data->scale = 6; break;
        case DateField::kMillisecond: data->scale = 3; break;
        case DateField::kEpoch: data->scale = is_date ? 0 : 6; break;
        default: data->scale = 0;
    }
    b.data = data;
    b.return_type = LogicalType::decimal(18, data->scale);
    b.kernel = [](Args args, idx_t count, Vector& result, const FunctionData* fd) {
        const auto& d = static_cast<const FieldData&>(*fd);
        const Vector& v = *args[1];
        int64_t* out = result.data<int64_t>();
        for (idx_t i = 0; i < count; i++) {
            idx_t row = v.is_constant() ? 0 : i;
            if (v.validity().is_valid(row)) out[i] = extract_scaled(d.field, v, row, d.scale);
        }
    };
}

void bind_date_part(BoundScalarFunction& b, const std::vector<LogicalType>& types) {
    auto data = std::make_shared<FieldData>();
    data->field = field_of(b);
    b.data = data;
    b.return_type = LogicalType::double_type();
    b.kernel = [](Args args, idx_t count, Vector& result, const FunctionData* fd) {
        const auto& d = static_cast<const FieldData&>(*fd);
        const Vector& v = *args[1];
        double* out = result.data<double>();
        for (idx_t i = 0; i < count; i++) {
            idx_t row = v.is_constant() ? 0 : i;
            if (!v.validity().is_valid(row)) continue;
            out[i] = v.type().id() == TypeId::kInterval ? extract_from_interval(d.field, v.data<Interval>()[row])
                                                          : extract_from_timestamp(d.field, to_micros(v, row));
        }
    };
}

void bind_date_trunc(BoundScalarFunction& b, const std::vector<LogicalType>& types) {
    auto data = std::make_shared<FieldData>();
    data->field = field_of(b);
    b.data = data;
    b.return_type = types[1].id() == TypeId::kTimestampTz ? LogicalType::timestamptz() : LogicalType::timestamp();
    b.kernel = [](Args args, idx_t count, Vector& result, const FunctionData* fd) {
        const auto& d = static_cast<const FieldData&>(*fd);
        const Vector& v = *args[1];
        int64_t* out = result.data<int64_t>();
        for (idx_t i = 0; i < count; i++) {
            idx_t row = v.is_constant() ? 0 : i;
            if (v.validity().is_valid(row)) out[i] = truncate_timestamp(d.field, to_micros(v, row));
        }
    };
}

struct NowData : FunctionData {
    int64_t micros = 0;
};

int64_t now_micros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

void register_datetime_functions(FunctionRegistry& r) {
    auto t = LogicalType::varchar();
    for (const auto& src : {LogicalType::date(), LogicalType::timestamp(), LogicalType::timestamptz(), LogicalType::interval()}) {
        r.add_scalar({.name = "extract", .arguments = {t, src}, .return_type = LogicalType(TypeId::kDecimal), .bind = bind_extract});
        r.add_scalar({.name = "date_part", .arguments = {t, src}, .return_type = LogicalType::double_type(), .bind = bind_date_part});
    }
    for (const auto& src : {LogicalType::timestamp(), LogicalType::timestamptz()}) {
        r.add_scalar({.name = "date_trunc", .arguments = {t, src}, .return_type = src, .bind = bind_date_trunc});
    }
    r.add_scalar({.name = "date_trunc", .arguments = {t, LogicalType::interval()}, .return_type = LogicalType::interval(),
                  .bind = [](BoundScalarFunction& b, const std::vector<LogicalType>&) {
                      auto data = std::make_shared<FieldData>();
                      data->field = field_of(b);
                      b.data = data;
                      b.return_type = LogicalType::interval();
                      b.kernel = [](Args args, idx_t count, Vector& result, const FunctionData* fd) {
                          DateField f = static_cast<const FieldData&>(*fd).field;
                          unary_execute<Interval, Interval>(*args[1], count, result, [f](Interval iv) {
                              auto keep_time = [&](int64_t unit) { iv.micros = iv.micros / unit * unit; };
                              switch (f) {
                                  case DateField::kMillennium: iv.months = iv.months / 12000 * 12000; iv.days = 0; iv.micros = 0; break;
                                  case DateField::kCentury: iv.months = iv.months / 1200 * 1200; iv.days = 0; iv.micros = 0; break;
                                  case DateField::kDecade: iv.months = iv.months / 120 * 120; iv.days = 0; iv.micros = 0; break;
                                  case DateField::kYear: iv.months = iv.months / 12 * 12; iv.days = 0; iv.micros = 0; break;
                                  case DateField::kQuarter: iv.months = iv.months / 3 * 3; iv.days = 0; iv.micros = 0; break;
                                  case DateField::kMonth: iv.days = 0; iv.micros = 0; break;
                                  case DateField::kDay: iv.micros = 0; break;
                                  case DateField::kHour: keep_time(kMicrosPerHour); break;
                                  case DateField::kMinute: keep_time(kMicrosPerMinute); break;
                                  case DateField::kSecond: keep_time(kMicrosPerSecond); break;
                                  case DateField::kMillisecond: keep_time(1000); break;
                                  case DateField::kMicrosecond: break;
                                  default: throw Error(sql_state::kFeatureNotSupported, "unit not supported for type interval");
                              }
                              return iv;
                          });
                      };
                  }});
    // The current time is read once, when the statement is bound, so every use in a statement agrees
    // (PostgreSQL's now() is the transaction's start; each statement is its own transaction here).
    auto bind_now = [](BoundScalarFunction& b, const std::vector<LogicalType>&) {
        auto data = std::make_shared<NowData>();
        data->micros = b.transaction_time != 0 ? b.transaction_time : current_time_micros();
        b.data = data;
    };
    auto now = [](Args, idx_t count, Vector& result, const FunctionData* d) {
        int64_t v = static_cast<const NowData&>(*d).micros;
        for (idx_t i = 0; i < count; i++) result.data<int64_t>()[i] = v;
    };
    for (const char* name : {"now", "current_timestamp", "transaction_timestamp", "statement_timestamp"}) {
        r.add_scalar({.name = name, .arguments = {}, .return_type = LogicalType::timestamptz(), .kernel = now, .bind = bind_now,
                      .is_volatile = true});
    }
    r.add_scalar({.name = "clock_timestamp", .arguments = {}, .return_type = LogicalType::timestamptz(),
                  .kernel = [](Args, idx_t count, Vector& result, const FunctionData*) {
                      for (idx_t i = 0; i < count; i++) result.data<int64_t>()[i] = now_micros();
                  },
                  .is_volatile = true});
    r.add_scalar({.name = "localtimestamp", .arguments = {}, .return_type = LogicalType::timestamp(), .kernel = now, .bind = bind_now,
                  .is_volatile = true});
    r.add_scalar({.name = "current_date", .arguments = {}, .return_type = LogicalType::date(),
                  .kernel = [](Args, idx_t count, Vector& result, const FunctionData* d) {
                      int64_t micros = static_cast<const NowData&>(*d).micros;
                      for (idx_t i = 0; i < count; i++) result.data<int32_t>()[i] = static_cast<int32_t>(micros / kMicrosPerDay);
                  },
                  .bind = bind_now,
                  .is_volatile = true});
    r.add_scalar({.name = "make_date", .arguments = {LogicalType::integer(), LogicalType::integer(), LogicalType::integer()},
                  .return_type = LogicalType::date(),
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      ternary_execute<int32_t, int32_t, int32_t, int32_t>(*args[0], *args[1], *args[2], count, result, [](int32_t y, int32_t m, int32_t d) {
                          if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
                              throw Error(sql_state::kDatetimeFieldOverflow, fmt::format("date field value out of range: {}-{:02d}-{:02d}", y, m, d));
                          }
                          return days_from_civil(y, m, d);
                      });
                  }});
    r.add_scalar({.name = "age", .arguments = {LogicalType::timestamp(), LogicalType::timestamp()}, .return_type = LogicalType::interval(),
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      binary_execute<int64_t, int64_t, Interval>(*args[0], *args[1], count, result, [](int64_t a, int64_t b) {
                          // Symbolic difference in years, months and days, as PostgreSQL's age().
                          bool negative = a < b;
                          if (negative) std::swap(a, b);
                          auto split = [](int64_t t, CivilDate& c, int64_t& time) {
                              int64_t days = t / kMicrosPerDay;
                              time = t % kMicrosPerDay;
                              if (time < 0) {
                                  time += kMicrosPerDay;
                                  days--;
                              }
                              c = civil_from_days(static_cast<int32_t>(days));
                          };
                          CivilDate ca, cb;
                          int64_t ta, tb;
                          split(a, ca, ta);
                          split(b, cb, tb);
                          int64_t micros = ta - tb;
                          int days = ca.day - cb.day;
                          int months = ca.month - cb.month;
                          int years = ca.year - cb.year;
                          if (micros < 0) {
                              micros += kMicrosPerDay;
                              days--;
                          }
                          if (days < 0) {
                              int pm = ca.month == 1 ? 12 : ca.month - 1;
                              int py = ca.month == 1 ? ca.year - 1 : ca.year;
                              days += days_in_month(py, pm);
                              months--;
                          }
                          if (months < 0) {
                              months += 12;
                              years--;
                          }
                          Interval r{years * 12 + months, days, micros};
                          return negative ? interval_negate(r) : r;
                      });
                  }});
}

}  // namespace basalt

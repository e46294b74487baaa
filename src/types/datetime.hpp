// DATE, TIMESTAMP and INTERVAL: conversions to and from text in PostgreSQL's ISO formats, calendar
// arithmetic, and field extraction. Dates are proleptic Gregorian days since 1970-01-01.
#pragma once

#include <string>
#include <string_view>

#include "types/logical_type.hpp"

namespace basalt {

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

struct CivilDate {
    int32_t year;
    int32_t month;  // 1..12
    int32_t day;    // 1..31
};

int32_t days_from_civil(int32_t year, int32_t month, int32_t day);
CivilDate civil_from_days(int32_t days);
bool is_leap_year(int32_t year);
int days_in_month(int32_t year, int32_t month);

int32_t parse_date(std::string_view text);              // throws 22007 / 22008
bool try_parse_date(std::string_view text, int32_t& out);
std::string date_to_string(int32_t days);

int64_t parse_timestamp(std::string_view text, bool with_time_zone);  // throws 22007 / 22008
bool try_parse_timestamp(std::string_view text, bool with_time_zone, int64_t& out);
std::string timestamp_to_string(int64_t micros, bool with_time_zone);

Interval parse_interval(std::string_view text);  // throws 22007
std::string interval_to_string(const Interval& interval);

// Calendar arithmetic (PostgreSQL's rules: months first with the day clamped to the month's end, then days,
// then the time part).
int64_t timestamp_add_interval(int64_t micros, const Interval& interval);
int32_t date_add_days(int32_t date, int64_t days);  // throws 22008 when out of range
Interval interval_negate(const Interval& interval);
Interval interval_add(const Interval& a, const Interval& b);
Interval interval_multiply(const Interval& a, double factor);
Interval interval_divide(const Interval& a, double divisor);
int interval_compare(const Interval& a, const Interval& b);  // PostgreSQL: 1 month = 30 days, 1 day = 24 h
// Difference between two timestamps as an interval of days and time (PostgreSQL's timestamp - timestamp).
Interval timestamp_difference(int64_t a, int64_t b);

enum class DateField {
    kMillennium, kCentury, kDecade, kYear, kQuarter, kMonth, kWeek, kDay, kDayOfWeek, kIsoDayOfWeek, kDayOfYear,
    kHour, kMinute, kSecond, kMillisecond, kMicrosecond, kEpoch, kIsoYear, kInvalid
};
DateField parse_date_field(std::string_view name);
// extract(field from timestamp) as a double (seconds carry their fraction, as in PostgreSQL's date_part).
double extract_from_timestamp(DateField field, int64_t micros);
double extract_from_interval(DateField field, const Interval& interval);
int64_t truncate_timestamp(DateField field, int64_t micros);  // date_trunc

}  // namespace basalt

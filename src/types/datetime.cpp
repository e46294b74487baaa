#include "types/datetime.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "common/error.hpp"

namespace basalt {

// Days from civil and back: the standard era-based conversion for the proleptic Gregorian calendar
// (400-year eras of 146097 days, March-based years so the leap day ends the year).
int32_t days_from_civil(int32_t y, int32_t m, int32_t d) {
    y -= m <= 2;
    const int32_t era = (y >= 0 ? y : y - 399) / 400;
    const int32_t yoe = y - era * 400;
    const int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(int32_t z) {
    int64_t zz = static_cast<int64_t>(z) + 719468;
    const int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
    const int64_t doe = zz - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = yoe + era * 400;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int32_t>(y + (m <= 2)), static_cast<int32_t>(m), static_cast<int32_t>(d)};
}

bool is_leap_year(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int32_t y, int32_t m) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

namespace {

constexpr int32_t kMinYear = -4713;
constexpr int32_t kMaxYear = 294276;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Reads an unsigned integer of at most max_digits digits at s[pos].
bool read_number(std::string_view s, size_t& pos, int max_digits, int64_t& out) {
    size_t start = pos;
    out = 0;
    while (pos < s.size() && is_digit(s[pos]) && static_cast<int>(pos - start) < max_digits) {
        out = out * 10 + (s[pos] - '0');
        pos++;
    }
    return pos > start;
}

enum class ParseStatus { kOk, kBadFormat, kOutOfRange };

ParseStatus parse_date_part(std::string_view s, size_t& pos, int32_t& days) {
    int64_t y, m, d;
    size_t start = pos;
    // YYYYMMDD
    if (s.size() - pos >= 8) {
        size_t digits = 0;
        while (pos + digits < s.size() && is_digit(s[pos + digits])) digits++;
        if (digits == 8) {
            int64_t v;
            read_number(s, pos, 8, v);
            y = v / 10000;
            m = v / 100 % 100;
            d = v % 100;
            if (m < 1 || m > 12 || d < 1 || d > days_in_month(static_cast<int32_t>(y), static_cast<int32_t>(m))) {
                return ParseStatus::kOutOfRange;
            }
            days = days_from_civil(static_cast<int32_t>(y), static_cast<int32_t>(m), static_cast<int32_t>(d));
            return ParseStatus::kOk;
        }
    }
    // M/D/YYYY (DateStyle MDY, PostgreSQL's default)
    {
        size_t p = pos;
        int64_t a, b, c;
        if (read_number(s, p, 2, a) && p < s.size() && s[p] == '/' && read_number(s, ++p, 2, b) && p < s.size() && s[p] == '/' &&
            read_number(s, ++p, 4, c)) {
            pos = p;
            y = c;
            m = a;
            d = b;
            if (m < 1 || m > 12 || d < 1 || d > days_in_month(static_cast<int32_t>(y), static_cast<int32_t>(m))) {
                return ParseStatus::kOutOfRange;
            }
            days = days_from_civil(static_cast<int32_t>(y), static_cast<int32_t>(m), static_cast<int32_t>(d));
            return ParseStatus::kOk;
        }
        pos = start;
    }
    if (!read_number(s, pos, 7, y)) return ParseStatus::kBadFormat;
    if (pos >= s.size() || (s[pos] != '-' && s[pos] != '/')) return ParseStatus::kBadFormat;
    char sep = s[pos++];
    if (!read_number(s, pos, 2, m)) return ParseStatus::kBadFormat;
    if (pos >= s.size() || s[pos] != sep) return ParseStatus::kBadFormat;
    pos++;
    if (!read_number(s, pos, 2, d)) return ParseStatus::kBadFormat;
    // " BC" suffix for years before 1.
    bool bc = false;
    if (s.size() >= pos + 3 && (s.substr(pos) == " BC" || s.substr(pos) == " bc")) {
        bc = true;
        pos += 3;
    }
    if (bc) y = 1 - y;
    if (m < 1 || m > 12 || d < 1 || y > kMaxYear || y < kMinYear) return ParseStatus::kOutOfRange;
    if (d > days_in_month(static_cast<int32_t>(y), static_cast<int32_t>(m))) return ParseStatus::kOutOfRange;
    days = days_from_civil(static_cast<int32_t>(y), static_cast<int32_t>(m), static_cast<int32_t>(d));
    return ParseStatus::kOk;
}

ParseStatus parse_time_part(std::string_view s, size_t& pos, int64_t& micros) {
    int64_t h, mi, sec = 0, frac = 0;
    if (!read_number(s, pos, 2, h)) return ParseStatus::kBadFormat;
    if (pos >= s.size() || s[pos] != ':') return ParseStatus::kBadFormat;
    pos++;
    if (!read_number(s, pos, 2, mi)) return ParseStatus::kBadFormat;
    if (pos < s.size() && s[pos] == ':') {
        pos++;
        if (!read_number(s, pos, 2, sec)) return ParseStatus::kBadFormat;
        if (pos < s.size() && s[pos] == '.') {
            pos++;
            size_t start = pos;
            int64_t digits_value = 0;
            int digits = 0;
            while (pos < s.size() && is_digit(s[pos])) {
                if (digits < 7) {
                    digits_value = digits_value * 10 + (s[pos] - '0');
                    digits++;
                }
                pos++;
            }
            if (pos == start) return ParseStatus::kBadFormat;
            // Round to microseconds.
            while (digits < 7) {
                digits_value *= 10;
                digits++;
            }
            frac = (digits_value + 5) / 10;
        }
    }
    if (h > 24 || mi > 59 || sec > 60) return ParseStatus::kOutOfRange;
    micros = h * kMicrosPerHour + mi * kMicrosPerMinute + sec * kMicrosPerSecond + frac;
    if (micros > kMicrosPerDay) return ParseStatus::kOutOfRange;
    return ParseStatus::kOk;
}

ParseStatus parse_timezone(std::string_view s, size_t& pos, int64_t& offset_micros) {
    offset_micros = 0;
    while (pos < s.size() && s[pos] == ' ') pos++;
    if (pos >= s.size()) return ParseStatus::kOk;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        pos++;
        return ParseStatus::kOk;
    }
    std::string_view rest = s.substr(pos);
    if (rest == "UTC" || rest == "utc" || rest == "GMT") {
        pos = s.size();
        return ParseStatus::kOk;
    }
    if (s[pos] != '+' && s[pos] != '-') return ParseStatus::kBadFormat;
    int sign = s[pos] == '-' ? -1 : 1;
    pos++;
    int64_t h, m = 0;
    size_t start = pos;
    if (!read_number(s, pos, 2, h)) return ParseStatus::kBadFormat;
    if (pos < s.size() && s[pos] == ':') {
        pos++;
        if (!read_number(s, pos, 2, m)) return ParseStatus::kBadFormat;
    } else if (pos - start == 2 && pos + 2 <= s.size() && is_digit(s[pos])) {
        if (!read_number(s, pos, 2, m)) return ParseStatus::kBadFormat;
    }
    if (h > 15 || m > 59) return ParseStatus::kOutOfRange;
    offset_micros = sign * (h * kMicrosPerHour + m * kMicrosPerMinute);
    return ParseStatus::kOk;
}

[[noreturn]] void throw_datetime(ParseStatus status, const char* type_name, std::string_view text) {
    if (status == ParseStatus::kOutOfRange) {
        throw Error(sql_state::kDatetimeFieldOverflow, fmt::format("date/time field value out of range: \"{}\"", text));
    }
    throw Error(sql_state::kInvalidDatetimeFormat, fmt::format("invalid input syntax for type {}: \"{}\"", type_name, text));
}

ParseStatus parse_timestamp_status(std::string_view text, bool with_time_zone, int64_t& out) {
    std::string_view s = trim(text);
    if (s == "epoch") {
        out = 0;
        return ParseStatus::kOk;
    }
    size_t pos = 0;
    int32_t days;
    ParseStatus st = parse_date_part(s, pos, days);
    if (st != ParseStatus::kOk) return st;
    int64_t time = 0;
    if (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T' || s[pos] == 't')) {
        size_t save = pos;
        pos++;
        while (pos < s.size() && s[pos] == ' ') pos++;
        if (pos < s.size() && is_digit(s[pos])) {
            st = parse_time_part(s, pos, time);
            if (st != ParseStatus::kOk) return st;
        } else {
            pos = save;
        }
    }
    int64_t offset = 0;
    st = parse_timezone(s, pos, offset);
    if (st != ParseStatus::kOk) return st;
    if (pos != s.size()) return ParseStatus::kBadFormat;
    out = static_cast<int64_t>(days) * kMicrosPerDay + time;
    if (with_time_zone) out -= offset;
    return ParseStatus::kOk;
}

void append_two(std::string& out, int v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
}

void append_time(std::string& out, int64_t micros_of_day) {
    int64_t h = micros_of_day / kMicrosPerHour;
    int64_t m = micros_of_day / kMicrosPerMinute % 60;
    int64_t s = micros_of_day / kMicrosPerSecond % 60;
    int64_t f = micros_of_day % kMicrosPerSecond;
    if (h < 100) {
        append_two(out, static_cast<int>(h));
    } else {
        out += std::to_string(h);
    }
    out += ':';
    append_two(out, static_cast<int>(m));
    out += ':';
    append_two(out, static_cast<int>(s));
    if (f != 0) {
        char buf[8];
        snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(f));
        std::string frac(buf);
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        out += '.';
        out += frac;
    }
}

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

}  // namespace

bool try_parse_date(std::string_view text, int32_t& out) {
    std::string_view s = trim(text);
    size_t pos = 0;
    if (parse_date_part(s, pos, out) != ParseStatus::kOk) return false;
    return pos == s.size();
}

int32_t parse_date(std::string_view text) {
    std::string_view s = trim(text);
    if (s == "epoch") return 0;
    size_t pos = 0;
    int32_t days;
    ParseStatus st = parse_date_part(s, pos, days);
    if (st == ParseStatus::kOk && pos != s.size()) {
        // PostgreSQL accepts a time part on a date and ignores it.
        int64_t ignored;
        st = parse_timestamp_status(s, false, ignored);
    }
    if (st != ParseStatus::kOk) throw_datetime(st, "date", text);
    return days;
}

std::string date_to_string(int32_t days) {
    CivilDate c = civil_from_days(days);
    std::string out;
    int32_t year = c.year > 0 ? c.year : 1 - c.year;
    if (year < 1000) {
        out += fmt::format("{:04d}", year);
    } else {
        out += std::to_string(year);
    }
    out += '-';
    append_two(out, c.month);
    out += '-';
    append_two(out, c.day);
    if (c.year <= 0) out += " BC";
    return out;
}

bool try_parse_timestamp(std::string_view text, bool with_time_zone, int64_t& out) {
    return parse_timestamp_status(text, with_time_zone, out) == ParseStatus::kOk;
}

int64_t parse_timestamp(std::string_view text, bool with_time_zone) {
    int64_t out;
    ParseStatus st = parse_timestamp_status(text, with_time_zone, out);
    if (st != ParseStatus::kOk) throw_datetime(st, with_time_zone ? "timestamp with time zone" : "timestamp", text);
    return out;
}

std::string timestamp_to_string(int64_t micros, bool with_time_zone) {
    int64_t days = floor_div(micros, kMicrosPerDay);
    int64_t time = micros - days * kMicrosPerDay;
    CivilDate c = civil_from_days(static_cast<int32_t>(days));
    std::string out = date_to_string(static_cast<int32_t>(days));
    bool bc = c.year <= 0;
    if (bc) out.resize(out.size() - 3);
    out += ' ';
    append_time(out, time);
    if (with_time_zone) out += "+00";
    if (bc) out += " BC";
    return out;
}

// ---- intervals ---------------------------------------------------------------------------------------------

namespace {

struct UnitInfo {
    const char* name;
    int32_t months;
    int32_t days;
    int64_t micros;
};

const UnitInfo* find_unit(std::string_view unit) {
    static const UnitInfo kUnits[] = {
        {"microsecond", 0, 0, 1},       {"microseconds", 0, 0, 1},     {"us", 0, 0, 1},
        {"usec", 0, 0, 1},              {"usecs", 0, 0, 1},            {"millisecond", 0, 0, 1000},
        {"milliseconds", 0, 0, 1000},   {"ms", 0, 0, 1000},            {"msec", 0, 0, 1000},
        {"msecs", 0, 0, 1000},          {"second", 0, 0, kMicrosPerSecond},
        {"seconds", 0, 0, kMicrosPerSecond}, {"sec", 0, 0, kMicrosPerSecond}, {"secs", 0, 0, kMicrosPerSecond},
        {"s", 0, 0, kMicrosPerSecond},  {"minute", 0, 0, kMicrosPerMinute}, {"minutes", 0, 0, kMicrosPerMinute},
        {"min", 0, 0, kMicrosPerMinute}, {"mins", 0, 0, kMicrosPerMinute}, {"m", 0, 0, kMicrosPerMinute},
        {"hour", 0, 0, kMicrosPerHour}, {"hours", 0, 0, kMicrosPerHour}, {"hr", 0, 0, kMicrosPerHour},
        {"hrs", 0, 0, kMicrosPerHour},  {"h", 0, 0, kMicrosPerHour},   {"day", 0, 1, 0},
        {"days", 0, 1, 0},              {"d", 0, 1, 0},                {"week", 0, 7, 0},
        {"weeks", 0, 7, 0},             {"w", 0, 7, 0},                {"month", 1, 0, 0},
        {"months", 1, 0, 0},            {"mon", 1, 0, 0},              {"mons", 1, 0, 0},
        {"year", 12, 0, 0},             {"years", 12, 0, 0},           {"yr", 12, 0, 0},
        {"yrs", 12, 0, 0},              {"y", 12, 0, 0},               {"decade", 120, 0, 0},
        {"decades", 120, 0, 0},         {"century", 1200, 0, 0},       {"centuries", 1200, 0, 0},
        {"millennium", 12000, 0, 0},    {"millennia", 12000, 0, 0},    {"millenniums", 12000, 0, 0},
    };
    for (const auto& u : kUnits) {
        if (unit == u.name) return &u;
    }
    return nullptr;
}

[[noreturn]] void bad_interval(std::string_view text) {
    throw Error(sql_state::kInvalidDatetimeFormat, fmt::format("invalid input syntax for type interval: \"{}\"", text));
}

// Adds amount * unit, spilling fractional months into days and fractional days into time as PostgreSQL does.
void add_unit(Interval& iv, double amount, const UnitInfo& unit, std::string_view text) {
    if (std::fabs(amount) > 1e15) {
        throw Error(sql_state::kDatetimeFieldOverflow, fmt::format("interval field value out of range: \"{}\"", text));
    }
    if (unit.months != 0) {
        double months = amount * unit.months;
        double whole = std::trunc(months);
        iv.months += static_cast<int32_t>(whole);
        double days = (months - whole) * 30;
        double whole_days = std::trunc(days);
        iv.days += static_cast<int32_t>(whole_days);
        iv.micros += static_cast<int64_t>(std::llround((days - whole_days) * kMicrosPerDay));
    } else if (unit.days != 0) {
        double days = amount * unit.days;
        double whole = std::trunc(days);
        iv.days += static_cast<int32_t>(whole);
        iv.micros += static_cast<int64_t>(std::llround((days - whole) * kMicrosPerDay));
    } else {
        iv.micros += static_cast<int64_t>(std::llround(amount * static_cast<double>(unit.micros)));
    }
}

}  // namespace

Interval parse_interval(std::string_view text) {
    std::string lowered;
    for (char c : trim(text)) lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view s = lowered;
    Interval iv;
    size_t pos = 0;
    bool any = false;
    bool ago = false;
    auto skip_spaces = [&] {
        while (pos < s.size() && s[pos] == ' ') pos++;
    };
    while (true) {
        skip_spaces();
        if (pos >= s.size()) break;
        if (s.substr(pos) == "ago") {
            ago = true;
            break;
        }
        if (s[pos] == '@') {
            pos++;
            continue;
        }
        size_t start = pos;
        bool negative = false;
        if (s[pos] == '+' || s[pos] == '-') {
            negative = s[pos] == '-';
            pos++;
        }
        size_t num_start = pos;
        while (pos < s.size() && (is_digit(s[pos]) || s[pos] == '.')) pos++;
        if (pos == num_start) bad_interval(text);
        if (pos < s.size() && s[pos] == ':') {
            // hh:mm[:ss[.ffff]]
            pos = num_start;
            int64_t micros = 0;
            int64_t h, m = 0, sec = 0;
            if (!read_number(s, pos, 12, h)) bad_interval(text);
            if (pos >= s.size() || s[pos] != ':') bad_interval(text);
            pos++;
            if (!read_number(s, pos, 2, m)) bad_interval(text);
            micros = h * kMicrosPerHour + m * kMicrosPerMinute;
            if (pos < s.size() && s[pos] == ':') {
                pos++;
                size_t sec_start = pos;
                while (pos < s.size() && (is_digit(s[pos]) || s[pos] == '.')) pos++;
                double seconds = std::strtod(std::string(s.substr(sec_start, pos - sec_start)).c_str(), nullptr);
                sec = std::llround(seconds * kMicrosPerSecond);
                micros += sec;
            }
            iv.micros += negative ? -micros : micros;
            any = true;
            continue;
        }
        double amount = std::strtod(std::string(s.substr(start, pos - start)).c_str(), nullptr);
        skip_spaces();
        size_t unit_start = pos;
        while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) pos++;
        std::string_view unit_name = s.substr(unit_start, pos - unit_start);
        const UnitInfo* unit = nullptr;
        if (unit_name.empty()) {
            unit = find_unit("second");  // a bare number means seconds
        } else {
            unit = find_unit(unit_name);
            if (!unit) bad_interval(text);
        }
        add_unit(iv, amount, *unit, text);
        any = true;
    }
    if (!any) bad_interval(text);
    if (ago) iv = interval_negate(iv);
    return iv;
}

std::string interval_to_string(const Interval& iv) {
    std::string out;
    int32_t years = iv.months / 12;
    int32_t months = iv.months % 12;
    bool after_negative = false;
    auto add_part = [&](int64_t value, const char* singular, const char* plural) {
        if (value == 0) return;
        if (!out.empty()) out += ' ';
        if (after_negative && value > 0) out += '+';
        after_negative = value < 0;
        out += std::to_string(value);
        out += ' ';
        out += value == 1 ? singular : plural;
    };
    add_part(years, "year", "years");
    add_part(months, "mon", "mons");
    add_part(iv.days, "day", "days");
    if (iv.micros != 0 || out.empty()) {
        if (!out.empty()) out += ' ';
        int64_t micros = iv.micros;
        if (micros < 0) {
            out += '-';
            micros = -micros;
        } else if (after_negative) {
            out += '+';
        }
        append_time(out, micros);
    }
    return out;
}

Interval interval_negate(const Interval& iv) { return {-iv.months, -iv.days, -iv.micros}; }

Interval interval_add(const Interval& a, const Interval& b) {
    return {a.months + b.months, a.days + b.days, a.micros + b.micros};
}

Interval interval_multiply(const Interval& a, double factor) {
    // PostgreSQL's interval_mul: fractional months spill into days and fractional days into time.
    double months = a.months * factor;
    double days = a.days * factor;
    Interval r;
    r.months = static_cast<int32_t>(std::trunc(months));
    double month_remainder_days = (months - r.months) * 30;
    double total_days = days + month_remainder_days;
    r.days = static_cast<int32_t>(std::trunc(total_days));
    double day_remainder = total_days - r.days;
    r.micros = static_cast<int64_t>(std::llround(static_cast<double>(a.micros) * factor + day_remainder * kMicrosPerDay));
    return r;
}

Interval interval_divide(const Interval& a, double divisor) {
    if (divisor == 0) throw Error(sql_state::kDivisionByZero, "division by zero");
    return interval_multiply(a, 1.0 / divisor);
}

int interval_compare(const Interval& a, const Interval& b) {
    int128_t x = (static_cast<int128_t>(a.months) * 30 + a.days) * kMicrosPerDay + a.micros;
    int128_t y = (static_cast<int128_t>(b.months) * 30 + b.days) * kMicrosPerDay + b.micros;
    return x < y ? -1 : (x > y ? 1 : 0);
}

Interval timestamp_difference(int64_t a, int64_t b) {
    int64_t diff = a - b;
    Interval r;
    r.days = static_cast<int32_t>(diff / kMicrosPerDay);
    r.micros = diff % kMicrosPerDay;
    return r;
}

int64_t timestamp_add_interval(int64_t micros, const Interval& iv) {
    if (iv.months != 0) {
        int64_t days = floor_div(micros, kMicrosPerDay);
        int64_t time = micros - days * kMicrosPerDay;
        CivilDate c = civil_from_days(static_cast<int32_t>(days));
        int64_t total = static_cast<int64_t>(c.year) * 12 + (c.month - 1) + iv.months;
        int32_t year = static_cast<int32_t>(floor_div(total, 12));
        int32_t month = static_cast<int32_t>(total - static_cast<int64_t>(year) * 12) + 1;
        if (year > kMaxYear || year < kMinYear) {
            throw Error(sql_state::kDatetimeFieldOverflow, "timestamp out of range");
        }
        int32_t day = std::min(c.day, days_in_month(year, month));
        micros = static_cast<int64_t>(days_from_civil(year, month, day)) * kMicrosPerDay + time;
    }
    micros += static_cast<int64_t>(iv.days) * kMicrosPerDay + iv.micros;
    return micros;
}

int32_t date_add_days(int32_t date, int64_t days) {
    int64_t r = static_cast<int64_t>(date) + days;
    if (r > days_from_civil(kMaxYear, 12, 31) || r < days_from_civil(kMinYear, 1, 1)) {
        throw Error(sql_state::kDatetimeFieldOverflow, "date out of range");
    }
    return static_cast<int32_t>(r);
}

DateField parse_date_field(std::string_view name) {
    std::string n;
    for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    struct Entry {
        const char* name;
        DateField field;
    };
    static const Entry kFields[] = {
        {"millennium", DateField::kMillennium}, {"millennia", DateField::kMillennium},
        {"century", DateField::kCentury},       {"decade", DateField::kDecade},
        {"year", DateField::kYear},             {"years", DateField::kYear},
        {"quarter", DateField::kQuarter},       {"month", DateField::kMonth},
        {"months", DateField::kMonth},          {"week", DateField::kWeek},
        {"day", DateField::kDay},               {"days", DateField::kDay},
        {"dow", DateField::kDayOfWeek},         {"isodow", DateField::kIsoDayOfWeek},
        {"doy", DateField::kDayOfYear},         {"hour", DateField::kHour},
        {"hours", DateField::kHour},            {"minute", DateField::kMinute},
        {"minutes", DateField::kMinute},        {"second", DateField::kSecond},
        {"seconds", DateField::kSecond},        {"millisecond", DateField::kMillisecond},
        {"milliseconds", DateField::kMillisecond}, {"microsecond", DateField::kMicrosecond},
        {"microseconds", DateField::kMicrosecond}, {"epoch", DateField::kEpoch},
        {"isoyear", DateField::kIsoYear},
    };
    for (const auto& e : kFields) {
        if (n == e.name) return e.field;
    }
    return DateField::kInvalid;
}

namespace {
// ISO 8601 week number and week-based year.
void iso_week(int32_t days, int32_t& iso_year, int32_t& week) {
    CivilDate c = civil_from_days(days);
    int32_t dow = static_cast<int32_t>(((static_cast<int64_t>(days) % 7) + 7 + 3) % 7) + 1;  // Monday=1
    int32_t thursday = days - dow + 4;
    CivilDate tc = civil_from_days(thursday);
    iso_year = tc.year;
    int32_t jan1 = days_from_civil(tc.year, 1, 1);
    week = (thursday - jan1) / 7 + 1;
    (void)c;
}
}  // namespace

double extract_from_timestamp(DateField field, int64_t micros) {
    int64_t days = floor_div(micros, kMicrosPerDay);
    int64_t time = micros - days * kMicrosPerDay;
    CivilDate c = civil_from_days(static_cast<int32_t>(days));
    switch (field) {
        case DateField::kMillennium: return c.year > 0 ? (c.year + 999) / 1000 : -((999 - c.year + 1) / 1000);
        case DateField::kCentury: return c.year > 0 ? (c.year + 99) / 100 : -((99 - c.year + 1) / 100);
        case DateField::kDecade: return std::floor(c.year / 10.0);
        case DateField::kYear: return c.year > 0 ? c.year : c.year - 1;
        case DateField::kQuarter: return (c.month - 1) / 3 + 1;
        case DateField::kMonth: return c.month;
        case DateField::kDay: return c.day;
        case DateField::kDayOfWeek: return static_cast<double>(((days % 7) + 7 + 4) % 7);
        case DateField::kIsoDayOfWeek: {
            int64_t dow = ((days % 7) + 7 + 4) % 7;
            return dow == 0 ? 7 : static_cast<double>(dow);
        }
        case DateField::kDayOfYear: return static_cast<double>(days - days_from_civil(c.year, 1, 1) + 1);
        case DateField::kWeek: {
            int32_t y, w;
            iso_week(static_cast<int32_t>(days), y, w);
            return w;
        }
        case DateField::kIsoYear: {
            int32_t y, w;
            iso_week(static_cast<int32_t>(days), y, w);
            return y;
        }
        case DateField::kHour: return static_cast<double>(time / kMicrosPerHour);
        case DateField::kMinute: return static_cast<double>(time / kMicrosPerMinute % 60);
        case DateField::kSecond: return static_cast<double>(time % kMicrosPerMinute) / kMicrosPerSecond;
        case DateField::kMillisecond: return static_cast<double>(time % kMicrosPerMinute) / 1000.0;
        case DateField::kMicrosecond: return static_cast<double>(time % kMicrosPerMinute);
        case DateField::kEpoch: return static_cast<double>(micros) / kMicrosPerSecond;
        case DateField::kInvalid: break;
    }
    throw Error(sql_state::kInvalidParameterValue, "unit not recognized for timestamp");
}

double extract_from_interval(DateField field, const Interval& iv) {
    switch (field) {
        case DateField::kMillennium: return iv.months / 12 / 1000;
        case DateField::kCentury: return iv.months / 12 / 100;
        case DateField::kDecade: return iv.months / 12 / 10;
        case DateField::kYear: return iv.months / 12;
        case DateField::kQuarter: return (iv.months % 12) / 3 + 1;
        case DateField::kMonth: return iv.months % 12;
        case DateField::kDay: return iv.days;
        case DateField::kHour: return static_cast<double>(iv.micros / kMicrosPerHour);
        case DateField::kMinute: return static_cast<double>(iv.micros / kMicrosPerMinute % 60);
        case DateField::kSecond: return static_cast<double>(iv.micros % kMicrosPerMinute) / kMicrosPerSecond;
        case DateField::kMillisecond: return static_cast<double>(iv.micros % kMicrosPerMinute) / 1000.0;
        case DateField::kMicrosecond: return static_cast<double>(iv.micros % kMicrosPerMinute);
        case DateField::kEpoch:
            return (static_cast<double>(iv.months / 12) * 365.25 * 86400.0) +
                   static_cast<double>(iv.months % 12) * 30.0 * 86400.0 + iv.days * 86400.0 +
                   static_cast<double>(iv.micros) / kMicrosPerSecond;
        default: break;
    }
    throw Error(sql_state::kInvalidParameterValue, "unit not supported for type interval");
}

int64_t truncate_timestamp(DateField field, int64_t micros) {
    int64_t days = floor_div(micros, kMicrosPerDay);
    int64_t time = micros - days * kMicrosPerDay;
    CivilDate c = civil_from_days(static_cast<int32_t>(days));
    auto at = [](int32_t y, int32_t m, int32_t d) { return static_cast<int64_t>(days_from_civil(y, m, d)) * kMicrosPerDay; };
    switch (field) {
        case DateField::kMillennium: return at(((c.year - 1) / 1000) * 1000 + 1, 1, 1);
        case DateField::kCentury: return at(((c.year - 1) / 100) * 100 + 1, 1, 1);
        case DateField::kDecade: return at((c.year / 10) * 10, 1, 1);
        case DateField::kYear: return at(c.year, 1, 1);
        case DateField::kQuarter: return at(c.year, ((c.month - 1) / 3) * 3 + 1, 1);
        case DateField::kMonth: return at(c.year, c.month, 1);
        case DateField::kWeek: {
            int64_t dow = ((days % 7) + 7 + 3) % 7;  // Monday = 0
            return (days - dow) * kMicrosPerDay;
        }
        case DateField::kDay: return days * kMicrosPerDay;
        case DateField::kHour: return days * kMicrosPerDay + time / kMicrosPerHour * kMicrosPerHour;
        case DateField::kMinute: return days * kMicrosPerDay + time / kMicrosPerMinute * kMicrosPerMinute;
        case DateField::kSecond: return days * kMicrosPerDay + time / kMicrosPerSecond * kMicrosPerSecond;
        case DateField::kMillisecond: return days * kMicrosPerDay + time / 1000 * 1000;
        case DateField::kMicrosecond: return micros;
        default: break;
    }
    throw Error(sql_state::kInvalidParameterValue, "unit not recognized for date_trunc");
}

}  // namespace basalt

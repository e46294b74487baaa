#pragma once

// Internal to the TPC-H generator: the spec's fixed value lists (clause 4.2.2.13 / 4.2.3), the pseudo-text pool
// of clause 4.2.2.10, v-strings (4.2.2.7), dates, and the hand-written field formatters. Formatters write into a
// caller-provided char buffer and return the new end; the caller guarantees room (a line is at most a few hundred
// bytes), so no per-field bounds checks, allocation, iostreams or std::format sit on the hot path.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>

#include "io/tpch/tpch_random.hpp"

namespace basalt::tpch {

// ---- Fixed lists (all chosen uniformly; clause 4.2.3 says "random string [list]"). ----

inline constexpr std::string_view kColors[] = {
    "almond",    "antique",   "aquamarine", "azure",     "beige",     "bisque",    "black",     "blanched",
    "blue",      "blush",     "brown",      "burlywood", "burnished", "chartreuse", "chiffon",  "chocolate",
    "coral",     "cornflower", "cornsilk",  "cream",     "cyan",      "dark",      "deep",      "dim",
    "dodger",    "drab",      "firebrick",  "floral",    "forest",    "frosted",   "gainsboro", "ghost",
    "goldenrod", "green",     "grey",       "honeydew",  "hot",       "indian",    "ivory",     "khaki",
    "lace",      "lavender",  "lawn",       "lemon",     "light",     "lime",      "linen",     "magenta",
    "maroon",    "medium",    "metallic",   "midnight",  "mint",      "misty",     "moccasin",  "navajo",
    "navy",      "olive",     "orange",     "orchid",    "pale",      "papaya",    "peach",     "peru",
    "pink",      "plum",      "powder",     "puff",      "purple",    "red",       "rose",      "rosy",
    "royal",     "saddle",    "salmon",     "sandy",     "seashell",  "sienna",    "sky",       "slate",
    "smoke",     "snow",      "spring",     "steel",     "tan",       "thistle",   "tomato",    "turquoise",
    "violet",    "wheat",     "white",      "yellow"};
static_assert(std::size(kColors) == 92);

inline constexpr std::string_view kTypeSyllable1[] = {"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"};
inline constexpr std::string_view kTypeSyllable2[] = {"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"};
inline constexpr std::string_view kTypeSyllable3[] = {"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"};
inline constexpr std::string_view kContainerSyllable1[] = {"SM", "LG", "MED", "JUMBO", "WRAP"};
inline constexpr std::string_view kContainerSyllable2[] = {"CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"};
inline constexpr std::string_view kSegments[] = {"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"};
inline constexpr std::string_view kPriorities[] = {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"};
inline constexpr std::string_view kInstructions[] = {"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"};
inline constexpr std::string_view kModes[] = {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"};

inline constexpr std::string_view kRegions[] = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};

struct NationInfo {
    std::string_view name;
    int region;
};
inline constexpr NationInfo kNations[] = {
    {"ALGERIA", 0},   {"ARGENTINA", 1}, {"BRAZIL", 1},  {"CANADA", 1},     {"EGYPT", 4},
    {"ETHIOPIA", 0},  {"FRANCE", 3},    {"GERMANY", 3}, {"INDIA", 2},      {"INDONESIA", 2},
    {"IRAN", 4},      {"IRAQ", 4},      {"JAPAN", 2},   {"JORDAN", 4},     {"KENYA", 0},
    {"MOROCCO", 0},   {"MOZAMBIQUE", 0}, {"PERU", 1},   {"CHINA", 2},      {"ROMANIA", 3},
    {"SAUDI ARABIA", 4}, {"VIETNAM", 2}, {"RUSSIA", 3}, {"UNITED KINGDOM", 3}, {"UNITED STATES", 1}};
static_assert(std::size(kNations) == 25);

// ---- Dates: day numbers counted from STARTDATE = 1992-01-01 (day 0). ----

constexpr int days_from_civil(int year, int month, int day) {
    // Days since 1970-01-01 (proleptic Gregorian), shifted so that 1992-01-01 is 0.
    year -= month <= 2 ? 1 : 0;
    const int era = year / 400;
    const int year_of_era = year - era * 400;
    const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468 - 8035;  // 8035 = days from 1970-01-01 to 1992-01-01
}

inline constexpr int kStartDate = 0;
inline constexpr int kCurrentDate = days_from_civil(1995, 6, 17);
inline constexpr int kEndDate = days_from_civil(1998, 12, 31);
static_assert(days_from_civil(1992, 1, 1) == 0 && kCurrentDate == 1263 && kEndDate == 2556);

// "YYYY-MM-DD" (10 chars, not terminated) for day in [kStartDate, kEndDate].
const char* date_chars(int day);

// ---- Pseudo-text (clause 4.2.2.10) and v-strings (clause 4.2.2.7). ----

// The spec's text strings are substrings of one 300 MB pseudo-text built from the grammar. It is built on first use
// (in parallel, deterministically: same bytes whatever the thread count) and kept for the life of the process.
inline constexpr size_t kTextPoolSize = size_t{300} * 1024 * 1024;
std::string_view text_pool();

// A text string [min_len, max_len]: random length, random offset into the pool. Kept as a reference so orders can
// draw the comments of their lineitems without copying them when only the order line is written.
struct TextRef {
    uint32_t offset;
    uint32_t length;
};

inline TextRef pick_text(std::string_view pool, TpchRandom& rng, int min_len, int max_len) {
    const auto length = static_cast<uint32_t>(rng.uniform(min_len, max_len));
    const auto offset = static_cast<uint32_t>(rng.uniform(0, static_cast<int64_t>(pool.size() - length)));
    return {offset, length};
}

inline char* put_text(char* out, std::string_view pool, TextRef ref) {
    std::memcpy(out, pool.data() + ref.offset, ref.length);
    return out + ref.length;
}

// Random alphanumeric string, length uniform in [min_len, max_len], over a 64-symbol alphabet (the spec asks for
// at least 64 symbols): digits, both letter cases, comma and space. Six random bits per character.
char* put_vstring(char* out, TpchRandom& rng, int min_len, int max_len);

// ---- Field formatters. ----

inline char* put_str(char* out, std::string_view s) {
    std::memcpy(out, s.data(), s.size());
    return out + s.size();
}

inline char* put_uint(char* out, uint64_t value) {
    char digits[20];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (n > 0) *out++ = digits[--n];
    return out;
}

// Zero-padded to at least `width` digits ("Supplier#000000001"); wider values print in full.
inline char* put_padded(char* out, uint64_t value, int width) {
    uint64_t limit = 1;
    for (int i = 0; i < width; ++i) limit *= 10;
    if (value >= limit) return put_uint(out, value);
    char* end = out + width;
    for (char* p = end; p > out; value /= 10) *--p = static_cast<char>('0' + value % 10);
    return end;
}

// Exact decimal with two places from an integer number of hundredths (money, quantities, discounts, taxes).
inline char* put_cents(char* out, int64_t cents) {
    if (cents < 0) {
        *out++ = '-';
        cents = -cents;
    }
    out = put_uint(out, static_cast<uint64_t>(cents / 100));
    *out++ = '.';
    *out++ = static_cast<char>('0' + (cents % 100) / 10);
    *out++ = static_cast<char>('0' + cents % 10);
    return out;
}

inline char* put_date(char* out, int day) {
    std::memcpy(out, date_chars(day), 10);
    return out + 10;
}

// Field separator and line end: every field, the last one included, is followed by '|'.
inline char* sep(char* out) {
    *out = '|';
    return out + 1;
}

inline char* end_line(char* out) {
    out[0] = '|';
    out[1] = '\n';
    return out + 2;
}

// Clause 4.2.2.9: country code = nation key + 10, then three random local number groups.
inline char* put_phone(char* out, TpchRandom& rng, int64_t nation) {
    out = put_uint(out, static_cast<uint64_t>(nation + 10));
    *out++ = '-';
    out = put_uint(out, static_cast<uint64_t>(rng.uniform(100, 999)));
    *out++ = '-';
    out = put_uint(out, static_cast<uint64_t>(rng.uniform(100, 999)));
    *out++ = '-';
    return put_uint(out, static_cast<uint64_t>(rng.uniform(1000, 9999)));
}

}  // namespace basalt::tpch

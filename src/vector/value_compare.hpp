// Hashing and three-way comparison of single values by their physical type, with PostgreSQL's equality:
// -0.0 equals 0.0, NaN equals NaN (and sorts above every number), '1 mon' equals '30 days'. Every structure
// that hashes values (joins, grouping, IN lists) uses these, so "equal" means one thing everywhere.
#pragma once

#include <cmath>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "types/datetime.hpp"
#include "types/logical_type.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

template <class T>
uint64_t hash_value(const T& v) {
    if constexpr (std::is_same_v<T, std::string_view>) {
        return hash_bytes(v.data(), v.size());
    } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
        double d = v;
        if (d == 0) d = 0;  // -0.0 equals 0.0
        if (std::isnan(d)) return 0x7ff8000000000000ULL;
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        return hash_mix(bits);
    } else if constexpr (std::is_same_v<T, int128_t>) {
        return hash_combine(hash_mix(static_cast<uint64_t>(v)), static_cast<uint64_t>(v >> 64));
    } else if constexpr (std::is_same_v<T, Interval>) {
        // Equal intervals ('1 mon' = '30 days') must hash alike.
        int128_t total = (static_cast<int128_t>(v.months) * 30 + v.days) * kMicrosPerDay + v.micros;
        return hash_value<int128_t>(total);
    } else {
        return hash_mix(static_cast<uint64_t>(static_cast<int64_t>(v)));
    }
}

template <class T>
int compare_values(const T& a, const T& b) {
    if constexpr (std::is_same_v<T, std::string_view>) {
        int c = a.compare(b);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    } else if constexpr (std::is_same_v<T, Interval>) {
        return interval_compare(a, b);
    } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
        // PostgreSQL orders NaN above every other value and equal to itself.
        bool an = std::isnan(a), bn = std::isnan(b);
        if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
        return a < b ? -1 : (a > b ? 1 : 0);
    } else {
        return a < b ? -1 : (a > b ? 1 : 0);
    }
}

template <class T>
bool values_equal(const T& a, const T& b) {
    if constexpr (std::is_same_v<T, std::string_view>) {
        return a == b;  // checks the lengths first
    } else {
        return compare_values<T>(a, b) == 0;
    }
}

}  // namespace basalt

// KeyMap against std::unordered_map under a random mix of inserts, overwrites, erases and lookups (erases shift
// entries back, so a wrong shift shows as a lost or wrongly found key), with keys of many lengths: empty, short,
// and a few longer than a block of key bytes.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>

#include "storage/key_map.hpp"

using namespace basalt;

TEST(KeyMap, MatchesUnorderedMapUnderRandomOperations) {
    std::mt19937_64 rng(42);
    KeyMap map;
    std::unordered_map<std::string, row_t> reference;
    auto random_key = [&]() {
        uint64_t pick = rng() % 100;
        if (pick == 0) return std::string();
        if (pick == 1 && rng() % 50 == 0) return std::string((1 << 20) + static_cast<size_t>(rng() % 100), static_cast<char>('a' + rng() % 3));
        std::string key = std::to_string(rng() % 20000);
        if (pick < 30) key += std::string(static_cast<size_t>(rng() % 40), 'x');
        return key;
    };
    for (int step = 0; step < 200000; step++) {
        std::string key = random_key();
        uint64_t op = rng() % 10;
        if (op < 5) {
            row_t row = rng();
            map.set(key, row);
            reference[key] = row;
        } else if (op < 8) {
            map.erase(key);
            reference.erase(key);
        } else {
            auto found = map.find(key);
            auto it = reference.find(key);
            ASSERT_EQ(found.has_value(), it != reference.end()) << "step " << step;
            if (found) {
                ASSERT_EQ(*found, it->second) << "step " << step;
            }
        }
        ASSERT_EQ(map.size(), reference.size());
    }
    size_t seen = 0;
    map.for_each([&](std::string_view key, row_t row) {
        auto it = reference.find(std::string(key));
        ASSERT_NE(it, reference.end());
        EXPECT_EQ(it->second, row);
        seen++;
    });
    EXPECT_EQ(seen, reference.size());
    for (const auto& [key, row] : reference) {
        auto found = map.find(key);
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(*found, row);
    }
}

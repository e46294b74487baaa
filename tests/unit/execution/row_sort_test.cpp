// sort_rows (normalized keys, parallel runs and merge) against a plain comparison sort of the same rows, over
// random data with NULLs, NaN, -0, long strings sharing prefixes, 128-bit decimals and intervals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "common/task_scheduler.hpp"
#include "execution/column_data_collection.hpp"
#include "execution/operator/row_sort.hpp"

namespace basalt {
namespace {

std::vector<LogicalType> column_types() {
    return {LogicalType::integer(), LogicalType::bigint(), LogicalType::double_type(), LogicalType::varchar(),
            LogicalType::decimal(30, 2), LogicalType::interval(), LogicalType::boolean(), LogicalType::smallint()};
}

Value random_value(const LogicalType& type, std::mt19937_64& rng) {
    if (rng() % 10 == 0) return Value(type);  // NULL
    switch (type.id()) {
        case TypeId::kInteger: return Value::integer(static_cast<int32_t>(rng() % 200) - 100);
        case TypeId::kBigInt: return Value::bigint(static_cast<int64_t>(rng() % 2 ? rng() : rng() % 50) * (rng() % 2 ? 1 : -1));
        case TypeId::kDouble: {
            static const double specials[] = {std::nan(""), -0.0, 0.0, 1e308, -1e308, INFINITY, -INFINITY};
            if (rng() % 8 == 0) return Value::double_value(specials[rng() % 7]);
            return Value::double_value(static_cast<double>(static_cast<int>(rng() % 1000) - 500) / 8);
        }
        case TypeId::kVarchar: {
            // Long shared prefixes: the 8-byte prefix ties and the full comparison must decide.
            static const char* prefixes[] = {"", "a", "abcdefgh", "abcdefghij", "abcdefgh\xc3\xa9", "zz"};
            std::string s = prefixes[rng() % 6];
            for (int i = 0, n = static_cast<int>(rng() % 4); i < n; i++) s += static_cast<char>('a' + rng() % 3);
            return Value::varchar(s);
        }
        case TypeId::kDecimal: {
            int128_t big = static_cast<int128_t>(static_cast<int64_t>(rng() % 1000) - 500) * static_cast<int128_t>(1000000000000000000LL);
            return Value::decimal(big + static_cast<int128_t>(rng() % 7), 30, 2);
        }
        case TypeId::kInterval: {
            Interval iv;
            iv.months = static_cast<int32_t>(rng() % 3);
            iv.days = static_cast<int32_t>(rng() % 40);  // 1 month and 30 days compare equal
            return Value::interval(iv);
        }
        case TypeId::kBoolean: return Value::boolean(rng() % 2);
        default: return Value::smallint(static_cast<int16_t>(rng() % 5));
    }
}

ColumnDataCollection random_rows(size_t n, std::mt19937_64& rng) {
    auto types = column_types();
    ColumnDataCollection rows(types);
    DataChunk chunk;
    for (size_t done = 0; done < n;) {
        chunk.initialize(types);
        idx_t count = std::min<size_t>(kVectorSize, n - done);
        for (idx_t i = 0; i < count; i++) {
            for (size_t c = 0; c < types.size(); c++) chunk.column(c).set_value(i, random_value(types[c], rng));
        }
        chunk.set_size(count);
        rows.append(chunk);
        done += count;
    }
    return rows;
}

std::vector<uint64_t> reference_sort(const ColumnDataCollection& rows, const std::vector<SortKey>& keys, int64_t keep) {
    std::vector<uint64_t> ids(rows.row_count());
    std::iota(ids.begin(), ids.end(), 0);
    std::stable_sort(ids.begin(), ids.end(), [&](uint64_t a, uint64_t b) { return compare_collection_rows(rows, keys, a, b) < 0; });
    if (keep >= 0 && static_cast<size_t>(keep) < ids.size()) ids.resize(static_cast<size_t>(keep));
    return ids;
}

TEST(RowSort, MatchesAComparisonSortOnEveryKeyType) {
    std::mt19937_64 rng(7);
    TaskScheduler scheduler(2);
    QueryContext query;
    query.scheduler = &scheduler;
    query.threads = 2;
    // Enough rows for several runs per worker and a merge split between workers.
    ColumnDataCollection rows = random_rows(150000, rng);
    auto types = column_types();
    for (int trial = 0; trial < 16; trial++) {
        std::vector<SortKey> keys;
        int key_count = 1 + static_cast<int>(rng() % 3);
        for (int k = 0; k < key_count; k++) keys.push_back({rng() % types.size(), rng() % 2 == 0, rng() % 2 == 0});
        int64_t keep = trial % 4 == 3 ? static_cast<int64_t>(rng() % 5000) : -1;
        std::vector<uint64_t> ids(rows.row_count());
        std::iota(ids.begin(), ids.end(), 0);
        sort_rows(rows, keys, ids, keep, trial % 2 ? &query : nullptr);
        auto expected = reference_sort(rows, keys, keep);
        ASSERT_EQ(ids.size(), expected.size());
        std::string described;
        for (const auto& k : keys) described += std::to_string(k.column) + (k.descending ? " desc" : "") + (k.nulls_first ? " nulls first, " : ", ");
        for (size_t i = 0; i < ids.size(); i++) {
            ASSERT_EQ(ids[i], expected[i]) << "position " << i << " with keys " << described << " keep " << keep;
        }
    }
}

}  // namespace
}  // namespace basalt

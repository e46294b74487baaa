// Column block encodings: every pattern round-trips exactly (values and NULLs), the smallest encoding wins
// for the patterns each exists for, and damaged bytes give XX001 instead of garbage.
#include <gtest/gtest.h>

#include <random>

#include "common/error.hpp"
#include "storage/column_encoding.hpp"

using namespace basalt;

namespace {

std::vector<Vector> make_vectors(const LogicalType& type, const std::vector<Value>& values) {
    std::vector<Vector> out;
    for (idx_t start = 0; start < values.size(); start += kVectorSize) {
        out.emplace_back(type, kVectorSize);
        for (idx_t i = start; i < std::min<idx_t>(values.size(), start + kVectorSize); i++) out.back().set_value(i - start, values[i]);
    }
    return out;
}

EncodedBlock round_trip(const LogicalType& type, const std::vector<Value>& values, Compression compression) {
    auto vectors = make_vectors(type, values);
    std::vector<const Vector*> pointers;
    for (auto& v : vectors) pointers.push_back(&v);
    EncodedBlock block = encode_block(pointers, values.size(), type, compression);
    auto decoded = decode_block(block.bytes, block.encoding, block.compression, block.encoded_size, type, values.size(), "test");
    for (idx_t i = 0; i < values.size(); i++) {
        Value got = decoded[i / kVectorSize].get_value(i % kVectorSize);
        EXPECT_EQ(got.is_null(), values[i].is_null()) << "row " << i;
        if (!values[i].is_null()) {
            EXPECT_EQ(got.to_string(), values[i].to_string()) << "row " << i;
        }
    }
    return block;
}

}  // namespace

TEST(ColumnEncoding, IntegerPatternsRoundTripAndPickTheirEncoding) {
    std::mt19937_64 rng(7);
    std::vector<Value> constant(kBlockRows, Value::integer(42));
    EXPECT_EQ(round_trip(LogicalType::integer(), constant, Compression::kNone).encoding, Encoding::kConstant);

    std::vector<Value> sorted;
    for (idx_t i = 0; i < kBlockRows; i++) sorted.push_back(Value::bigint(static_cast<int64_t>(1000000 + i * 4)));
    EXPECT_EQ(round_trip(LogicalType::bigint(), sorted, Compression::kNone).encoding, Encoding::kDelta);

    std::vector<Value> runs;
    for (idx_t i = 0; i < kBlockRows; i++) runs.push_back(Value::integer(static_cast<int32_t>(i / 1000) * 1000003));
    EXPECT_EQ(round_trip(LogicalType::integer(), runs, Compression::kNone).encoding, Encoding::kRunLength);

    std::vector<Value> narrow;
    for (idx_t i = 0; i < kBlockRows; i++) narrow.push_back(Value::bigint(-500 + static_cast<int64_t>(rng() % 1000)));
    EncodedBlock b = round_trip(LogicalType::bigint(), narrow, Compression::kNone);
    EXPECT_LT(b.bytes.size(), kBlockRows * 2u) << "1000 distinct values need at most 10 bits each";

    std::vector<Value> few;
    for (idx_t i = 0; i < kBlockRows; i++) few.push_back(Value::bigint(static_cast<int64_t>(rng() % 5) * 1000000007LL));
    EXPECT_EQ(round_trip(LogicalType::bigint(), few, Compression::kNone).encoding, Encoding::kDictionary);

    std::vector<Value> wide;
    for (idx_t i = 0; i < 5000; i++) wide.push_back(Value::bigint(static_cast<int64_t>(rng())));
    round_trip(LogicalType::bigint(), wide, Compression::kZstd);
}

TEST(ColumnEncoding, NullsDecimalsFloatsDatesStringsRoundTrip) {
    std::mt19937_64 rng(11);
    std::vector<Value> with_nulls;
    for (idx_t i = 0; i < 3000; i++) with_nulls.push_back(i % 7 == 0 ? Value(LogicalType::integer()) : Value::integer(static_cast<int32_t>(i)));
    EncodedBlock b = round_trip(LogicalType::integer(), with_nulls, Compression::kZstd);
    EXPECT_EQ(b.zone_map.null_count, 429u);
    EXPECT_EQ(b.zone_map.min.to_string(), "1");
    EXPECT_EQ(b.zone_map.max.to_string(), "2999");

    std::vector<Value> all_null(100, Value(LogicalType::varchar()));
    EXPECT_FALSE(round_trip(LogicalType::varchar(), all_null, Compression::kNone).zone_map.has_min_max);

    std::vector<Value> doubles, decimals, wide_decimals, strings, categories;
    LogicalType money = LogicalType::decimal(15, 2), big = LogicalType::decimal(38, 4);
    for (idx_t i = 0; i < 4000; i++) {
        doubles.push_back(Value::double_value(static_cast<double>(rng() % 100000) / 7.0));
        decimals.push_back(Value::decimal(static_cast<int128_t>(rng() % 10000000), 15, 2));
        wide_decimals.push_back(Value::decimal(static_cast<int128_t>(rng()) * 1000000007 * (i % 2 ? 1 : -1), 38, 4));
        strings.push_back(Value::varchar("item-" + std::to_string(rng() % 100000)));
        categories.push_back(Value::varchar(i % 3 == 0 ? "AIR" : i % 3 == 1 ? "RAIL" : "SHIP"));
    }
    round_trip(LogicalType::double_type(), doubles, Compression::kLz4);
    round_trip(money, decimals, Compression::kZstd);
    round_trip(big, wide_decimals, Compression::kZstd);
    round_trip(LogicalType::varchar(), strings, Compression::kZstd);
    EXPECT_EQ(round_trip(LogicalType::varchar(), categories, Compression::kNone).encoding, Encoding::kDictionary);
}

TEST(ColumnEncoding, DamagedBytesAreReportedNotDecoded) {
    std::vector<Value> values;
    for (idx_t i = 0; i < 4000; i++) values.push_back(Value::varchar("v" + std::to_string(i)));
    auto vectors = make_vectors(LogicalType::varchar(), values);
    std::vector<const Vector*> pointers{&vectors[0], &vectors[1]};
    EncodedBlock block = encode_block(pointers, values.size(), LogicalType::varchar(), Compression::kNone);
    int errors = 0;
    for (size_t cut = 1; cut < block.bytes.size(); cut += 97) {
        try {
            decode_block(std::string_view(block.bytes).substr(0, cut), block.encoding, block.compression, block.encoded_size,
                         LogicalType::varchar(), values.size(), "test file");
        } catch (const Error& e) {
            EXPECT_STREQ(e.sql_state(), "XX001");
            errors++;
        }
    }
    EXPECT_GT(errors, 0);
}

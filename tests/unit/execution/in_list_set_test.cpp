#include "execution/in_list_set.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace basalt {

namespace {

Vector flat(const LogicalType& type, const std::vector<Value>& values) {
    Vector v(type, kVectorSize);
    for (size_t i = 0; i < values.size(); i++) v.set_value(i, values[i]);
    return v;
}

std::vector<int> probe(const InListSet& set, const Vector& v, idx_t count) {
    std::vector<uint8_t> outcome(count);
    set.probe(v, count, outcome.data());
    return {outcome.begin(), outcome.end()};
}

}  // namespace

TEST(InListSetTest, GrowsAndKeepsEveryValueOnce) {
    InListSet set(LogicalType::bigint());
    Vector values(LogicalType::bigint(), kVectorSize);
    for (int64_t i = 0; i < 1000; i++) values.data<int64_t>()[i] = i * 7;
    for (idx_t i = 0; i < 1000; i++) set.insert(values, i);
    for (idx_t i = 0; i < 1000; i++) set.insert(values, i);  // duplicates
    EXPECT_EQ(set.size(), 1000u);
    Vector probes(LogicalType::bigint(), kVectorSize);
    for (int64_t i = 0; i < 2000; i++) probes.data<int64_t>()[i] = i;
    std::vector<int> got = probe(set, probes, 2000);
    for (int64_t i = 0; i < 2000; i++) EXPECT_EQ(got[i], i % 7 == 0 && i < 7000 ? InListSet::kFound : InListSet::kMissing) << i;
}

TEST(InListSetTest, NullInputsAreReported) {
    InListSet set(LogicalType::integer());
    set.insert(flat(LogicalType::integer(), {Value::integer(5)}), 0);
    Vector probes = flat(LogicalType::integer(), {Value::integer(5), Value(), Value::integer(6)});
    EXPECT_EQ(probe(set, probes, 3), (std::vector<int>{InListSet::kFound, InListSet::kNullInput, InListSet::kMissing}));
}

TEST(InListSetTest, ConstantInputAnswersEveryRow) {
    InListSet set(LogicalType::integer());
    set.insert(flat(LogicalType::integer(), {Value::integer(5)}), 0);
    Vector c(LogicalType::integer(), 1);
    c.set_constant_value(Value::integer(5));
    EXPECT_EQ(probe(set, c, 3), (std::vector<int>(3, InListSet::kFound)));
}

TEST(InListSetTest, FloatsFollowPostgresEquality) {
    InListSet set(LogicalType::double_type());
    set.insert(flat(LogicalType::double_type(), {Value::double_value(0.0), Value::double_value(std::nan(""))}), 0);
    set.insert(flat(LogicalType::double_type(), {Value::double_value(0.0), Value::double_value(std::nan(""))}), 1);
    Vector probes = flat(LogicalType::double_type(), {Value::double_value(-0.0), Value::double_value(-std::nan("")),
                                                      Value::double_value(1.0)});
    EXPECT_EQ(probe(set, probes, 3), (std::vector<int>{InListSet::kFound, InListSet::kFound, InListSet::kMissing}));
}

TEST(InListSetTest, StringsAreCopiedAndComparedByBytes) {
    InListSet set(LogicalType::varchar());
    {
        // the source vector dies before the probe: the set owns its bytes
        Vector source = flat(LogicalType::varchar(), {Value::varchar("a long string past eight bytes"), Value::varchar("")});
        set.insert(source, 0);
        set.insert(source, 1);
    }
    Vector probes = flat(LogicalType::varchar(), {Value::varchar("a long string past eight bytes"), Value::varchar(""),
                                                  Value::varchar("a long string past eight byteS"), Value::varchar("a")});
    EXPECT_EQ(probe(set, probes, 4),
              (std::vector<int>{InListSet::kFound, InListSet::kFound, InListSet::kMissing, InListSet::kMissing}));
}

TEST(InListSetTest, EqualIntervalsMatch) {
    InListSet set(LogicalType::interval());
    set.insert(flat(LogicalType::interval(), {Value::interval(Interval{1, 0, 0})}), 0);  // 1 mon
    Vector probes = flat(LogicalType::interval(), {Value::interval(Interval{0, 30, 0}), Value::interval(Interval{0, 29, 0})});
    EXPECT_EQ(probe(set, probes, 2), (std::vector<int>{InListSet::kFound, InListSet::kMissing}));
}

}  // namespace basalt

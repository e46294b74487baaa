#include "types/decimal.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace basalt {

TEST(DecimalTest, ParsesAndRoundsHalfAwayFromZero) {
    EXPECT_EQ(parse_decimal("1.005", 10, 2), 101);
    EXPECT_EQ(parse_decimal("-1.005", 10, 2), -101);
    EXPECT_EQ(parse_decimal("  12 ", 10, 2), 1200);
    EXPECT_EQ(parse_decimal("1e2", 10, 0), 100);
}

TEST(DecimalTest, RejectsMalformedTextAndOverflow) {
    EXPECT_THROW(parse_decimal("abc", 10, 2), Error);
    EXPECT_THROW(parse_decimal("1000", 4, 2), Error);
}

TEST(DecimalTest, FormatsWithItsScale) {
    EXPECT_EQ(decimal_to_string(100, 2), "1.00");
    EXPECT_EQ(decimal_to_string(-5, 3), "-0.005");
    EXPECT_EQ(decimal_to_string(0, 1), "0.0");
}

}  // namespace basalt

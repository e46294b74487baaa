// Connection::progress(): the running statement's share of table rows scanned, read while a streamed result is
// consumed chunk by chunk (no timing: the reader's position bounds how far the scan can be).
#include <gtest/gtest.h>

#include <optional>

#include "parser/parser.hpp"
#include "sql_test_util.hpp"

namespace basalt {
namespace {

constexpr int64_t kRows = 3000000;

TEST(Progress, GrowsWithTheRowsAStreamedScanHasRead) {
    Database db(2);
    Connection c(db);
    EXPECT_EQ(c.progress(), std::nullopt) << "nothing has run yet";
    c.query("CREATE TABLE t AS SELECT i FROM range(" + std::to_string(kRows) + ") r(i)");
    EXPECT_EQ(c.progress(), std::nullopt) << "the statement has ended";

    auto statements = parse_sql("SELECT i FROM t");
    QueryResult r = c.execute(*statements[0]);
    ASSERT_TRUE(r.stream != nullptr);
    // The workers run ahead of the reader only by the result's small buffer (and the row groups in flight).
    std::optional<double> at_start = c.progress();
    ASSERT_TRUE(at_start.has_value()) << "the scan's total is known once the statement starts";
    EXPECT_LT(*at_start, 0.2);

    int64_t rows = 0;
    std::optional<double> at_half;
    while (auto chunk = r.fetch()) {
        rows += static_cast<int64_t>(chunk->size());
        if (!at_half && rows >= kRows / 2) at_half = c.progress();
    }
    EXPECT_EQ(rows, kRows);
    ASSERT_TRUE(at_half.has_value());
    EXPECT_GE(*at_half, 0.45);
    EXPECT_LE(*at_half, 0.65);
    EXPECT_EQ(c.progress(), std::nullopt) << "the result was read to the end: the statement is over";
}

TEST(Progress, AJoinCountsBothTablesFromTheStart) {
    Database db(2);
    Connection c(db);
    c.query("CREATE TABLE big AS SELECT i FROM range(" + std::to_string(kRows) + ") r(i)");
    c.query("CREATE TABLE small AS SELECT i AS j FROM range(1000000) r(i)");
    // The smaller table is the build side: it is read whole before the first row comes. Had the probe side's rows
    // been counted only when its pipeline starts, progress would stand near 1 here.
    auto statements = parse_sql("SELECT big.i FROM big JOIN small ON big.i = small.j");
    QueryResult r = c.execute(*statements[0]);
    std::optional<double> after_build = c.progress();
    ASSERT_TRUE(after_build.has_value());
    EXPECT_GE(*after_build, 0.2);
    EXPECT_LE(*after_build, 0.45);
    r.materialize();
    EXPECT_EQ(r.row_count(), 1000000u);
    EXPECT_EQ(c.progress(), std::nullopt);
}

TEST(Progress, NothingKnownWithoutTableScans) {
    Database db(2);
    Connection c(db);
    auto statements = parse_sql("SELECT i FROM range(10000000) r(i)");
    QueryResult r = c.execute(*statements[0]);
    ASSERT_TRUE(r.fetch() != nullptr);
    EXPECT_EQ(c.progress(), std::nullopt) << "a statement that reads no table has no known total";
}

}  // namespace
}  // namespace basalt

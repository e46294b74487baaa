// Operators that spill to temporary files: the files go when the query ends, fails or is cancelled; a full disk
// fails the statement with 53100 and the session goes on; files a dead process left are removed at open.
#include <gtest/gtest.h>

#include <cerrno>
#include <climits>
#include <fstream>
#include <thread>
#include <utility>
#include <vector>

#include "fault_injection_file_system.hpp"
#include "sql_test_util.hpp"

namespace basalt {
namespace {

const char* kTable =
    "CREATE TABLE t AS SELECT i % 200000 AS k, i AS v FROM generate_series(0, 599999) g(i)";
const char* kGroupBy = "SELECT count(*), sum(c), sum(s) FROM (SELECT k, count(*) c, sum(v) s FROM t GROUP BY k) q";
const char* kGroupByAnswer = "200000|600000|179999700000\n";

std::string explain(Connection& c, const std::string& sql) {
    std::string out;
    QueryResult r = c.query("EXPLAIN ANALYZE " + sql);
    for (const auto& chunk : r.chunks) {
        for (idx_t row = 0; row < chunk->size(); row++) out += chunk->column(0).get_value(row).to_string() + "\n";
    }
    return out;
}

TEST(Spill, AGroupByBeyondTheLimitSpillsAndLeavesNoFiles) {
    std::string dir = test::temp_dir("spill-files");
    {
        Database db(2, dir);
        Connection c(db);
        c.query(kTable);
        c.query("SET memory_limit = '20MB'");
        EXPECT_NE(explain(c, kGroupBy).find("spilled="), std::string::npos);
        EXPECT_EQ(test::text(c, kGroupBy), kGroupByAnswer);
        EXPECT_EQ(db.temporary_directory().files_open(), 0);
        EXPECT_EQ(db.temporary_directory().bytes_used(), 0u);
        EXPECT_TRUE(std::filesystem::is_empty(dir + "/tmp"));
        // A join whose build side does not fit: the same.
        const char* join = "SELECT count(*), sum(a.v) FROM t a JOIN t b ON a.v = b.v + 1";
        EXPECT_NE(explain(c, join).find("spilled="), std::string::npos);
        EXPECT_EQ(test::text(c, join), "599999|179999700000\n");
        EXPECT_EQ(db.temporary_directory().files_open(), 0);
        EXPECT_TRUE(std::filesystem::is_empty(dir + "/tmp"));
        // Without the limit nothing spills, and the answer is the same.
        c.query("SET memory_limit = '4GB'");
        EXPECT_EQ(explain(c, kGroupBy).find("spilled="), std::string::npos);
        EXPECT_EQ(test::text(c, kGroupBy), kGroupByAnswer);
    }
    std::filesystem::remove_all(dir);
}

TEST(Spill, AnExternalSortGivesEveryRowInOrder) {
    Database db(2);
    Connection c(db);
    c.query("CREATE TABLE s AS SELECT (i::bigint * 7919) % 1000003 AS k, 'v' || (i % 1000)::varchar AS t FROM generate_series(1, 400000) g(i)");
    const char* sql = "SELECT t, k FROM s ORDER BY t, k DESC";
    auto rows_of = [&] {
        std::vector<std::pair<std::string, int64_t>> rows;
        QueryResult r = c.query(sql);
        for (const auto& chunk : r.chunks) {
            for (idx_t i = 0; i < chunk->size(); i++) {
                rows.emplace_back(chunk->column(0).get_value(i).to_string(), chunk->column(1).get_value(i).get_int64());
            }
        }
        return rows;
    };
    c.query("SET memory_limit = '8MB'");
    EXPECT_NE(explain(c, sql).find("spilled="), std::string::npos);
    auto spilled = rows_of();
    ASSERT_EQ(spilled.size(), 400000u);
    for (size_t i = 1; i < spilled.size(); i++) {
        const auto& a = spilled[i - 1];
        const auto& b = spilled[i];
        ASSERT_TRUE(a.first < b.first || (a.first == b.first && a.second > b.second)) << "rows " << i - 1 << " and " << i;
    }
    c.query("SET memory_limit = '4GB'");
    EXPECT_EQ(explain(c, sql).find("spilled="), std::string::npos);
    EXPECT_TRUE(rows_of() == spilled);
}

TEST(Spill, ACancelledSpillingQueryRemovesItsFiles) {
    Database db(2);
    Connection c(db);
    c.query(kTable);
    c.query("SET memory_limit = '20MB'");
    // A GROUP BY over a cross product spills for long; cancel it once its files exist.
    std::thread canceller([&] {
        for (int i = 0; i < 3000 && db.temporary_directory().files_open() == 0; i++) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        c.interrupt();
    });
    EXPECT_EQ(test::error_state(c, "SELECT count(*) FROM (SELECT a.k::bigint * 1000 + b.i, count(*) FROM t a, range(100) b(i) GROUP BY 1) q"), "57014");
    canceller.join();
    EXPECT_EQ(db.temporary_directory().files_open(), 0);
    EXPECT_EQ(db.temporary_directory().bytes_used(), 0u);
    EXPECT_EQ(test::text(c, "SELECT count(*) FROM t"), "600000\n");
}

TEST(Spill, AFullDiskFailsTheStatementWith53100AndTheSessionGoesOn) {
    auto faults = std::make_shared<test::FaultInjectionFileSystem>();
    Database db(2, "", faults);
    Connection c(db);
    c.query(kTable);
    c.query("SET memory_limit = '20MB'");
    faults->fail(faults->write_points() + 1, ENOSPC, true);
    EXPECT_EQ(test::error_state(c, kGroupBy), "53100");
    EXPECT_EQ(db.temporary_directory().files_open(), 0);
    faults->fail(UINT64_MAX, 0, false);
    EXPECT_EQ(test::text(c, kGroupBy), kGroupByAnswer);
}

TEST(Spill, FilesADeadProcessLeftAreRemovedAtOpen) {
    std::string dir = test::temp_dir("spill-leftover");
    std::filesystem::create_directories(dir + "/tmp");
    std::ofstream(dir + "/tmp/group-by-7.tmp") << "left by a crash";
    {
        Database db(1, dir);
        EXPECT_TRUE(std::filesystem::is_empty(dir + "/tmp"));
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace basalt

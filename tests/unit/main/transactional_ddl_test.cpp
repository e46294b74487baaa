// Transactional schema changes (issue 12, finding 8) as other sessions and a reopened database see them: a change
// is invisible to others until it commits, snapshots keep the definitions they started with, concurrent changes
// of one relation fail with 40001 instead of losing rows, and the log holds a change only with its commit.
#include <gtest/gtest.h>

#include <filesystem>

#include "main/connection.hpp"
#include "sql_test_util.hpp"

using namespace basalt;
using basalt::test::error_state;
using basalt::test::temp_dir;
using basalt::test::text;
namespace fs = std::filesystem;

TEST(TransactionalDdl, OthersSeeAChangeOnlyOnceItCommits) {
    Database db(2);
    Connection a(db), b(db);
    a.query("CREATE TABLE t (k INTEGER)");
    a.query("INSERT INTO t VALUES (1)");
    a.query("BEGIN");
    a.query("CREATE TABLE fresh (x INTEGER)");
    a.query("DROP TABLE t");
    EXPECT_EQ(error_state(b, "SELECT * FROM fresh"), "42P01");
    EXPECT_EQ(text(b, "SELECT k FROM t"), "1\n");  // the drop is not committed
    a.query("COMMIT");
    EXPECT_EQ(text(b, "SELECT count(*) FROM fresh"), "0\n");
    EXPECT_EQ(error_state(b, "SELECT * FROM t"), "42P01");
}

TEST(TransactionalDdl, ASnapshotKeepsTheDefinitionsItStartedWith) {
    Database db(2);
    Connection a(db), b(db);
    a.query("CREATE TABLE t (k INTEGER)");
    a.query("INSERT INTO t VALUES (1), (2)");
    b.query("BEGIN");
    EXPECT_EQ(text(b, "SELECT count(*) FROM t"), "2\n");  // b's snapshot is taken here
    a.query("ALTER TABLE t RENAME TO renamed");
    a.query("CREATE TABLE later (x INTEGER)");
    EXPECT_EQ(text(b, "SELECT count(*) FROM t"), "2\n");
    EXPECT_EQ(error_state(b, "SELECT * FROM later"), "42P01");
    b.query("COMMIT");
    EXPECT_EQ(error_state(b, "SELECT * FROM t"), "42P01");
    EXPECT_EQ(text(b, "SELECT count(*) FROM renamed"), "2\n");
}

TEST(TransactionalDdl, WritesThroughAnOutdatedDefinitionFail) {
    Database db(2);
    Connection a(db), b(db);
    a.query("CREATE TABLE t (k INTEGER)");
    // An uncommitted DROP: another session's insert would land in a table about to go.
    a.query("BEGIN");
    a.query("DROP TABLE t");
    EXPECT_EQ(error_state(b, "INSERT INTO t VALUES (1)"), "40001");
    a.query("ROLLBACK");
    EXPECT_EQ(error_state(b, "INSERT INTO t VALUES (1)"), "");
    // A committed rename after a block's snapshot: the block may read the old name, not write through it.
    b.query("BEGIN");
    EXPECT_EQ(text(b, "SELECT count(*) FROM t"), "1\n");
    a.query("ALTER TABLE t RENAME TO u");
    EXPECT_EQ(error_state(b, "INSERT INTO t VALUES (2)"), "40001");
    b.query("ROLLBACK");
    EXPECT_EQ(text(a, "SELECT k FROM u"), "1\n");
    // A table with uncommitted rows of another session cannot be dropped under them.
    b.query("BEGIN");
    b.query("INSERT INTO u VALUES (3)");
    EXPECT_EQ(error_state(a, "DROP TABLE u"), "55006");
    b.query("COMMIT");
    EXPECT_EQ(text(a, "SELECT count(*) FROM u"), "2\n");
}

TEST(TransactionalDdl, ConcurrentChangesOfOneNameConflict) {
    Database db(2);
    Connection a(db), b(db);
    a.query("BEGIN");
    a.query("CREATE TABLE t (k INTEGER)");
    EXPECT_EQ(error_state(b, "CREATE TABLE t (other VARCHAR)"), "40001");
    a.query("COMMIT");
    EXPECT_EQ(error_state(b, "CREATE TABLE t (other VARCHAR)"), "42P07");
    a.query("BEGIN");
    a.query("ALTER TABLE t RENAME COLUMN k TO key");
    EXPECT_EQ(error_state(b, "DROP TABLE t"), "40001");
    a.query("COMMIT");
    // A schema being dropped takes no new tables, and a schema with a table being created is not dropped.
    a.query("CREATE SCHEMA s");
    a.query("BEGIN");
    a.query("DROP SCHEMA s");
    EXPECT_EQ(error_state(b, "CREATE TABLE s.x (a INTEGER)"), "40001");
    a.query("ROLLBACK");
    b.query("BEGIN");
    b.query("CREATE TABLE s.x (a INTEGER)");
    EXPECT_EQ(error_state(a, "DROP SCHEMA s CASCADE"), "40001");
    b.query("COMMIT");
    EXPECT_EQ(text(a, "SELECT count(*) FROM s.x"), "0\n");
}

TEST(TransactionalDdl, ColumnRewritesRunOutsideBlocksOnly) {
    Database db(2);
    Connection a(db), b(db);
    a.query("CREATE TABLE t (k INTEGER)");
    a.query("BEGIN");
    EXPECT_EQ(error_state(a, "ALTER TABLE t ADD COLUMN x INTEGER"), "25001");
    a.query("ROLLBACK");
    // Not while another transaction reads an older definition either.
    b.query("BEGIN");
    EXPECT_EQ(text(b, "SELECT count(*) FROM t"), "0\n");
    a.query("ALTER TABLE t RENAME COLUMN k TO key");
    EXPECT_EQ(error_state(a, "ALTER TABLE t ADD COLUMN x INTEGER"), "55006");
    b.query("COMMIT");
    a.query("ALTER TABLE t ADD COLUMN x INTEGER DEFAULT 4");
    a.query("INSERT INTO t (key) VALUES (1)");
    EXPECT_EQ(text(a, "SELECT key, x FROM t"), "1|4\n");
    // A failing command leaves the others of its statement undone.
    EXPECT_EQ(error_state(a, "ALTER TABLE t ADD COLUMN y INTEGER, DROP COLUMN nope"), "42703");
    EXPECT_EQ(text(a, "SELECT * FROM t"), "1|4\n");
}

// The log holds a schema change with its commit: after a crash, committed blocks are back whole (schema and
// rows) and rolled-back or unfinished ones leave nothing.
TEST(TransactionalDdl, LogReplaysCommittedBlocksOnly) {
    std::string dir = temp_dir("txn-ddl"), copy = temp_dir("txn-ddl-copy");
    {
        Database db(2, dir);
        Connection a(db), b(db);
        a.query("CREATE TABLE keep (k INTEGER PRIMARY KEY)");
        a.query("INSERT INTO keep VALUES (1)");
        a.query("CHECKPOINT");
        a.query("BEGIN");
        a.query("CREATE TABLE built AS SELECT g AS n FROM generate_series(1, 1000) g");
        a.query("ALTER TABLE keep RENAME TO kept");
        a.query("INSERT INTO kept VALUES (2)");
        a.query("COMMIT");
        a.query("BEGIN");
        a.query("DROP TABLE built");
        a.query("CREATE TABLE rolled_back (x INTEGER)");
        a.query("ROLLBACK");
        b.query("BEGIN");
        b.query("CREATE TABLE unfinished (x INTEGER)");
        b.query("INSERT INTO unfinished VALUES (1)");
        // A crash now: the directory as the disk holds it (every acknowledged commit is synced).
        fs::copy(dir, copy, fs::copy_options::recursive);
    }
    {
        Database db(2, copy);
        Connection c(db);
        EXPECT_EQ(text(c, "SELECT count(*), sum(n) FROM built"), "1000|500500\n");
        EXPECT_EQ(text(c, "SELECT k FROM kept ORDER BY k"), "1\n2\n");
        EXPECT_EQ(error_state(c, "SELECT * FROM keep"), "42P01");
        EXPECT_EQ(error_state(c, "SELECT * FROM rolled_back"), "42P01");
        EXPECT_EQ(error_state(c, "SELECT * FROM unfinished"), "42P01");
        EXPECT_EQ(error_state(c, "INSERT INTO kept VALUES (2)"), "23505");
    }
    fs::remove_all(dir);
    fs::remove_all(copy);
}

namespace {

std::string last_snapshot(Connection& c) {
    std::string id = text(c, "SELECT max(snapshot_id) FROM basalt_snapshots()");
    return id.substr(0, id.size() - 1);
}

}  // namespace

// Finding 8: time travel read old snapshots with today's columns. as_of uses the definition the table had then.
TEST(TransactionalDdl, TimeTravelReadsTheColumnsATableHadThen) {
    Database db(2);
    Connection c(db);
    c.query("CREATE TABLE t (id INTEGER, v INTEGER)");
    c.query("INSERT INTO t VALUES (1, 10)");
    std::string before = last_snapshot(c);
    c.query("ALTER TABLE t ADD COLUMN note VARCHAR DEFAULT 'new'");
    c.query("ALTER TABLE t RENAME COLUMN v TO value");
    c.query("INSERT INTO t VALUES (2, 20, 'x')");
    std::string after = last_snapshot(c);
    c.query("ALTER TABLE t RENAME TO renamed");
    EXPECT_EQ(text(c, "SELECT * FROM as_of('renamed', " + before + ")"), "1|10\n");
    EXPECT_EQ(text(c, "SELECT v FROM as_of('renamed', " + before + ")"), "10\n");
    EXPECT_EQ(error_state(c, "SELECT note FROM as_of('renamed', " + before + ")"), "42703");
    EXPECT_EQ(text(c, "SELECT * FROM as_of('renamed', " + after + ") ORDER BY id"), "1|10|new\n2|20|x\n");
    EXPECT_EQ(text(c, "SELECT * FROM renamed ORDER BY id"), "1|10|new\n2|20|x\n");
    // A dropped column's values are no longer stored: reading a snapshot that had it is refused, not faked.
    c.query("ALTER TABLE renamed DROP COLUMN value");
    EXPECT_EQ(error_state(c, "SELECT * FROM as_of('renamed', " + before + ")"), "0A000");
    EXPECT_EQ(error_state(c, "SELECT * FROM as_of('renamed', " + after + ")"), "0A000");
    EXPECT_EQ(text(c, "SELECT * FROM as_of('renamed', " + last_snapshot(c) + ") ORDER BY id"), "1|new\n2|x\n");
    // Inside a block, as_of sees committed definitions only.
    c.query("BEGIN");
    c.query("ALTER TABLE renamed RENAME COLUMN note TO remark");
    EXPECT_EQ(text(c, "SELECT note FROM as_of('renamed', " + last_snapshot(c) + ") ORDER BY id"), "new\nx\n");
    c.query("ROLLBACK");
}

// Optimistic writes (storage/optimistic_writer.hpp, local_storage.hpp invariant 4): a transaction's full row
// groups go to column files before it commits. Each test checks the rows (counts and sums, or the same
// statements on an in-memory database) and the files in data/: a commit keeps them, a rollback or a crash
// before the commit record leaves none behind.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "fault_injection_file_system.hpp"
#include "main/connection.hpp"
#include "sql_test_util.hpp"

using namespace basalt;
using basalt::test::error_state;
using basalt::test::FaultInjectionFileSystem;
using basalt::test::temp_dir;
using basalt::test::text;
namespace fs = std::filesystem;

namespace {

constexpr int kGroup = 122880;  // kRowGroupSize

size_t column_files(const std::string& dir) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir + "/data")) n += e.path().extension() == ".bcol";
    return n;
}

uintmax_t log_bytes(const std::string& dir) {
    uintmax_t bytes = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ".log") bytes += e.file_size();
    }
    return bytes;
}

const char* kCreate = "CREATE TABLE t (id INTEGER PRIMARY KEY, v BIGINT, s VARCHAR)";
const char* kSummary = "SELECT count(*), sum(id::BIGINT), sum(v), min(s), max(s), count(DISTINCT s) FROM t";

// The same statements on an in-memory database (which never writes early): the expected answer.
std::string in_memory(const std::vector<std::string>& statements, const std::string& query) {
    Database db(1);
    Connection c(db);
    for (const auto& s : statements) c.query(s);
    return text(c, query);
}

}  // namespace

TEST(OptimisticWrite, LoadOfFourRowGroupsCommitsAndReadsBackExactly) {
    std::string dir = temp_dir("optimistic-load");
    const std::string expected = "500000|125000250000|375000750000|s1|s99999|500000\n";
    {
        Database db(2, dir);
        Connection c(db);
        c.query(kCreate);
        ASSERT_EQ(column_files(dir), 0u);
        c.query("BEGIN");
        c.query("INSERT INTO t SELECT g, g * 3, 's' || g FROM generate_series(1, 500000) g");
        // Four full row groups are in files already; the transaction reads them back (local scan).
        EXPECT_EQ(column_files(dir), 4u);
        EXPECT_EQ(text(c, kSummary), expected);
        EXPECT_EQ(text(c, "SELECT v, s FROM t WHERE id = 245761"), "737283|s245761\n");
        c.query("COMMIT");
        EXPECT_EQ(column_files(dir), 4u);
        EXPECT_EQ(text(c, kSummary), expected);
        // The log names the files instead of carrying their rows (only the 8,480 rows after them).
        EXPECT_LT(log_bytes(dir), 1u << 20);
        // The keys moved into the table's index: a duplicate of a row in a file is found.
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (7, 0, 'dup')"), "23505");
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (499999, 0, 'dup')"), "23505");
        EXPECT_EQ(text(c, "SELECT count(*) FROM t WHERE v % 2 = 0"), "250000\n");
    }
    {
        // The close checkpointed: the four files stay, and the tail got a file of its own.
        Database db(2, dir);
        Connection c(db);
        EXPECT_EQ(text(c, kSummary), expected);
        EXPECT_EQ(column_files(dir), 5u);
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (300000, 0, 'dup')"), "23505");
    }
    fs::remove_all(dir);
}

TEST(OptimisticWrite, LogReplayReadoptsTheFiles) {
    std::string dir = temp_dir("optimistic-replay");
    const std::string expected = "300000|45000150000|90000300000|s1|s99999|300000\n";
    auto faults = std::make_shared<FaultInjectionFileSystem>();
    {
        Database db(1, dir, faults);
        Connection c(db);
        c.query(kCreate);
        c.query("INSERT INTO t SELECT g, g * 2, 's' || g FROM generate_series(1, 300000) g");
        EXPECT_EQ(text(c, kSummary), expected);
        // A process crash now: the close cannot checkpoint, so the next open replays the log.
        faults->crash(faults->write_points() + 1);
    }
    {
        Database db(1, dir);
        Connection c(db);
        EXPECT_EQ(column_files(dir), 2u) << "the two files the commit record names";
        EXPECT_EQ(text(c, kSummary), expected);
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (150000, 0, 'dup')"), "23505");
        c.query("INSERT INTO t SELECT g, 1, 'more' || g FROM generate_series(300001, 300010) g");
        c.query("CHECKPOINT");
    }
    {
        Database db(1, dir);
        Connection c(db);
        EXPECT_EQ(text(c, "SELECT count(*), sum(id::BIGINT), sum(v) FROM t"), "300010|45003150055|90000300010\n");
        // A later load numbers its files past the replayed ones.
        c.query("INSERT INTO t SELECT g, 1, 'x' FROM generate_series(400001, 530000) g");
        EXPECT_EQ(text(c, "SELECT count(*), sum(v) FROM t"), "430010|90000430010\n");
    }
    {
        Database db(1, dir);
        Connection c(db);
        EXPECT_EQ(text(c, "SELECT count(*), sum(v) FROM t"), "430010|90000430010\n");
    }
    fs::remove_all(dir);
}

TEST(OptimisticWrite, RollbackRemovesTheFiles) {
    std::string dir = temp_dir("optimistic-rollback");
    Database db(1, dir);
    Connection c(db);
    c.query(kCreate);
    c.query("INSERT INTO t VALUES (1, 1, 'kept')");
    c.query("BEGIN");
    c.query("INSERT INTO t SELECT g, g, 'x' FROM generate_series(2, 400000) g");
    EXPECT_EQ(column_files(dir), 3u);
    c.query("ROLLBACK");
    EXPECT_EQ(column_files(dir), 0u);
    EXPECT_EQ(text(c, "SELECT count(*), sum(v) FROM t"), "1|1\n");
    // A statement that fails on its own (autocommit) takes its files with it too.
    EXPECT_EQ(error_state(c, "INSERT INTO t SELECT g, g, 'x' FROM generate_series(2, 300000) g UNION ALL SELECT 1, 1, 'dup'"), "23505");
    EXPECT_EQ(column_files(dir), 0u);
    EXPECT_EQ(text(c, "SELECT count(*), sum(v) FROM t"), "1|1\n");
    fs::remove_all(dir);
}

TEST(OptimisticWrite, UniqueViolationAfterAWrittenGroupAndOnConflict) {
    std::string dir = temp_dir("optimistic-unique");
    {
        Database db(1, dir);
        Connection c(db);
        c.query(kCreate);
        c.query("BEGIN");
        c.query("INSERT INTO t SELECT g, g, 's' || g FROM generate_series(1, 200000) g");
        EXPECT_EQ(column_files(dir), 1u);
        // Row 5 is in the written file; its key is still known.
        try {
            c.query("INSERT INTO t VALUES (5, 0, 'dup')");
            ADD_FAILURE() << "a duplicate of a written row was accepted";
        } catch (const Error& e) {
            EXPECT_STREQ(e.sql_state(), "23505");
            EXPECT_NE(e.detail().find("(id)=(5)"), std::string::npos) << e.detail();
        }
        c.query("ROLLBACK");
        EXPECT_EQ(column_files(dir), 0u);
        EXPECT_EQ(text(c, "SELECT count(*) FROM t"), "0\n");

        // ON CONFLICT on rows in a written file (fetched back from it) and in memory.
        c.query("BEGIN");
        c.query("INSERT INTO t SELECT g, g, 's' || g FROM generate_series(1, 200000) g");
        c.query("INSERT INTO t VALUES (5, -5, 'new5'), (199999, -1, 'new199999'), (200001, 1, 'fresh') "
                "ON CONFLICT (id) DO UPDATE SET v = excluded.v, s = t.s || '+' || excluded.s");
        c.query("INSERT INTO t VALUES (6, 0, 'ignored') ON CONFLICT DO NOTHING");
        EXPECT_EQ(text(c, "SELECT id, v, s FROM t WHERE id IN (5, 6, 199999, 200001) ORDER BY id"),
                  "5|-5|s5+new5\n6|6|s6\n199999|-1|s199999+new199999\n200001|1|fresh\n");
        c.query("COMMIT");
        EXPECT_EQ(text(c, "SELECT count(*), sum(v) FROM t"), "200001|19999899991\n");
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (5, 0, 'dup')"), "23505");  // its new version holds the key
    }
    fs::remove_all(dir);
}

TEST(OptimisticWrite, DeletesAndUpdatesOfOwnRowsBeforeCommit) {
    std::string dir = temp_dir("optimistic-modify");
    const std::vector<std::string> statements = {
        kCreate,
        "INSERT INTO t VALUES (-1, -1, 'committed before')",
        "BEGIN",
        "INSERT INTO t SELECT g, g, 's' || g FROM generate_series(1, 300000) g",
        // Rows in both written files and in memory.
        "DELETE FROM t WHERE id % 10 = 0",
        "UPDATE t SET v = -v, s = s || 'u' WHERE id % 10 = 1",
        // Keys of deleted rows (written and in memory) are free again; an updated key moves.
        "INSERT INTO t VALUES (10, 1000, 'again10'), (299990, 1000, 'again299990')",
        "UPDATE t SET id = id + 1000000 WHERE id BETWEEN 122870 AND 122890",
        "DELETE FROM t WHERE id = -1",
        "COMMIT",
    };
    const std::string summary = "SELECT count(*), sum(id::BIGINT), sum(v), count(DISTINCT s), min(s), max(s) FROM t";
    const std::string expected = in_memory(statements, summary);
    const std::string probe = "SELECT id, v, s FROM t WHERE id IN (1, 10, 11, 20, 122871, 1122871, 299990, 299991) ORDER BY id";
    const std::string expected_probe = in_memory(statements, probe);
    {
        Database db(1, dir);
        Connection c(db);
        for (size_t i = 0; i + 1 < statements.size(); i++) c.query(statements[i]);
        EXPECT_EQ(text(c, summary), expected) << "inside the transaction";
        EXPECT_EQ(text(c, probe), expected_probe);
        c.query("COMMIT");
        EXPECT_EQ(text(c, summary), expected);
        EXPECT_EQ(text(c, probe), expected_probe);
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (11, 0, 'dup')"), "23505");
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (20, 0, 'deleted key')"), "");
    }
    {
        // Replayed from the log (the close checkpointed: now from the manifest), then once more after CHECKPOINT.
        Database db(1, dir);
        Connection c(db);
        EXPECT_EQ(text(c, "SELECT count(*) FROM t WHERE id = 20"), "1\n");
        c.query("DELETE FROM t WHERE id = 20");
        EXPECT_EQ(text(c, summary), expected);
        EXPECT_EQ(text(c, probe), expected_probe);
        c.query("VACUUM");
    }
    {
        Database db(1, dir);
        Connection c(db);
        EXPECT_EQ(text(c, summary), expected);
        EXPECT_EQ(text(c, probe), expected_probe);
    }
    fs::remove_all(dir);
}

TEST(OptimisticWrite, DeletesOfWrittenRowsSurviveLogReplay) {
    std::string dir = temp_dir("optimistic-modify-replay");
    auto faults = std::make_shared<FaultInjectionFileSystem>();
    const std::vector<std::string> statements = {
        kCreate,
        "BEGIN",
        "INSERT INTO t SELECT g, g, 's' || g FROM generate_series(1, 260000) g",
        "DELETE FROM t WHERE id % 7 = 0",
        "UPDATE t SET v = v + 1 WHERE id % 7 = 1",
        "COMMIT",
    };
    const std::string summary = "SELECT count(*), sum(id::BIGINT), sum(v), count(DISTINCT s) FROM t";
    const std::string expected = in_memory(statements, summary);
    {
        Database db(1, dir, faults);
        Connection c(db);
        for (const auto& s : statements) c.query(s);
        EXPECT_EQ(text(c, summary), expected);
        faults->crash(faults->write_points() + 1);  // no checkpoint at close: the log is replayed
    }
    {
        Database db(1, dir);
        Connection c(db);
        EXPECT_EQ(text(c, summary), expected);
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (14, 0, 'deleted key')"), "");
        EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (15, 0, 'dup')"), "23505");
    }
    fs::remove_all(dir);
}

TEST(OptimisticWrite, SavepointRollbackPastWrittenGroups) {
    std::string dir = temp_dir("optimistic-savepoint");
    const std::vector<std::string> statements = {
        kCreate,
        "BEGIN",
        "INSERT INTO t SELECT g, g, 'a' || g FROM generate_series(1, 100000) g",
        "DELETE FROM t WHERE id % 1000 = 0",
        "SAVEPOINT one",
        "INSERT INTO t SELECT g, g, 'b' || g FROM generate_series(100001, 300000) g",
        "DELETE FROM t WHERE id % 1000 = 1",
        "ROLLBACK TO SAVEPOINT one",
        // Back to 100,000 rows in memory; their keys and deletes as at the savepoint.
        "INSERT INTO t SELECT g, -g, 'c' || g FROM generate_series(100001, 150000) g",
        "SAVEPOINT two",  // at 150,000 rows: the first group written, kept
        "INSERT INTO t SELECT g, g, 'd' || g FROM generate_series(150001, 400000) g",
        "ROLLBACK TO SAVEPOINT two",
        "INSERT INTO t VALUES (150001, 7, 'e')",
        "COMMIT",
    };
    const std::string summary = "SELECT count(*), sum(id::BIGINT), sum(v), count(DISTINCT s), min(s), max(s) FROM t";
    const std::string expected = in_memory(statements, summary);
    {
        Database db(1, dir);
        Connection c(db);
        for (size_t i = 0; i < 5; i++) c.query(statements[i]);
        c.query(statements[5]);
        EXPECT_EQ(column_files(dir), 2u);
        c.query(statements[6]);
        c.query(statements[7]);
        EXPECT_EQ(column_files(dir), 0u) << "both files went; the rows before the savepoint are in memory again";
        EXPECT_EQ(text(c, "SELECT count(*), sum(v) FROM t"), "99900|4995000000\n");
        EXPECT_EQ(error_state(c, "SAVEPOINT probe; INSERT INTO t VALUES (1000, 0, 'deleted before the savepoint')"), "");
        c.query("ROLLBACK TO SAVEPOINT probe");
        EXPECT_EQ(error_state(c, "SAVEPOINT probe2; INSERT INTO t VALUES (999, 0, 'dup')"), "23505");
        c.query("ROLLBACK TO SAVEPOINT probe2");
        for (size_t i = 8; i < 10; i++) c.query(statements[i]);
        EXPECT_EQ(column_files(dir), 1u);
        c.query(statements[10]);
        EXPECT_EQ(column_files(dir), 3u);
        c.query(statements[11]);
        EXPECT_EQ(column_files(dir), 1u) << "the group before the savepoint stays written";
        for (size_t i = 12; i < statements.size(); i++) c.query(statements[i]);
        EXPECT_EQ(text(c, summary), expected);
    }
    {
        Database db(1, dir);
        Connection c(db);
        EXPECT_EQ(text(c, summary), expected);
    }
    fs::remove_all(dir);
}

TEST(OptimisticWrite, CrashAtEveryWritePointOfACommitLeavesAllOrNothingAndNoOrphans) {
    // Write points of the load alone, measured on a clean run.
    auto run = [](const std::string& dir, const std::shared_ptr<FaultInjectionFileSystem>& faults, uint64_t crash_after) {
        Database db(1, dir, faults);
        Connection c(db);
        c.query(kCreate);
        c.query("SET synchronous = full");
        uint64_t start = faults->write_points();
        if (crash_after > 0) faults->crash(start + crash_after);
        try {
            c.query("INSERT INTO t SELECT g, g, 's' || g FROM generate_series(1, 300000) g");
        } catch (const Error&) {
        }
        return faults->write_points() - start;
    };
    std::string dir = temp_dir("optimistic-crash");
    uint64_t points = 0;
    {
        auto faults = std::make_shared<FaultInjectionFileSystem>();
        points = run(dir, faults, 0);
        faults->crash(faults->write_points() + 1);  // keep the close from checkpointing
    }
    fs::remove_all(dir);
    ASSERT_GT(points, 6u);
    int nothing = 0, everything = 0;
    for (bool power_loss : {false, true}) {
        for (uint64_t point = 1; point <= points; point++) {
            auto faults = std::make_shared<FaultInjectionFileSystem>();
            run(dir, faults, point);
            if (power_loss) faults->lose_unsynced_data();
            Database db(1, dir);
            Connection c(db);
            std::string got = text(c, "SELECT count(*), sum(v) FROM t");
            std::string where = "crash at write point " + std::to_string(point) + (power_loss ? " with power loss" : "");
            if (got == "0|NULL\n") {
                nothing++;
                EXPECT_EQ(column_files(dir), 0u) << where << ": orphan files were not removed";
            } else {
                everything++;
                EXPECT_EQ(got, "300000|45000150000\n") << where;
                EXPECT_EQ(column_files(dir), 2u) << where;
            }
            fs::remove_all(dir);
        }
    }
    // Crashes before the commit record lose the load, after it keep it: both must have happened.
    EXPECT_GT(nothing, 0);
    EXPECT_GT(everything, 0);
    std::printf("%llu write points in the load: %d crashes kept nothing, %d everything\n",
                static_cast<unsigned long long>(points), nothing, everything);
}

TEST(OptimisticWrite, CrashBeforeCommitOfAnOpenTransaction) {
    std::string dir = temp_dir("optimistic-open-crash");
    auto faults = std::make_shared<FaultInjectionFileSystem>();
    {
        Database db(1, dir, faults);
        Connection c(db);
        c.query(kCreate);
        c.query("BEGIN");
        c.query("INSERT INTO t SELECT g, g, 'x' FROM generate_series(1, 400000) g");
        EXPECT_EQ(column_files(dir), 3u);
        // The process dies: nothing more reaches the disk (the rollback cannot remove the files).
        faults->crash(faults->write_points() + 1);
    }
    EXPECT_EQ(column_files(dir), 3u);
    {
        Database db(1, dir);
        Connection c(db);
        EXPECT_EQ(column_files(dir), 0u) << "files no commit names are removed at open";
        EXPECT_EQ(text(c, "SELECT count(*) FROM t"), "0\n");
        c.query("INSERT INTO t SELECT g, g, 'y' FROM generate_series(1, 130000) g");
        EXPECT_EQ(text(c, "SELECT count(*), sum(v) FROM t"), "130000|8450065000\n");
    }
    fs::remove_all(dir);
}

TEST(OptimisticWrite, CheckpointWhileATransactionHoldsFiles) {
    std::string dir = temp_dir("optimistic-checkpoint");
    {
        Database db(2, dir);
        Connection loader(db), other(db);
        loader.query(kCreate);
        loader.query("BEGIN");
        loader.query("INSERT INTO t SELECT g, g, 'x' FROM generate_series(1, 250000) g");
        other.query("CREATE TABLE u (x INT)");
        other.query("INSERT INTO u VALUES (1)");
        other.query("CHECKPOINT");  // must not take the loader's files for garbage
        EXPECT_EQ(column_files(dir), 3u);
        EXPECT_EQ(text(other, "SELECT count(*) FROM t"), "0\n");
        loader.query("COMMIT");
        EXPECT_EQ(text(other, "SELECT count(*), sum(v) FROM t"), "250000|31250125000\n");
    }
    {
        Database db(1, dir);
        Connection c(db);
        EXPECT_EQ(text(c, "SELECT count(*), sum(v) FROM t"), "250000|31250125000\n");
    }
    fs::remove_all(dir);
}

TEST(OptimisticWrite, TemporarySortedAndInMemoryTablesKeepRowsInMemory) {
    std::string dir = temp_dir("optimistic-exempt");
    {
        Database db(1, dir);
        Connection c(db);
        c.query("CREATE TEMP TABLE tmp (x INT)");
        c.query("CREATE TABLE clustered (x INT, y INT) WITH (cluster_by = 'y')");
        c.query("CREATE TABLE parted (x INT, y INT) PARTITION BY LIST (y)");
        c.query("BEGIN");
        c.query("INSERT INTO tmp SELECT g FROM generate_series(1, 200000) g");
        c.query("INSERT INTO clustered SELECT g, g % 3 FROM generate_series(1, 200000) g");
        c.query("INSERT INTO parted SELECT g, g % 3 FROM generate_series(1, 200000) g");
        EXPECT_EQ(column_files(dir), 0u);
        c.query("COMMIT");
        EXPECT_EQ(text(c, "SELECT count(*) FROM tmp"), "200000\n");
        c.query("CHECKPOINT");
        // Compaction sorted the rows: a partition never shares a row group.
        EXPECT_EQ(text(c, "SELECT count(*), sum(y) FROM parted"), "200000|200001\n");
    }
    fs::remove_all(dir);
    Database memory(1);
    Connection c(memory);
    c.query(kCreate);
    c.query("INSERT INTO t SELECT g, g, 'x' FROM generate_series(1, 300000) g");
    EXPECT_EQ(text(c, "SELECT count(*), sum(v) FROM t"), "300000|45000150000\n");
}

TEST(OptimisticWrite, FullDiskAndIoErrorsAtEveryWritePointOfALoad) {
    // The load that writes two row groups early, failing at each of its write points (once, or from then on);
    // then the database is closed and reopened. A load that failed is not there (or, from a sticky fault on, may
    // be: a log record that could not be taken back is in doubt), one that returned is there whole, and the data
    // directory holds exactly the files of what is there.
    auto run = [](const std::string& dir, const std::shared_ptr<FaultInjectionFileSystem>& faults, uint64_t fail_after, int error_number,
                  bool sticky) {
        Database db(1, dir, faults);
        Connection c(db);
        c.query(kCreate);
        uint64_t start = faults->write_points();
        if (fail_after > 0) faults->fail(start + fail_after, error_number, sticky);
        bool succeeded = true;
        try {
            c.query("INSERT INTO t SELECT g, g, 's' || g FROM generate_series(1, 300000) g");
        } catch (const Error&) {
            succeeded = false;
        }
        return std::make_pair(succeeded, faults->write_points() - start);
    };
    std::string dir = temp_dir("optimistic-faults");
    uint64_t points = run(dir, std::make_shared<FaultInjectionFileSystem>(), 0, 0, false).second;
    fs::remove_all(dir);
    ASSERT_GT(points, 6u);
    for (int error_number : {ENOSPC, EIO}) {
        for (bool sticky : {false, true}) {
            for (uint64_t point = 1; point <= points; point++) {
                auto faults = std::make_shared<FaultInjectionFileSystem>();
                bool succeeded = run(dir, faults, point, error_number, sticky).first;
                std::string where = "errno " + std::to_string(error_number) + (sticky ? " from" : " at") + " write point " +
                                    std::to_string(point);
                Database db(1, dir);
                Connection c(db);
                std::string got = text(c, "SELECT count(*), sum(v) FROM t");
                if (got == "0|NULL\n") {
                    EXPECT_FALSE(succeeded) << where << ": a load that returned is lost";
                    EXPECT_EQ(column_files(dir), 0u) << where << ": files of a failed load are left";
                } else {
                    EXPECT_EQ(got, "300000|45000150000\n") << where;
                    EXPECT_TRUE(succeeded || sticky) << where << ": a load that failed is there";
                    // Two files named by the commit, and the tail's if the close could checkpoint.
                    size_t files = column_files(dir);
                    EXPECT_TRUE(files == 2 || files == 3) << where << ": " << files << " column files";
                }
                fs::remove_all(dir);
            }
        }
    }
}

TEST(OptimisticWrite, KeysOfACommitOfFilesStayCheckedBesideAnotherWriterAndAfterSmallerLoads) {
    std::string dir = temp_dir("optimistic-keys");
    Database db(2, dir);
    Connection loader(db), other(db);
    loader.query(kCreate);
    // Another writer of the table holds uncommitted rows while the load commits: the index must stay built for
    // it, or its key checks (and its commit's) would miss the load's keys.
    other.query("BEGIN");
    other.query("INSERT INTO t VALUES (-5, 0, 'other')");
    loader.query("INSERT INTO t SELECT g, g, 's' || g FROM generate_series(1, 300000) g");
    EXPECT_EQ(error_state(other, "INSERT INTO t VALUES (7, 0, 'dup of a row committed after its snapshot')"), "40001");
    other.query("ROLLBACK");
    other.query("BEGIN");
    other.query("INSERT INTO t VALUES (-6, 0, 'other')");
    EXPECT_EQ(error_state(other, "INSERT INTO t VALUES (299999, 0, 'dup')"), "23505");
    other.query("ROLLBACK");
    // A load of a smaller share of the table: its keys go into the built index.
    loader.query("INSERT INTO t SELECT g, g, 's' || g FROM generate_series(300001, 430000) g");
    EXPECT_EQ(error_state(loader, "INSERT INTO t VALUES (300001, 0, 'dup')"), "23505");
    EXPECT_EQ(error_state(loader, "INSERT INTO t VALUES (429999, 0, 'dup')"), "23505");
    EXPECT_EQ(error_state(loader, "INSERT INTO t VALUES (5, 0, 'dup')"), "23505");
    EXPECT_EQ(error_state(loader, "INSERT INTO t VALUES (430001, 0, 'new')"), "");
    EXPECT_EQ(text(loader, "SELECT count(*), count(DISTINCT id) FROM t"), "430001|430001\n");
}

// Data integrity of a database directory (issue 12): unique keys that hold through compaction and reopen,
// recovery that refuses to open what it cannot account for instead of deleting it, the directory lock, and
// faults that stay in the table they hit. Each test failed before its fix.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <chrono>
#include <set>
#include <thread>
#include <string>

#include <fmt/format.h>

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

namespace {

// Names of every file under dir (relative), for "nothing was deleted" checks.
std::set<std::string> files_under(const std::string& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) out.insert(fs::relative(e.path(), dir).string());
    }
    return out;
}

std::string only_file(const std::string& dir, const std::string& prefix) {
    std::string found;
    for (const auto& e : fs::directory_iterator(dir)) {
        std::string name = e.path().filename().string();
        if (name.starts_with(prefix)) {
            EXPECT_TRUE(found.empty()) << "two files start with " << prefix;
            found = e.path().string();
        }
    }
    EXPECT_FALSE(found.empty()) << "no file starts with " << prefix;
    return found;
}

// A database with checkpointed rows in column files and more rows only in the log.
void make_database(const std::string& dir) {
    Database db(2, dir);
    Connection c(db);
    c.query("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR)");
    c.query("INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 5000) g");
    c.query("CHECKPOINT");
    c.query("INSERT INTO t VALUES (-1, 'in the log only')");
    c.query("SET checkpoint_threshold = '1GB'");
}

std::string open_error(const std::string& dir, std::string* message = nullptr) {
    try {
        Database db(1, dir);
    } catch (const Error& e) {
        if (message) *message = e.what();
        return e.sql_state();
    }
    return "";
}

}  // namespace

TEST(Integrity, MissingManifestRefusesToOpenAndDeletesNothing) {
    std::string dir = temp_dir("no-manifest");
    make_database(dir);
    std::string manifest = only_file(dir, "manifest-");
    std::string saved = dir + "-saved.bsm";
    fs::rename(manifest, saved);
    auto before = files_under(dir);
    ASSERT_FALSE(before.empty());
    std::string message;
    EXPECT_EQ(open_error(dir, &message), "XX001");
    EXPECT_NE(message.find(fs::path(manifest).filename().string()), std::string::npos) << message;
    EXPECT_EQ(files_under(dir), before) << "opening must not delete what it cannot account for";
    // With the manifest back, everything is there.
    fs::rename(saved, manifest);
    Database db(1, dir);
    Connection c(db);
    EXPECT_EQ(text(c, "SELECT count(*), min(id) FROM t"), "5001|-1\n");
    fs::remove_all(dir);
}

TEST(Integrity, MissingOrEmptiedLogRefusesToOpen) {
    std::string dir = temp_dir("no-log");
    make_database(dir);
    std::string log = only_file(dir, "wal-");
    std::string saved = dir + "-saved.log";
    fs::copy_file(log, saved);
    fs::remove(log);
    std::string message;
    EXPECT_EQ(open_error(dir, &message), "XX001");
    EXPECT_NE(message.find(fs::path(log).filename().string()), std::string::npos) << message;
    std::ofstream(log, std::ios::trunc).close();  // emptied
    EXPECT_EQ(open_error(dir, &message), "XX001");
    fs::copy_file(saved, log, fs::copy_options::overwrite_existing);
    fs::remove(saved);
    Database db(1, dir);
    Connection c(db);
    EXPECT_EQ(text(c, "SELECT count(*), min(id) FROM t"), "5001|-1\n");
    fs::remove_all(dir);
}

TEST(Integrity, DirectoryWithoutManifestButWithDataRefusesToOpen) {
    std::string dir = temp_dir("orphan-data");
    make_database(dir);
    for (const auto& e : fs::directory_iterator(dir)) {
        std::string name = e.path().filename().string();
        if (name.starts_with("manifest-") || name.starts_with("wal-")) fs::remove(e.path());
    }
    auto before = files_under(dir);
    EXPECT_EQ(open_error(dir), "XX001");
    EXPECT_EQ(files_under(dir), before);
    fs::remove_all(dir);
}

TEST(Integrity, LockHoldsWhenTheLockFileIsDeleted) {
    std::string dir = temp_dir("lock-file");
    Database first(1, dir);
    fs::remove(dir + "/basalt.lock");
    std::string message;
    EXPECT_EQ(open_error(dir, &message), "55006");
    EXPECT_NE(message.find("pid " + std::to_string(::getpid())), std::string::npos) << message;
    fs::remove_all(dir);
}

TEST(Integrity, DamagedColumnFileFailsOnlyItsOwnTable) {
    std::string dir = temp_dir("damaged-file");
    std::set<std::string> a_files;
    {
        Database db(2, dir);
        Connection c(db);
        c.query("CREATE TABLE a (id INT PRIMARY KEY, v BIGINT)");
        c.query("INSERT INTO a SELECT g, g * 3 FROM generate_series(1, 20000) g");
        c.query("CHECKPOINT");
        a_files = files_under(dir + "/data");
        c.query("CREATE TABLE b (id INT PRIMARY KEY, v BIGINT)");
        c.query("INSERT INTO b SELECT g, g * 5 FROM generate_series(1, 20000) g");
        c.query("CHECKPOINT");
    }
    ASSERT_EQ(a_files.size(), 1u);
    {
        // Overwrite bytes in the middle of table a's only column file.
        std::string path = dir + "/data/" + *a_files.begin();
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(fs::file_size(path) / 3));
        f.write("\xde\xad\xbe\xef\xde\xad\xbe\xef", 8);
    }
    Database db(2, dir);
    Connection c(db);
    EXPECT_EQ(text(c, "SELECT count(*), sum(v) FROM b"), "20000|1000050000\n");
    EXPECT_EQ(error_state(c, "INSERT INTO b VALUES (20001, 0)"), "");
    EXPECT_EQ(error_state(c, "INSERT INTO b VALUES (1, 0)"), "23505");
    EXPECT_EQ(error_state(c, "SELECT sum(id) + sum(v) FROM a"), "XX001");
    EXPECT_EQ(error_state(c, "INSERT INTO a VALUES (0, 0)"), "XX001");
    // VACUUM would rewrite a's small row group: it leaves that table alone instead of failing, so checkpoints
    // and commits to other tables go on.
    EXPECT_EQ(error_state(c, "VACUUM"), "");
    EXPECT_EQ(error_state(c, "INSERT INTO b VALUES (20002, 0)"), "");
    EXPECT_EQ(error_state(c, "CHECKPOINT"), "");
    EXPECT_EQ(text(c, "SELECT count(*) FROM b"), "20002\n");
    fs::remove_all(dir);
}

TEST(Integrity, AutomaticCheckpointsRunInTheBackground) {
    std::string dir = temp_dir("background-checkpoint");
    Database db(2, dir);
    Connection c(db);
    c.query("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR)");
    c.query("SET checkpoint_threshold = '64kB'");
    uint64_t before = db.checkpoint_number();
    c.query("INSERT INTO t SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g");
    // The commit returned without checkpointing itself; the checkpointer thread folds the log in soon after.
    for (int i = 0; i < 500 && db.checkpoint_number() == before; i++) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_GT(db.checkpoint_number(), before);
    EXPECT_EQ(text(c, "SELECT count(*) FROM t"), "20000\n");
    EXPECT_EQ(error_state(c, "INSERT INTO t VALUES (5, 'dup')"), "23505");
    fs::remove_all(dir);
}

// Under a steady stream of overlapping commits the checkpointer still gets its turn: the statement lock let
// shared lockers overtake a waiting checkpoint forever, and the log grew without bound.
TEST(Integrity, CheckpointsRunUnderSteadyConcurrentCommits) {
    std::string dir = temp_dir("checkpoint-under-load");
    Database db(2, dir);
    {
        Connection c(db);
        c.query("CREATE TABLE t (w INT, seq INT, v VARCHAR)");
        c.query("SET checkpoint_threshold = '64kB'");
    }
    uint64_t before = db.checkpoint_number();
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 8; w++) {
        writers.emplace_back([&, w]() {
            Connection c(db);
            for (int seq = 0; !stop; seq++) c.query(fmt::format("INSERT INTO t VALUES ({}, {}, 'a row of some length')", w, seq));
        });
    }
    for (int i = 0; i < 1000 && db.checkpoint_number() < before + 2; i++) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop = true;
    for (auto& t : writers) t.join();
    EXPECT_GE(db.checkpoint_number(), before + 2);
    fs::remove_all(dir);
}

TEST(Integrity, ReadOnlyOpensWhileAnotherProcessWrites) {
    std::string dir = temp_dir("read-only");
    Database writer(2, dir);
    Connection w(writer);
    w.query("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    w.query("INSERT INTO t SELECT g, g FROM generate_series(1, 10000) g");
    w.query("CHECKPOINT");
    w.query("INSERT INTO t VALUES (-1, -1)");  // only in the log
    {
        Database reader(2, dir, nullptr, true);
        Connection r(reader);
        EXPECT_EQ(text(r, "SELECT count(*), sum(v) FROM t"), "10001|50004999\n");
        EXPECT_EQ(error_state(r, "INSERT INTO t VALUES (0, 0)"), "25006");
        EXPECT_EQ(error_state(r, "CREATE TABLE u (x INT)"), "25006");
        EXPECT_EQ(error_state(r, "CHECKPOINT"), "25006");
        // The writer goes on: a VACUUM rewrites and removes the files the reader opened.
        w.query("DELETE FROM t WHERE id % 2 = 0");
        w.query("SET time_travel_retention = 0");
        w.query("VACUUM");
        EXPECT_EQ(text(r, "SELECT count(*), sum(v) FROM t"), "10001|50004999\n");
        EXPECT_EQ(text(w, "SELECT count(*) FROM t"), "5001\n");
    }
    // The reader changed nothing: the writer's database is as it left it.
    EXPECT_EQ(text(w, "SELECT count(*) FROM t"), "5001\n");
    fs::remove_all(dir);
}

namespace {

// Every byte of the database's write-ahead logs, concatenated.
std::string log_bytes(const std::string& dir) {
    std::string out;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().filename().string().starts_with("wal-")) {
            std::ifstream in(entry.path(), std::ios::binary);
            out.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
    }
    return out;
}

size_t column_file_count(const std::string& dir) {
    size_t n = 0;
    for (const auto& entry : fs::directory_iterator(dir + "/data")) n += entry.path().extension() == ".bcol";
    return n;
}

}  // namespace

// Finding 8: CREATE TEMP TABLE made a permanent table. A temporary table is the session's alone, and neither its
// definition nor its rows reach the log or a column file.
TEST(Integrity, TemporaryTablesNeverReachTheDisk) {
    std::string dir = temp_dir("temporary");
    {
        Database db(2, dir);
        Connection c(db);
        c.query("CREATE TEMP TABLE scratch (s VARCHAR PRIMARY KEY)");
        c.query("INSERT INTO scratch SELECT 'scratch-row-' || g FROM generate_series(1, 5000) g");
        c.query("DELETE FROM scratch WHERE s = 'scratch-row-7'");
        c.query("CREATE TABLE kept (s VARCHAR)");
        c.query("INSERT INTO kept VALUES ('kept-row')");
        c.query("CREATE TEMP TABLE scratch_copy AS SELECT * FROM scratch");
        std::string log = log_bytes(dir);
        EXPECT_NE(log.find("kept-row"), std::string::npos);  // the check can see rows in the log
        EXPECT_EQ(log.find("scratch"), std::string::npos);
        Connection other(db);
        EXPECT_EQ(error_state(other, "SELECT * FROM scratch"), "42P01");
        c.query("CHECKPOINT");
        EXPECT_EQ(column_file_count(dir), 1u);  // kept's row group only
        EXPECT_EQ(text(c, "SELECT count(*) FROM scratch"), "4999\n");
        c.query("INSERT INTO scratch VALUES ('after-checkpoint')");
        EXPECT_EQ(log_bytes(dir).find("after-checkpoint"), std::string::npos);
    }
    {
        // Reopen after a clean close (a checkpoint) and after replaying a log.
        Database db(2, dir);
        Connection c(db);
        EXPECT_EQ(error_state(c, "SELECT * FROM scratch"), "42P01");
        EXPECT_EQ(text(c, "SELECT s FROM kept"), "kept-row\n");
        EXPECT_EQ(column_file_count(dir), 1u);
    }
    fs::remove_all(dir);
}

// A session's temporary tables go with it.
TEST(Integrity, TemporaryTablesEndWithTheirSession) {
    Database db(2, "");
    {
        Connection c(db);
        c.query("CREATE TEMP TABLE t (a INT)");
        c.query("INSERT INTO t VALUES (1)");
        EXPECT_EQ(text(c, "SELECT a FROM t"), "1\n");
    }
    Connection c(db);
    EXPECT_EQ(error_state(c, "SELECT * FROM t"), "42P01");
    c.query("CREATE TEMP TABLE t (b VARCHAR)");
    EXPECT_EQ(text(c, "SELECT count(*) FROM t"), "0\n");
}

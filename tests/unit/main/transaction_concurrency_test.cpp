// Transactions under real threads: each thread has its own Connection on one Database.
//   - Readers inside a block see one stable snapshot while writers commit (the total of a table whose
//     transfers keep it constant never changes, and repeated reads in one block agree).
//   - Two writers of the same row: the later one gets 40001; writers of different rows both commit.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "main/connection.hpp"
#include "sql_test_util.hpp"

using namespace basalt;
using basalt::test::error_state;

namespace {

int64_t single_int(Connection& c, const std::string& sql) {
    QueryResult r = c.query(sql);
    return r.chunks.at(0)->column(0).get_value(0).get_int64();
}

}  // namespace

TEST(TransactionConcurrency, ReadersSeeStableSnapshotsWhileWritersCommit) {
    Database db(2);
    Connection setup(db);
    setup.query("CREATE TABLE acct(id INTEGER PRIMARY KEY, balance BIGINT NOT NULL)");
    setup.query("INSERT INTO acct SELECT g, 1000 FROM generate_series(1, 20) g");
    constexpr int64_t kTotal = 20 * 1000;

    std::atomic<bool> stop{false};
    std::atomic<int> commits{0}, conflicts{0}, reads{0}, bad_reads{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < 3; w++) {
        threads.emplace_back([&, w] {
            Connection c(db);
            std::mt19937 rng(static_cast<unsigned>(w + 1));
            while (!stop) {
                int from = static_cast<int>(rng() % 20) + 1, to = static_cast<int>(rng() % 20) + 1;
                int amount = static_cast<int>(rng() % 50);
                try {
                    c.query("BEGIN");
                    c.query("UPDATE acct SET balance = balance - " + std::to_string(amount) + " WHERE id = " + std::to_string(from));
                    c.query("UPDATE acct SET balance = balance + " + std::to_string(amount) + " WHERE id = " + std::to_string(to));
                    c.query("COMMIT");
                    commits++;
                } catch (const Error& e) {
                    ASSERT_STREQ(e.sql_state(), "40001") << e.what();
                    conflicts++;
                    c.query("ROLLBACK");
                }
            }
        });
    }
    threads.emplace_back([&] {
        Connection c(db);
        while (!stop) {
            c.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
            int64_t first = single_int(c, "SELECT sum(balance) FROM acct");
            int64_t rows = single_int(c, "SELECT count(*) FROM acct");
            std::this_thread::yield();
            int64_t second = single_int(c, "SELECT sum(balance) FROM acct");
            c.query("COMMIT");
            reads++;
            if (first != kTotal || second != kTotal || rows != 20) bad_reads++;
        }
    });
    while (commits < 300 || reads < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(bad_reads, 0);
    EXPECT_GT(conflicts, 0) << "three writers on 20 rows should collide now and then";
    EXPECT_EQ(single_int(setup, "SELECT sum(balance) FROM acct"), kTotal);
    EXPECT_EQ(single_int(setup, "SELECT count(*) FROM acct"), 20);
}

TEST(TransactionConcurrency, SecondWriterOfARowGetsSerializationFailure) {
    Database db(2);
    Connection a(db), b(db);
    a.query("CREATE TABLE t(k INTEGER PRIMARY KEY, v INTEGER)");
    a.query("INSERT INTO t VALUES (1, 0), (2, 0)");
    a.query("BEGIN");
    b.query("BEGIN");
    a.query("UPDATE t SET v = 1 WHERE k = 1");
    EXPECT_EQ(error_state(b, "UPDATE t SET v = 2 WHERE k = 1"), "40001");
    EXPECT_EQ(error_state(b, "SELECT 1"), "25P02");
    b.query("ROLLBACK");
    a.query("COMMIT");
    EXPECT_EQ(single_int(b, "SELECT v FROM t WHERE k = 1"), 1);

    // Concurrent inserts of one key: the later committer fails (40001), the earlier wins.
    a.query("BEGIN");
    b.query("BEGIN");
    a.query("INSERT INTO t VALUES (3, 30)");
    b.query("INSERT INTO t VALUES (3, 31)");
    a.query("COMMIT");
    EXPECT_EQ(error_state(b, "COMMIT"), "40001");
    EXPECT_EQ(single_int(b, "SELECT v FROM t WHERE k = 3"), 30);
}

TEST(TransactionConcurrency, WritersOfDifferentRowsBothCommit) {
    Database db(2);
    Connection a(db), b(db);
    a.query("CREATE TABLE t(k INTEGER PRIMARY KEY, v INTEGER)");
    a.query("INSERT INTO t VALUES (1, 0), (2, 0)");
    a.query("BEGIN");
    b.query("BEGIN");
    a.query("UPDATE t SET v = 10 WHERE k = 1");
    b.query("UPDATE t SET v = 20 WHERE k = 2");
    b.query("INSERT INTO t VALUES (4, 40)");
    a.query("INSERT INTO t VALUES (5, 50)");
    b.query("COMMIT");
    a.query("COMMIT");
    EXPECT_EQ(single_int(a, "SELECT sum(v) FROM t"), 120);
    EXPECT_EQ(single_int(a, "SELECT count(*) FROM t"), 4);
}

TEST(TransactionConcurrency, SchemaChangeWaitsForPendingWriters) {
    Database db(2);
    Connection a(db), b(db);
    a.query("CREATE TABLE t(k INTEGER)");
    a.query("BEGIN");
    a.query("INSERT INTO t VALUES (1)");
    EXPECT_EQ(error_state(b, "ALTER TABLE t ADD COLUMN x INTEGER"), "55006");
    // Transactional DDL: the block's new table is its own until it commits, and goes with its ROLLBACK.
    EXPECT_EQ(error_state(a, "CREATE TABLE u(x INTEGER)"), "");
    EXPECT_EQ(error_state(b, "SELECT * FROM u"), "42P01");
    a.query("ROLLBACK");
    EXPECT_EQ(error_state(a, "SELECT * FROM u"), "42P01");
    b.query("ALTER TABLE t ADD COLUMN x INTEGER");
    EXPECT_EQ(single_int(b, "SELECT count(*) FROM t"), 0);
}

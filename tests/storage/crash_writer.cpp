// The writer side of the concurrent crash test (tests/storage/concurrent_crash_test.py): W sessions on one
// database directory commit transactions until the process is killed. Transaction i (ids FIRST + k*W + w for
// writer w) inserts n rows tagged i into log, records (i, n) in done, adds to a totals row shared with other
// writers (so writers conflict and retry on 40001), and deletes the even rows of an earlier transaction of
// another writer. It prints "begin i" before its first statement and "ack i" once COMMIT returned; writer 0
// also checkpoints now and then. The test kills the process and checks what survived against those lines.
// Usage: basalt_crash_writer DIR WRITERS FIRST SEED
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "main/connection.hpp"

using namespace basalt;

namespace {

std::mutex output_mutex;

void say(const std::string& line) {
    std::lock_guard guard(output_mutex);
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s DIR WRITERS FIRST SEED\n", argv[0]);
        return 2;
    }
    const int writers = std::atoi(argv[2]);
    const long long first = std::atoll(argv[3]);
    const unsigned seed = static_cast<unsigned>(std::atoi(argv[4]));
    Database db(2, argv[1]);
    {
        Connection setup(db);
        setup.query("CREATE TABLE IF NOT EXISTS log (txn BIGINT, seq INTEGER, pad VARCHAR)");
        setup.query("CREATE TABLE IF NOT EXISTS done (txn BIGINT PRIMARY KEY, n INTEGER)");
        setup.query("CREATE TABLE IF NOT EXISTS totals (k INTEGER PRIMARY KEY, rows BIGINT, txns BIGINT)");
        setup.query("INSERT INTO totals SELECT g, 0, 0 FROM generate_series(0, 3) g ON CONFLICT DO NOTHING");
        setup.query("SET checkpoint_threshold = '2MB'");
    }
    say("ready");
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; w++) {
        threads.emplace_back([&, w]() {
            std::mt19937 rng(seed * 131 + static_cast<unsigned>(w));
            Connection c(db);
            for (long long k = 0;; k++) {
                long long i = first + k * writers + w;
                int n = std::uniform_int_distribution<int>(0, 9)(rng) == 0 ? 3000 : std::uniform_int_distribution<int>(1, 40)(rng);
                long long victim = i - 3 * writers + 1;  // an earlier transaction of another writer
                say("begin " + std::to_string(i));
                for (int attempt = 0;; attempt++) {
                    try {
                        c.query("BEGIN");
                        c.query("INSERT INTO log SELECT " + std::to_string(i) + ", g, repeat('x', g % 30) FROM generate_series(1, " +
                                std::to_string(n) + ") g");
                        c.query("INSERT INTO done VALUES (" + std::to_string(i) + ", " + std::to_string(n) + ")");
                        c.query("UPDATE totals SET rows = rows + " + std::to_string(n) + " - (SELECT count(*) FROM log WHERE txn = " +
                                std::to_string(victim) + " AND seq % 2 = 0), txns = txns + 1 WHERE k = " + std::to_string(i % 4));
                        c.query("DELETE FROM log WHERE txn = " + std::to_string(victim) + " AND seq % 2 = 0");
                        c.query("COMMIT");
                        break;
                    } catch (const Error& e) {
                        try {
                            c.query("ROLLBACK");
                        } catch (const Error&) {
                        }
                        if (std::string(e.sql_state()) != "40001") {
                            say("error " + std::to_string(i) + " " + e.sql_state() + " " + e.what());
                            return;
                        }
                    }
                }
                say("ack " + std::to_string(i));
                if (w == 0 && k % 40 == 39) {
                    try {
                        c.query("CHECKPOINT");
                    } catch (const Error& e) {
                        say(std::string("error checkpoint ") + e.sql_state() + " " + e.what());
                    }
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    return 1;
}

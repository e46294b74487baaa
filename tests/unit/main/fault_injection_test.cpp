// A database under injected faults at every write point of its commits, checkpoints and VACUUMs: a crash (as a
// process crash, and as a power loss that drops what was never synced), a full disk, an I/O error, once or
// from then on. After each, the database must open, and hold exactly the statements that succeeded: the
// statement running when the process died may be there or not (its client never heard back), nothing that
// failed may be. The reference is the same statements on an in-memory database.
#include <gtest/gtest.h>

#include <cerrno>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "fault_injection_file_system.hpp"
#include "main/connection.hpp"
#include "sql_test_util.hpp"

using namespace basalt;
using basalt::test::FaultInjectionFileSystem;
using basalt::test::temp_dir;
using basalt::test::text;
namespace fs = std::filesystem;

namespace {

// Inserts, updates (also of keys, and that reorder rows on compaction), deletes, upserts, MERGE, a failing
// duplicate, a large commit, CHECKPOINT and VACUUM, and schema changes in blocks (committed and rolled back).
const std::vector<std::string> kWorkload = {
    "CREATE TABLE kv (k INT PRIMARY KEY, v INT, tag VARCHAR UNIQUE) WITH (cluster_by = 'v')",
    "INSERT INTO kv SELECT g, g * 10, 't' || g FROM generate_series(1, 300) g",
    "UPDATE kv SET v = -v WHERE k % 3 = 0",
    "CHECKPOINT",
    "DELETE FROM kv WHERE k % 5 = 0",
    "INSERT INTO kv VALUES (5, 1, 'five')",
    "INSERT INTO kv VALUES (6, 1, 'six')",
    "UPDATE kv SET k = k + 1000 WHERE k % 7 = 0",
    "CREATE TABLE other (x INT)",
    "INSERT INTO other SELECT g FROM generate_series(1, 5000) g",
    // One commit record with schema changes and rows, replayed together or not at all.
    "BEGIN; CREATE TABLE staged AS SELECT k, v FROM kv WHERE k < 50; ALTER TABLE other RENAME TO other_renamed; "
    "INSERT INTO staged VALUES (-1, -1); COMMIT",
    "BEGIN; DROP TABLE staged; CREATE TABLE doomed (z INT); INSERT INTO doomed VALUES (1); ROLLBACK",
    "INSERT INTO kv VALUES (1, 77, 'n1'), (2000, 5, 'n2000') ON CONFLICT (k) DO UPDATE SET v = excluded.v",
    "SET time_travel_retention = 0",
    "VACUUM",
    "MERGE INTO kv USING (VALUES (2, 0), (3000, 9)) AS s(k, v) ON kv.k = s.k "
    "WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.k, s.v, 'm' || s.k)",
    // Over 1 MiB: a log record of several fragments.
    "INSERT INTO kv SELECT g, g, 'big' || g || repeat('x', 400) FROM generate_series(10000, 13000) g",
    "DELETE FROM other WHERE x % 2 = 0",
    "CHECKPOINT",
    "UPDATE kv SET v = v + 1 WHERE k < 100",
    "ALTER TABLE other_renamed RENAME TO other",
    "CREATE TEMP TABLE scratch AS SELECT * FROM kv",
    "DROP TABLE staged",
};

std::string state(Connection& c) {
    std::string out;
    for (const char* t : {"kv", "other", "other_renamed", "staged", "doomed"}) {
        std::string line = ": none\n";
        for (const char* summary : {"count(*), sum(k::bigint * 7 + v), min(tag), max(tag)", "count(*), sum(x::bigint)",
                                    "count(*), sum(k::bigint * 7 + v)", "count(*)"}) {
            try {
                line = ":" + text(c, std::string("SELECT ") + summary + " FROM " + t) + "\n";
                break;
            } catch (const Error&) {
            }
        }
        out += t + line;
    }
    return out;
}

// The state after running the statements of kWorkload whose index is in `which`, in memory (cached: most
// runs share their outcomes).
std::string reference(const std::vector<size_t>& which) {
    static std::map<std::vector<size_t>, std::string> cache;
    auto it = cache.find(which);
    if (it != cache.end()) return it->second;
    Database db(1);
    Connection c(db);
    for (size_t i : which) {
        try {
            c.query(kWorkload[i]);
        } catch (const Error&) {
        }
    }
    return cache[which] = state(c);
}

bool injected(const Error& e) {
    std::string s = e.sql_state();
    return s == "53100" || s == "58030";
}

struct WorkloadRun {
    std::vector<size_t> succeeded;  // statements that returned (a statement failing on its own, like a duplicate
                                    // key or a table a failed CREATE did not make, changes nothing)
    std::vector<size_t> failed;     // statements that failed from an injected fault
    bool opened = true;
};

WorkloadRun run_workload(const std::string& dir, const std::shared_ptr<FaultInjectionFileSystem>& faults) {
    WorkloadRun run;
    try {
        Database db(1, dir, faults);
        Connection c(db);
        for (size_t i = 0; i < kWorkload.size(); i++) {
            try {
                c.query(kWorkload[i]);
                run.succeeded.push_back(i);
            } catch (const Error& e) {
                if (faults->crashed()) {
                    run.failed.push_back(i);
                    break;
                }
                if (injected(e)) run.failed.push_back(i);
            }
        }
    } catch (const Error&) {
        run.opened = false;  // the fault hit the creation of the directory
    }
    return run;
}

std::string reopened_state(const std::string& dir) {
    Database db(1, dir);
    Connection c(db);
    std::string s = state(c);
    // The reopened database takes writes and survives another reopen.
    c.query("CREATE TABLE IF NOT EXISTS after_fault (y INT)");
    c.query("INSERT INTO after_fault VALUES (1)");
    return s;
}

// Every write point, or every n-th with BASALT_FAULT_STRIDE=n (the sanitizer builds, which run slower).
uint64_t point_stride() {
    const char* stride = std::getenv("BASALT_FAULT_STRIDE");
    return stride && std::atoi(stride) > 0 ? static_cast<uint64_t>(std::atoi(stride)) : 1;
}

uint64_t clean_write_points() {
    std::string dir = temp_dir("fault-count");
    auto faults = std::make_shared<FaultInjectionFileSystem>();
    WorkloadRun run = run_workload(dir, faults);
    EXPECT_TRUE(run.failed.empty());
    fs::remove_all(dir);
    return faults->write_points();
}

}  // namespace

TEST(FaultInjection, CrashAtEveryWritePointLosesNoAcknowledgedCommit) {
    const uint64_t points = clean_write_points();
    ASSERT_GT(points, 50u);
    std::printf("%llu write points, every %llu-th crashed at\n", static_cast<unsigned long long>(points),
                static_cast<unsigned long long>(point_stride()));
    for (bool power_loss : {false, true}) {
        for (uint64_t point = 1; point <= points; point += point_stride()) {
            std::string dir = temp_dir("fault-crash");
            auto faults = std::make_shared<FaultInjectionFileSystem>();
            faults->crash(point);
            WorkloadRun run = run_workload(dir, faults);
            if (power_loss) faults->lose_unsynced_data();
            std::string got;
            try {
                got = reopened_state(dir);
            } catch (const Error& e) {
                ADD_FAILURE() << "crash at write point " << point << (power_loss ? " with power loss" : "")
                              << ": the database does not open: " << e.what();
                fs::remove_all(dir);
                continue;
            }
            std::string without = reference(run.succeeded);
            std::vector<size_t> with = run.succeeded;
            with.insert(with.end(), run.failed.begin(), run.failed.end());
            if (got != without && got != reference(with)) {
                ADD_FAILURE() << "crash at write point " << point << (power_loss ? " with power loss" : "") << " during statement "
                              << (run.failed.empty() ? std::string("(none)") : kWorkload[run.failed[0]]) << "\ngot:\n"
                              << got << "expected:\n" << without;
            }
            fs::remove_all(dir);
        }
    }
}

TEST(FaultInjection, FullDiskAndIoErrorsAtEveryWritePointKeepExactlyWhatSucceeded) {
    const uint64_t points = clean_write_points();
    for (int error_number : {ENOSPC, EIO}) {
        for (bool sticky : {false, true}) {
            for (uint64_t point = 1; point <= points; point += point_stride()) {
                std::string dir = temp_dir("fault-error");
                auto faults = std::make_shared<FaultInjectionFileSystem>();
                faults->fail(point, error_number, sticky);
                WorkloadRun run = run_workload(dir, faults);
                std::string got;
                try {
                    got = reopened_state(dir);
                } catch (const Error& e) {
                    ADD_FAILURE() << "errno " << error_number << (sticky ? " from" : " at") << " write point " << point
                                  << ": the database does not open: " << e.what();
                    fs::remove_all(dir);
                    continue;
                }
                std::string expected = reference(run.succeeded);
                bool ok = got == expected;
                if (!ok && sticky && !run.failed.empty()) {
                    // From a sticky fault on, a commit whose log record could not be taken back is in doubt. Every
                    // later write fails; statements that still returned wrote nothing (they ran on the state without
                    // the statement in doubt, so they are left out rather than re-run on it).
                    std::vector<size_t> with;
                    for (size_t i : run.succeeded) {
                        if (i < run.failed[0]) with.push_back(i);
                    }
                    with.push_back(run.failed[0]);
                    std::string in_doubt = reference(with);
                    ok = got == in_doubt;
                    if (!ok) expected += "or, with the statement in doubt:\n" + in_doubt;
                }
                if (!ok) {
                    ADD_FAILURE() << "errno " << error_number << (sticky ? " from" : " at") << " write point " << point
                                  << (run.failed.empty() ? std::string(" (no statement failed)")
                                                         : " first failing statement: " + kWorkload[run.failed[0]])
                                  << "\ngot:\n" << got << "expected:\n" << expected;
                }
                fs::remove_all(dir);
            }
        }
    }
}

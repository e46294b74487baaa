// A randomized differential test of writes against SQLite: sessions of INSERT, UPDATE (of values, of keys and
// of partition keys), DELETE, MERGE, INSERT ... ON CONFLICT, transaction blocks (committed and rolled back),
// schema changes inside and outside them (CREATE, DROP and RENAME of a second table and its columns), VACUUM,
// CHECKPOINT and reopen, on a plain, a clustered and a partitioned table with a PRIMARY KEY and a UNIQUE column.
// After every statement both must have succeeded or both failed, and hold the same rows. Fixed seeds run in `make test`;
// BASALT_DIFFERENTIAL_SEEDS=n runs n seeds (make test-long).
//   SQLite has no MERGE: the test gives it the same change as an UPDATE, a DELETE and an INSERT in a savepoint.
//   SQLite checks unique keys row by row, PostgreSQL and Basalt at the end of the statement: key moves that
//   collide only half way are not generated (a move shifts keys into a range of their own).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/error.hpp"
#include "main/connection.hpp"
#include "sql_test_util.hpp"

using namespace basalt;
namespace fs = std::filesystem;

namespace {

class Sqlite {
public:
    Sqlite() { sqlite3_open(":memory:", &db_); }
    ~Sqlite() { sqlite3_close(db_); }
    // "" on success, else SQLite's message.
    std::string exec(const std::string& sql) {
        char* message = nullptr;
        int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
        std::string out = rc == SQLITE_OK ? "" : (message ? message : "error");
        sqlite3_free(message);
        return out;
    }
    std::string rows(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        std::string out;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return "prepare failed";
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(stmt); c++) {
                if (c) out += "|";
                auto text = sqlite3_column_text(stmt, c);
                out += text ? reinterpret_cast<const char*>(text) : "NULL";
            }
            out += "\n";
        }
        sqlite3_finalize(stmt);
        return out;
    }

private:
    sqlite3* db_ = nullptr;
};

struct Layout {
    const char* name;
    const char* options;  // Basalt's table options after the column list
};

const Layout kLayouts[] = {
    {"plain", ""},
    {"clustered", " WITH (cluster_by = 'v')"},
    {"partitioned", " PARTITION BY LIST (grp) WITH (cluster_by = 'u')"},
};

// One statement for both databases (different text only for MERGE).
struct Step {
    std::string basalt;
    std::string sqlite;
    bool reopen = false;
};

class Generator {
public:
    explicit Generator(uint32_t seed) : rng_(seed) {}

    Step next() {
        int kind = pick(0, 109);
        statement_++;
        if (kind >= 100) return same(schema_change());
        if (kind < 22) return same(insert());
        if (kind < 34) return same(fmt::format("UPDATE t SET v = v + {} WHERE {}", pick(-50, 50), condition()));
        if (kind < 40) return same(fmt::format("UPDATE t SET grp = (grp + {}) % 4 WHERE {}", pick(1, 3), condition()));
        if (kind < 45) {
            // Keys shift into a range no earlier statement used, so no collision can happen half way.
            return same(fmt::format("UPDATE t SET id = id + {} WHERE id < 1000000 AND {}", statement_ * 1000000, condition()));
        }
        if (kind < 52) return same(fmt::format("UPDATE t SET id = {} WHERE id = {}", key(), key()));
        if (kind < 58) return same(fmt::format("UPDATE t SET u = {} WHERE id = {}", unique_value(), key()));
        if (kind < 68) return same(fmt::format("DELETE FROM t WHERE {}", condition()));
        if (kind < 78) return same(upsert());
        if (kind < 86) return merge();
        if (kind < 89) return same("VACUUM", "");
        if (kind < 92) return same("CHECKPOINT", "");
        if (kind < 95) {
            Step s;
            s.reopen = true;
            return s;
        }
        switch (pick(0, 3)) {
            case 0:
            case 1: return same("BEGIN");
            case 2: return same("COMMIT");
            default: return same("ROLLBACK");
        }
    }

private:
    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
    int key() { return pick(1, 150); }
    std::string unique_value() { return pick(0, 9) == 0 ? "NULL" : std::to_string(pick(1, 220)); }
    std::string row() { return fmt::format("({}, {}, {}, {})", key(), pick(0, 3), unique_value(), pick(-1000, 1000)); }
    std::string condition() {
        switch (pick(0, 4)) {
            case 0: return fmt::format("id % {} = {}", pick(2, 9), pick(0, 1));
            case 1: return fmt::format("v < {}", pick(-1000, 1000));
            case 2: return fmt::format("grp = {}", pick(0, 3));
            case 3: return fmt::format("id BETWEEN {} AND {}", pick(1, 100), pick(100, 160));
            default: return fmt::format("u IS NULL OR u > {}", pick(100, 220));
        }
    }
    // Keys of one statement are distinct (a row changed twice by one statement is an error in PostgreSQL only).
    std::vector<int> distinct_keys(int n) {
        std::vector<int> keys;
        while (static_cast<int>(keys.size()) < n) {
            int k = key();
            if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
        }
        return keys;
    }
    std::string insert() {
        std::string sql = "INSERT INTO t VALUES ";
        int n = pick(1, 6);
        for (int i = 0; i < n; i++) sql += (i ? ", " : "") + row();
        return sql;
    }
    std::string upsert() {
        std::string sql = "INSERT INTO t VALUES ";
        auto keys = distinct_keys(pick(1, 5));
        for (size_t i = 0; i < keys.size(); i++) {
            sql += fmt::format("{}({}, {}, {}, {})", i ? ", " : "", keys[i], pick(0, 3), unique_value(), pick(-1000, 1000));
        }
        switch (pick(0, 2)) {
            case 0: return sql + " ON CONFLICT DO NOTHING";
            case 1: return sql + " ON CONFLICT (id) DO NOTHING";
            default: return sql + " ON CONFLICT (id) DO UPDATE SET v = excluded.v + t.v, grp = excluded.grp";
        }
    }
    Step merge() {
        auto keys = distinct_keys(pick(1, 5));
        std::string values, ids;
        for (size_t i = 0; i < keys.size(); i++) {
            int u = pick(1, 220) + 1000;  // new u values: only matched-and-updated rows could collide, never
            values += fmt::format("{}({}, {}, {})", i ? ", " : "", keys[i], pick(-1000, 1000), u);
            ids += fmt::format("{}{}", i ? ", " : "", keys[i]);
        }
        int threshold = pick(-1000, 1000);
        Step s;
        s.basalt = fmt::format(
            "MERGE INTO t USING (VALUES {}) AS s(id, v, u) ON t.id = s.id "
            "WHEN MATCHED AND t.v < {} THEN DELETE "
            "WHEN MATCHED THEN UPDATE SET v = s.v "
            "WHEN NOT MATCHED THEN INSERT VALUES (s.id, 1, s.u, s.v)",
            values, threshold);
        s.sqlite = fmt::format(
            "SAVEPOINT m; "
            "CREATE TEMP TABLE s(id INT, v INT, u INT); INSERT INTO s VALUES {0}; "
            "CREATE TEMP TABLE matched AS SELECT t.id, t.v AS old_v, s.v AS new_v FROM t JOIN s ON t.id = s.id; "
            "DELETE FROM t WHERE id IN (SELECT id FROM matched WHERE old_v < {1}); "
            "UPDATE t SET v = (SELECT new_v FROM matched WHERE matched.id = t.id) WHERE id IN (SELECT id FROM matched); "
            "INSERT INTO t SELECT s.id, 1, s.u, s.v FROM s WHERE s.id NOT IN (SELECT id FROM matched); "
            "DROP TABLE s; DROP TABLE matched; RELEASE m;",
            values, threshold);
        (void)ids;
        return s;
    }
    // On the second table, which comes and goes and changes its names (SQLite's DDL is transactional too).
    std::string schema_change() {
        const char* table = pick(0, 1) ? "side" : "side2";
        switch (pick(0, 6)) {
            case 0: return fmt::format("CREATE TABLE IF NOT EXISTS {} (id INT PRIMARY KEY NOT NULL, note INT)", table);
            case 1: return fmt::format("DROP TABLE IF EXISTS {}", table);
            case 2: return fmt::format("ALTER TABLE {} RENAME TO {}", table, table == std::string("side") ? "side2" : "side");
            case 3: return fmt::format("ALTER TABLE {} RENAME COLUMN {}", table, pick(0, 1) ? "note TO remark" : "remark TO note");
            case 4: return fmt::format("DELETE FROM {} WHERE id % 2 = {}", table, pick(0, 1));
            default: return fmt::format("INSERT INTO {} SELECT id, v FROM t WHERE {}", table, condition());
        }
    }
    Step same(const std::string& sql) { return Step{sql, sql, false}; }
    Step same(const std::string& basalt, const std::string& sqlite) { return Step{basalt, sqlite, false}; }

    std::mt19937 rng_;
    int statement_ = 0;
};

const char* kDump = "SELECT id, grp, u, v FROM t ORDER BY id";
const char* kSideTables[] = {"side", "side2"};

void run_session(uint32_t seed, const Layout& layout, int steps) {
    std::string dir = basalt::test::temp_dir(fmt::format("differential-{}-{}", layout.name, seed));
    auto db = std::make_unique<Database>(2, dir);
    auto conn = std::make_unique<Connection>(*db);
    Sqlite lite;
    // Odd seeds drop old versions at VACUUM; even ones keep them (7 days), so compactions move dead versions of
    // keys around the live ones.
    auto setup = [&]() {
        if (seed % 2) conn->query("SET time_travel_retention = 0");
    };
    setup();
    conn->query(fmt::format("CREATE TABLE t (id INT PRIMARY KEY, grp INT NOT NULL, u INT UNIQUE, v INT){}", layout.options));
    ASSERT_EQ(lite.exec("CREATE TABLE t (id INT PRIMARY KEY NOT NULL, grp INT NOT NULL, u INT UNIQUE, v INT)"), "");
    Generator gen(seed);
    bool in_block = false;
    std::vector<std::string> history;
    for (int i = 0; i < steps; i++) {
        Step step = gen.next();
        if (step.reopen) {
            if (in_block) continue;
            conn.reset();
            db.reset();
            db = std::make_unique<Database>(2, dir);
            conn = std::make_unique<Connection>(*db);
            setup();
            history.push_back("-- reopen");
        } else {
            if (step.basalt == "BEGIN" && in_block) continue;
            if ((step.basalt == "COMMIT" || step.basalt == "ROLLBACK") && !in_block) continue;
            if (in_block && (step.basalt == "VACUUM" || step.basalt == "CHECKPOINT")) continue;
            history.push_back(step.basalt);
            std::string basalt_error;
            try {
                conn->query(step.basalt);
            } catch (const Error& e) {
                basalt_error = std::string(e.sql_state()) + " " + e.what();
            }
            std::string sqlite_error = step.sqlite.empty() ? "" : lite.exec(step.sqlite);
            if (!sqlite_error.empty() && step.sqlite.starts_with("SAVEPOINT m")) {
                lite.exec("ROLLBACK TO m; RELEASE m; DROP TABLE IF EXISTS temp.s; DROP TABLE IF EXISTS temp.matched;");
            }
            if (basalt_error.empty() != sqlite_error.empty()) {
                std::string trail;
                for (const auto& h : history) trail += "  " + h + ";\n";
                FAIL() << layout.name << " seed " << seed << " step " << i << ": " << step.basalt << "\nBasalt: "
                       << (basalt_error.empty() ? "ok" : basalt_error) << "\nSQLite: " << (sqlite_error.empty() ? "ok" : sqlite_error)
                       << "\nstatements:\n" << trail;
            }
            if (step.basalt == "BEGIN") in_block = true;
            if (step.basalt == "COMMIT" || step.basalt == "ROLLBACK") in_block = false;
            if (in_block && !basalt_error.empty()) {
                // A failed statement aborts a PostgreSQL block; SQLite's goes on: end both.
                conn->query("ROLLBACK");
                lite.exec("ROLLBACK");
                in_block = false;
                history.push_back("ROLLBACK");
            }
        }
        std::string got = basalt::test::text(*conn, kDump);
        std::string want = lite.rows(kDump);
        for (const char* side : kSideTables) {
            std::string dump = fmt::format("SELECT * FROM {} ORDER BY 1", side);
            got += std::string(side) + ":\n";
            // A failing SELECT would abort an open block: look the table up first.
            std::string exists = basalt::test::text(*conn, fmt::format("SELECT count(*) FROM basalt_tables() WHERE name = '{}'", side));
            got += exists == "0\n" ? "missing\n" : basalt::test::text(*conn, dump);
            std::string lite_rows = lite.rows(dump);
            want += std::string(side) + ":\n" + (lite_rows == "prepare failed" ? "missing\n" : lite_rows);
        }
        if (got != want) {
            std::string trail;
            for (const auto& h : history) trail += "  " + h + ";\n";
            FAIL() << layout.name << " seed " << seed << " step " << i << ": the tables differ after\n" << trail
                   << "Basalt:\n" << got << "SQLite:\n" << want;
        }
    }
    conn.reset();
    db.reset();
    fs::remove_all(dir);
}

int seed_count() {
    const char* n = std::getenv("BASALT_DIFFERENTIAL_SEEDS");
    return n && std::atoi(n) > 0 ? std::atoi(n) : 3;
}

}  // namespace

TEST(Differential, WritesAgreeWithSqliteOnEveryLayout) {
    for (const auto& layout : kLayouts) {
        for (int seed = 1; seed <= seed_count(); seed++) {
            run_session(static_cast<uint32_t>(seed), layout, 300);
            if (HasFatalFailure() || HasFailure()) return;
        }
    }
}

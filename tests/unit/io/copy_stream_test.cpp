// COPY FROM reads its file in blocks: records (quoted fields with newlines and delimiters in them) that straddle
// block boundaries load whole, line numbers in errors count from the start of the file, the header is skipped
// once, and a failure anywhere loads nothing.
#include <gtest/gtest.h>

#include <fstream>

#include "io/io_extensions.hpp"
#include "sql_test_util.hpp"

namespace basalt {
namespace {

// About 24 MB: several of COPY's 8 MB blocks.
constexpr int kRows = 200000;

std::string write_csv(const std::string& path, int bad_line) {
    std::ofstream out(path, std::ios::binary);
    out << "id,note,amount\n";
    for (int i = 1; i <= kRows; i++) {
        std::string note = "row " + std::to_string(i) + std::string(80, 'x');
        if (i % 997 == 0) note = "\"a quoted, \"\"multi\"\"\nline note " + std::to_string(i) + "\"";
        out << i << "," << note << "," << (i == bad_line ? std::string("not a number") : std::to_string(i % 1000) + ".25") << "\n";
    }
    return path;
}

TEST(CopyStream, RecordsAcrossBlocksLoadWhole) {
    std::string dir = test::temp_dir("copy-stream");
    std::filesystem::create_directories(dir);
    std::string path = write_csv(dir + "/data.csv", -1);
    Database db(2);
    install_io_extensions(db);
    Connection c(db);
    c.query("CREATE TABLE t (id INTEGER, note VARCHAR, amount DECIMAL(10,2))");
    EXPECT_EQ(test::text(c, "COPY t FROM '" + path + "' (FORMAT csv, HEADER true)"), "");
    EXPECT_EQ(test::text(c, "SELECT count(*), sum(id), count(*) FILTER (WHERE note LIKE 'a quoted, \"multi\"%') FROM t"),
              std::to_string(kRows) + "|" + std::to_string(int64_t{kRows} * (kRows + 1) / 2) + "|" + std::to_string(kRows / 997) + "\n");
    EXPECT_EQ(test::text(c, "SELECT note FROM t WHERE id = 997 * 100"), "a quoted, \"multi\"\nline note 99700\n");
    std::filesystem::remove_all(dir);
}

TEST(CopyStream, AnErrorNamesItsLineAndLoadsNothing) {
    std::string dir = test::temp_dir("copy-stream-error");
    std::filesystem::create_directories(dir);
    int bad = kRows - 10;
    std::string path = write_csv(dir + "/data.csv", bad);
    Database db(2);
    install_io_extensions(db);
    Connection c(db);
    c.query("CREATE TABLE t (id INTEGER, note VARCHAR, amount DECIMAL(10,2))");
    std::string message;
    try {
        c.query("COPY t FROM '" + path + "' (FORMAT csv, HEADER true)");
    } catch (const Error& e) {
        message = e.what();
        EXPECT_EQ(std::string(e.sql_state()), "22P02");
    }
    // Line: the header, one line per record, and one more for each multi-line record before it.
    int line = 1 + bad + (bad - 1) / 997;
    EXPECT_NE(message.find("line " + std::to_string(line) + ","), std::string::npos) << message;
    EXPECT_EQ(test::text(c, "SELECT count(*) FROM t"), "0\n");
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace basalt

// The project's sqllogictest runner: runs tests/sql/**/*.test against a fresh in-memory database per file.
// Records: `statement ok`, `statement error [SQLSTATE]`, `query <types> [rowsort|nosort]` followed by SQL, a
// `----` line and the expected rows (values separated by a tab; NULL, (empty) for '', true/false).
// A header may end with `@name` to run the record on another session of the same database (created on first
// use), for tests of transactions and concurrency.
// Usage: basalt_sqllogictest [--threads N] [--slow] PATH...   (files or directories)
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/io_extensions.hpp"
#include "main/connection.hpp"
#include "parser/parser.hpp"

using namespace basalt;
namespace fs = std::filesystem;

namespace {

struct Record {
    std::string kind;  // statement / query
    std::vector<std::string> header;
    std::string sql;
    std::vector<std::string> expected;
    int line = 0;
    std::string session;  // "" is the default session
};

std::vector<std::string> split_words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

std::vector<Record> read_records(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    std::vector<Record> records;
    size_t i = 0;
    while (i < lines.size()) {
        const std::string& l = lines[i];
        if (l.empty() || l[0] == '#') {
            i++;
            continue;
        }
        auto words = split_words(l);
        if (words[0] == "halt") break;
        if (words[0] != "statement" && words[0] != "query") {
            // Unknown directives (skipif, onlyif, mode, ...) are not used by this project.
            std::cerr << path << ":" << i + 1 << ": unknown directive: " << l << "\n";
            records.push_back({"invalid", words, l, {}, static_cast<int>(i + 1)});
            i++;
            continue;
        }
        Record r;
        r.kind = words[0];
        if (words.size() > 1 && words.back()[0] == '@') {
            r.session = words.back().substr(1);
            words.pop_back();
        }
        r.header = words;
        r.line = static_cast<int>(i + 1);
        i++;
        std::string sql;
        while (i < lines.size() && !lines[i].empty() && lines[i] != "----") {
            sql += lines[i] + "\n";
            i++;
        }
        r.sql = sql;
        if (i < lines.size() && lines[i] == "----") {
            i++;
            while (i < lines.size() && !lines[i].empty()) {
                r.expected.push_back(lines[i]);
                i++;
            }
        }
        records.push_back(std::move(r));
    }
    return records;
}

std::string format_value(const Vector& v, idx_t row) {
    if (v.is_null(row)) return "NULL";
    Value value = v.get_value(row);
    std::string s = value.to_string();
    if (s.empty() && value.type().is_string()) return "(empty)";
    return s;
}

struct Totals {
    int passed = 0;
    int failed = 0;
};

void fail(const std::string& path, const Record& r, const std::string& why, Totals& totals) {
    totals.failed++;
    std::cerr << "FAIL " << path << ":" << r.line << "\n" << r.sql << why << "\n\n";
}

void run_file(const std::string& path, int threads, Totals& totals) {
    Database database(threads);
    install_io_extensions(database);
    std::map<std::string, std::unique_ptr<Connection>> sessions;
    for (const Record& r : read_records(path)) {
        auto& session = sessions[r.session];
        if (!session) session = std::make_unique<Connection>(database);
        Connection& connection = *session;
        if (r.kind == "invalid") {
            fail(path, r, "unknown record type", totals);
            continue;
        }
        std::string error_state, error_message;
        QueryResult result;
        try {
            auto statements = parse_sql(r.sql);
            for (auto& s : statements) {
                result = connection.execute(*s);
                result.materialize();
            }
        } catch (const Error& e) {
            error_state = e.sql_state();
            error_message = e.what();
        } catch (const std::exception& e) {
            error_state = "crash";
            error_message = e.what();
        }
        if (r.kind == "statement") {
            bool expect_error = r.header.size() > 1 && r.header[1] == "error";
            if (!expect_error) {
                if (!error_state.empty()) {
                    fail(path, r, "expected success, got " + error_state + ": " + error_message, totals);
                } else {
                    totals.passed++;
                }
                continue;
            }
            if (error_state.empty()) {
                fail(path, r, "expected an error, statement succeeded", totals);
            } else if (r.header.size() > 2 && r.header[2] != error_state) {
                fail(path, r, "expected SQLSTATE " + r.header[2] + ", got " + error_state + ": " + error_message, totals);
            } else {
                totals.passed++;
            }
            continue;
        }
        // query
        if (!error_state.empty()) {
            fail(path, r, "query failed: " + error_state + ": " + error_message, totals);
            continue;
        }
        std::string types = r.header.size() > 1 ? r.header[1] : "";
        std::string sort = r.header.size() > 2 ? r.header[2] : "nosort";
        if (!types.empty() && types.size() != result.names.size()) {
            fail(path, r, "expected " + std::to_string(types.size()) + " columns, got " + std::to_string(result.names.size()), totals);
            continue;
        }
        std::vector<std::string> actual;
        for (const auto& chunk : result.chunks) {
            for (idx_t row = 0; row < chunk->size(); row++) {
                std::string line;
                for (idx_t c = 0; c < chunk->column_count(); c++) {
                    if (c) line += '\t';
                    line += format_value(chunk->column(c), row);
                }
                actual.push_back(line);
            }
        }
        std::vector<std::string> expected = r.expected;
        if (sort == "rowsort") {
            std::sort(actual.begin(), actual.end());
            std::sort(expected.begin(), expected.end());
        }
        if (actual != expected) {
            std::string why = "expected:\n";
            for (const auto& e : expected) why += "  " + e + "\n";
            why += "actual:\n";
            for (const auto& a : actual) why += "  " + a + "\n";
            fail(path, r, why, totals);
        } else {
            totals.passed++;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 2;
    bool slow = false;
    std::vector<std::string> files;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc) {
            threads = std::atoi(argv[++i]);
        } else if (a == "--slow") {
            slow = true;
        } else if (fs::is_directory(a)) {
            for (const auto& e : fs::recursive_directory_iterator(a)) {
                std::string p = e.path().string();
                if (p.ends_with(".test") || (slow && p.ends_with(".test_slow"))) files.push_back(p);
            }
        } else {
            files.push_back(a);
        }
    }
    std::sort(files.begin(), files.end());
    Totals totals;
    for (const auto& f : files) {
        Totals file_totals;
        run_file(f, threads, file_totals);
        if (file_totals.failed > 0) std::cerr << f << ": " << file_totals.failed << " failed\n";
        totals.passed += file_totals.passed;
        totals.failed += file_totals.failed;
    }
    std::cout << files.size() << " files\n" << totals.passed << " passed, " << totals.failed << " failed\n";
    return totals.failed == 0 ? 0 : 1;
}

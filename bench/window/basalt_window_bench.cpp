// Times the window benchmark queries (bench/window/queries.sql) in Basalt: creates the table with `rows` rows,
// runs each query `runs` times on `threads` workers and writes one JSON line per query with every run's time
// (ms) and the first run's rows, for run.sh to compare with DuckDB.
// usage: basalt_window_bench QUERIES_SQL [--rows N] [--threads N] [--runs N]
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "common/error.hpp"
#include "main/connection.hpp"

using namespace basalt;

namespace {

struct Query {
    std::string name, sql;
};

// "-- name" lines start a query; its SQL is the next non-empty line. ROWS is replaced by the row count.
std::vector<Query> read_queries(const std::string& path, const std::string& rows) {
    std::ifstream in(path);
    std::vector<Query> out;
    std::string line, name;
    while (std::getline(in, line)) {
        if (line.rfind("-- ", 0) == 0 && line.find(' ', 3) == std::string::npos) {
            name = line.substr(3);
        } else if (!line.empty() && line.rfind("--", 0) != 0 && !name.empty()) {
            for (size_t p; (p = line.find("ROWS)")) != std::string::npos;) line.replace(p, 4, rows);
            out.push_back({name, line});
            name.clear();
        }
    }
    return out;
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: basalt_window_bench QUERIES_SQL [--rows N] [--threads N] [--runs N]\n";
        return 2;
    }
    std::string rows = "1000000";
    int threads = 1, runs = 5;
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--rows") rows = argv[i + 1];
        if (a == "--threads") threads = std::atoi(argv[i + 1]);
        if (a == "--runs") runs = std::atoi(argv[i + 1]);
    }
    Database database(threads);
    Connection connection(database);
    try {
        for (const Query& q : read_queries(argv[1], rows)) {
            if (q.name == "setup") {
                connection.query(q.sql);
                continue;
            }
            std::vector<double> times;
            std::string answer;
            for (int r = 0; r < runs; r++) {
                auto start = std::chrono::steady_clock::now();
                QueryResult result = connection.query(q.sql);
                times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
                if (r == 0) {
                    for (idx_t c = 0; c < result.types.size(); c++) answer += (c ? "|" : "") + result.get_value(c, 0).to_string();
                }
            }
            std::cout << "{\"query\":" << json_string(q.name) << ",\"times_ms\":[";
            for (size_t i = 0; i < times.size(); i++) std::cout << (i ? "," : "") << times[i];
            std::cout << "],\"answer\":" << json_string(answer) << "}" << std::endl;
        }
    } catch (const Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

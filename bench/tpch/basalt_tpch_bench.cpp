// Times the 22 TPC-H queries in Basalt: loads the .tbl files of one scale, runs each query `runs` times on
// `threads` workers, and writes one JSON line per query with every run's time (ms) and the first run's rows,
// so a driver can compare answers with another engine and compute medians.
// usage: basalt_tpch_bench DATA_DIR QUERIES_DIR SCHEMA_SQL [--threads N] [--runs N]
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/result_printer.hpp"
#include "common/error.hpp"
#include "io/io_extensions.hpp"
#include "main/connection.hpp"

using namespace basalt;

namespace {
std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: basalt_tpch_bench DATA_DIR QUERIES_DIR SCHEMA_SQL [--threads N] [--runs N]\n";
        return 2;
    }
    std::string data = argv[1], queries = argv[2], schema = argv[3];
    int threads = 1, runs = 3;
    for (int i = 4; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--threads") threads = std::atoi(argv[i + 1]);
        if (a == "--runs") runs = std::atoi(argv[i + 1]);
    }
    Database database(threads);
    install_io_extensions(database);
    Connection connection(database);
    try {
        auto start = std::chrono::steady_clock::now();
        connection.query(read(schema));
        for (const char* t : {"region", "nation", "part", "supplier", "partsupp", "customer", "orders", "lineitem"}) {
            connection.query("COPY " + std::string(t) + " FROM '" + data + "/" + t + ".tbl' (FORMAT csv, DELIMITER '|')");
        }
        double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        std::cout << "{\"load_ms\":" << load_ms << "}" << std::endl;
        for (int q = 1; q <= 22; q++) {
            char name[8];
            snprintf(name, sizeof name, "q%02d", q);
            std::string sql = read(queries + "/" + name + ".sql");
            std::vector<double> times;
            QueryResult first;
            for (int r = 0; r < runs; r++) {
                auto s = std::chrono::steady_clock::now();
                QueryResult result = connection.query(sql);
                times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
                if (r == 0) first = std::move(result);
            }
            std::ostringstream rows;
            print_result(rows, first, OutputFormat::kJson);
            std::string json = rows.str();
            while (!json.empty() && json.back() == '\n') json.pop_back();
            std::cout << "{\"query\":\"" << name << "\",\"times_ms\":[";
            for (size_t i = 0; i < times.size(); i++) std::cout << (i ? "," : "") << times[i];
            std::cout << "],\"result\":" << json << "}" << std::endl;
        }
    } catch (const Error& e) {
        std::cerr << "basalt_tpch_bench: " << e.sql_state() << " " << e.what() << "\n";
        return 1;
    }
    return 0;
}

// The basalt command: `basalt [--db DIR [--read-only]] [-c SQL]... [-f FILE] [--format table|csv|json] [-i]` runs SQL or an
// interactive shell; `basalt generate tpch --sf N --out DIR` writes TPC-H data files.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/shell.hpp"
#include "common/error.hpp"
#include "io/io_extensions.hpp"
#include "io/tpch/tpch_generator.hpp"

using namespace basalt;

namespace {

void usage(std::ostream& out) {
    out << "usage: basalt [--db DIR [--read-only]] [-c SQL]... [-f FILE] [--format table|csv|json] [--threads N] [-i]\n"
           "       basalt generate tpch --sf N --out DIR [--threads N]\n";
}

int generate(int argc, char** argv) {
    if (argc < 3 || std::string(argv[2]) != "tpch") {
        usage(std::cerr);
        return 2;
    }
    double sf = 1;
    std::string out;
    int threads = TaskScheduler::default_thread_count();
    for (int i = 3; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--sf" && i + 1 < argc) {
            char* end;
            sf = std::strtod(argv[++i], &end);
            if (*end != 0 || !(sf > 0)) {
                std::cerr << "basalt: --sf needs a positive number\n";
                return 2;
            }
        } else if (a == "--out" && i + 1 < argc) {
            out = argv[++i];
        } else if (a == "--threads" && i + 1 < argc) {
            threads = std::max(1, std::atoi(argv[++i]));
        } else {
            usage(std::cerr);
            return 2;
        }
    }
    if (out.empty()) {
        std::cerr << "basalt: generate tpch needs --out DIR\n";
        return 2;
    }
    bool tty = isatty(STDERR_FILENO);
    std::mutex progress_mutex;
    try {
        generate_tpch_files(sf, out, threads, [&](const char* table, int64_t rows) {
            if (!tty) return;
            std::lock_guard lock(progress_mutex);
            std::cerr << fmt::format("\r{:<10} {:>12} rows", table, rows) << std::flush;
        });
    } catch (const std::exception& e) {
        std::cerr << "\nbasalt: " << e.what() << "\n";
        return 1;
    }
    if (tty) std::cerr << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string(argv[1]) == "generate") return generate(argc, argv);
    std::vector<std::pair<char, std::string>> actions;  // 'c' sql, 'f' file
    OutputFormat format = OutputFormat::kTable;
    bool interactive = false;
    bool read_only = false;
    int threads = 0;
    std::string db;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto need = [&](const char* what) -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "basalt: " << a << " needs " << what << "\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "-c" || a == "--command") {
            actions.emplace_back('c', need("an SQL string"));
        } else if (a == "-f" || a == "--file") {
            actions.emplace_back('f', need("a file name"));
        } else if (a == "--format") {
            std::string f = need("table, csv or json");
            if (f == "table") format = OutputFormat::kTable;
            else if (f == "csv") format = OutputFormat::kCsv;
            else if (f == "json") format = OutputFormat::kJson;
            else {
                std::cerr << "basalt: unknown format " << f << "\n";
                return 2;
            }
        } else if (a == "--db") {
            db = need("a directory");
        } else if (a == "--read-only") {
            read_only = true;
        } else if (a == "--threads") {
            threads = std::atoi(need("a number").c_str());
        } else if (a == "-i" || a == "--interactive") {
            interactive = true;
        } else if (a == "-h" || a == "--help") {
            usage(std::cout);
            return 0;
        } else {
            std::cerr << "basalt: unknown argument " << a << "\n";
            usage(std::cerr);
            return 2;
        }
    }
    std::unique_ptr<Database> opened;
    try {
        if (read_only && db.empty()) {
            std::cerr << "basalt: --read-only needs --db\n";
            return 2;
        }
        opened = std::make_unique<Database>(threads, db, nullptr, read_only);
    } catch (const Error& e) {
        std::cerr << "basalt: " << e.what() << " (SQLSTATE " << e.sql_state() << ")\n";
        return 1;
    }
    Database& database = *opened;
    install_io_extensions(database);
    Connection connection(database);
    cancel_on_interrupt_signal(connection);
    // The bar goes to standard error, and only to a terminal: redirected output never holds one.
    std::unique_ptr<ProgressBar> progress;
    if (isatty(STDERR_FILENO)) progress = std::make_unique<ProgressBar>(connection, stderr);
    bool ok = true;
    for (const auto& [kind, arg] : actions) {
        std::string sql = arg;
        if (kind == 'f') {
            std::ifstream in(arg);
            if (!in) {
                std::cerr << "basalt: cannot read " << arg << "\n";
                return 2;
            }
            std::stringstream ss;
            ss << in.rdbuf();
            sql = ss.str();
        }
        ok = run_sql(connection, sql, format, false, progress.get()) && ok;
        if (!ok && !interactive) break;
    }
    if (interactive || (actions.empty() && isatty(STDIN_FILENO))) return run_shell(connection, format, progress.get());
    if (actions.empty()) return run_stream(connection, std::cin, format, progress.get());  // SQL on standard input
    return ok ? 0 : 1;
}

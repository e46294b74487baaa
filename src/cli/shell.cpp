#include "cli/shell.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <editline/readline.h>
#include <fmt/format.h>

#include "parser/parser.hpp"

namespace basalt {

namespace {
// The connection Ctrl-C cancels. A signal handler reaches nothing but globals; this is the command's one session.
std::atomic<Connection*> interrupt_target{nullptr};

extern "C" void on_interrupt_signal(int) {
    // Connection::interrupt() is one lock-free atomic store: safe in a signal handler.
    if (Connection* c = interrupt_target.load()) c->interrupt();
}
}  // namespace

void cancel_on_interrupt_signal(Connection& connection) {
    interrupt_target.store(&connection);
    struct sigaction action {};
    action.sa_handler = on_interrupt_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;  // a read at the prompt goes on; only the running statement is cancelled
    sigaction(SIGINT, &action, nullptr);
}

bool run_sql(Connection& connection, const std::string& sql, OutputFormat format, bool timing, ProgressBar* progress) {
    // Erases the bar however the statement ends; an error is printed only after this ran (unwinding first).
    struct BarScope {
        ProgressBar* bar;
        explicit BarScope(ProgressBar* b) : bar(b) {
            if (bar) bar->statement_started();
        }
        ~BarScope() {
            if (bar) bar->clear();
        }
    };
    try {
        auto statements = parse_sql(sql);
        for (const auto& s : statements) {
            BarScope bar(progress);
            auto start = std::chrono::steady_clock::now();
            QueryResult r = connection.execute(*s);
            double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
            print_result(std::cout, r, format, [progress] {
                if (progress) progress->clear();
            });
            if (timing) std::cout << fmt::format("Time: {:.3f} ms\n", ms);
        }
        return true;
    } catch (const Error& e) {
        std::cout.flush();
        print_error(format == OutputFormat::kJson ? std::cout : std::cerr, e, sql, format);
        return false;
    } catch (const std::bad_alloc&) {
        std::cout.flush();
        print_error(format == OutputFormat::kJson ? std::cout : std::cerr, Error(sql_state::kOutOfMemory, "out of memory"), sql, format);
        return false;
    } catch (const std::exception& e) {
        std::cout.flush();
        print_error(format == OutputFormat::kJson ? std::cout : std::cerr,
                    Error(sql_state::kInternalError, std::string("internal error: ") + e.what()), sql, format);
        return false;
    }
}

// True when buf holds a complete statement: ends with ';' outside quotes and comments.
bool statement_complete(const std::string& buf) {
    bool in_single = false, in_double = false, in_line_comment = false;
    int block_comment = 0;
    char last = 0;
    for (size_t i = 0; i < buf.size(); i++) {
        char c = buf[i];
        char next = i + 1 < buf.size() ? buf[i + 1] : 0;
        if (in_line_comment) {
            if (c == '\n') in_line_comment = false;
            continue;
        }
        if (block_comment > 0) {
            if (c == '*' && next == '/') {
                block_comment--;
                i++;
            } else if (c == '/' && next == '*') {
                block_comment++;
                i++;
            }
            continue;
        }
        if (in_single) {
            if (c == '\'') in_single = false;
            continue;
        }
        if (in_double) {
            if (c == '"') in_double = false;
            continue;
        }
        if (c == '\'') in_single = true;
        else if (c == '"') in_double = true;
        else if (c == '-' && next == '-') in_line_comment = true;
        else if (c == '/' && next == '*') {
            block_comment++;
            i++;
        }
        if (!std::isspace(static_cast<unsigned char>(c)) && !in_line_comment) last = c;
    }
    return last == ';' && !in_single && !in_double && block_comment == 0;
}

int run_stream(Connection& connection, std::istream& in, OutputFormat format, ProgressBar* progress) {
    std::string buffer, line;
    while (std::getline(in, line)) {
        buffer += line;
        buffer += '\n';
        if (!statement_complete(buffer)) continue;
        bool ok = run_sql(connection, buffer, format, false, progress);
        std::cout.flush();
        if (!ok) return 1;
        buffer.clear();
    }
    bool blank = buffer.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!blank && !run_sql(connection, buffer, format, false, progress)) return 1;
    return 0;
}

namespace {

void describe(Connection& connection, const std::string& arg, OutputFormat format, ProgressBar* progress) {
    if (arg.empty()) {
        run_sql(connection,
                "SELECT schema_name AS \"Schema\", name AS \"Name\", kind AS \"Type\" FROM basalt_tables() ORDER BY 1, 2;", format,
                false, progress);
        return;
    }
    std::string table = arg;
    run_sql(connection,
            fmt::format("SELECT column_name AS \"Column\", data_type AS \"Type\", CASE WHEN not_null THEN 'not null' ELSE '' END AS "
                        "\"Nullable\" FROM basalt_columns('{}') ;",
                        table),
            format, false, progress);
}

}  // namespace

int run_shell(Connection& connection, OutputFormat format, ProgressBar* progress) {
    bool timing = false;
    std::string history_path;
    if (const char* home = std::getenv("HOME")) history_path = std::string(home) + "/.basalt_history";
    using_history();
    if (!history_path.empty()) read_history(history_path.c_str());
    std::cout << "Basalt shell. End statements with ';'. \\q quits, \\d lists tables, \\timing toggles timing.\n";
    std::string buffer;
    while (true) {
        const char* prompt = buffer.empty() ? "basalt=> " : "basalt-> ";
        char* line = readline(prompt);
        if (!line) break;
        std::string text(line);
        free(line);
        std::string trimmed = text;
        while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.erase(trimmed.begin());
        if (buffer.empty() && !trimmed.empty() && trimmed[0] == '\\') {
            add_history(text.c_str());
            std::string cmd = trimmed.substr(1);
            std::string arg;
            size_t space = cmd.find(' ');
            if (space != std::string::npos) {
                arg = cmd.substr(space + 1);
                cmd = cmd.substr(0, space);
                while (!arg.empty() && std::isspace(static_cast<unsigned char>(arg.back()))) arg.pop_back();
            }
            if (cmd == "q" || cmd == "quit") break;
            if (cmd == "timing") {
                timing = !timing;
                std::cout << "Timing is " << (timing ? "on." : "off.") << "\n";
            } else if (cmd == "d" || cmd == "dt") {
                describe(connection, arg, format, progress);
            } else if (cmd == "?" || cmd == "help") {
                std::cout << "\\q quit   \\d [table] describe   \\timing toggle timing\n";
            } else {
                std::cout << "invalid command \\" << cmd << "; try \\?\n";
            }
            continue;
        }
        if (trimmed.empty() && buffer.empty()) continue;
        buffer += text;
        buffer += '\n';
        if (!statement_complete(buffer)) continue;
        add_history(buffer.substr(0, buffer.size() - 1).c_str());
        run_sql(connection, buffer, format, timing, progress);
        buffer.clear();
    }
    if (!history_path.empty()) write_history(history_path.c_str());
    return 0;
}

}  // namespace basalt

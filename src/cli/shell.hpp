// The interactive shell: line editing and history (libedit), multi-line statements, backslash commands.
#pragma once

#include <istream>

#include "cli/progress_bar.hpp"
#include "cli/result_printer.hpp"
#include "main/connection.hpp"

namespace basalt {

// Runs SQL text, printing results or the error; returns false when a statement failed. `progress` (null when
// standard error is not a terminal) shows how far each statement has come while it runs.
bool run_sql(Connection& connection, const std::string& sql, OutputFormat format, bool timing, ProgressBar* progress = nullptr);
// Ctrl-C (SIGINT) cancels the statement running on `connection` (57014) instead of ending the process; the
// session and its open transaction block stay, as in psql.
void cancel_on_interrupt_signal(Connection& connection);
int run_shell(Connection& connection, OutputFormat format, ProgressBar* progress = nullptr);
// True when buf ends with ';' outside quotes and comments (a statement is complete).
bool statement_complete(const std::string& buf);
// Runs statements from a stream (standard input that is not a terminal) one at a time as they arrive,
// flushing each result, so a pipe sees every result before the next statement is read. Stops at the first
// error (exit code 1).
int run_stream(Connection& connection, std::istream& in, OutputFormat format, ProgressBar* progress = nullptr);

}  // namespace basalt

// The interactive shell: line editing and history (libedit), multi-line statements, backslash commands.
#pragma once

#include "cli/result_printer.hpp"
#include "main/connection.hpp"

namespace basalt {

// Runs SQL text, printing results or the error; returns false when a statement failed.
bool run_sql(Connection& connection, const std::string& sql, OutputFormat format, bool timing);
int run_shell(Connection& connection, OutputFormat format);

}  // namespace basalt

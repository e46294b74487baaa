// Prints query results as an aligned table (psql-like), CSV, or JSON, and errors with SQLSTATE and a caret.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "common/error.hpp"
#include "main/query_result.hpp"

namespace basalt {

enum class OutputFormat { kTable, kCsv, kJson };

// Text of one value as clients see it (NULL as empty/absent is the printer's business).
std::string value_text(const Vector& v, idx_t row);

// Reads the result (streamed ones as they arrive); an error while streaming is thrown after the rows before it.
// before_output, when set, runs once just before the first character is written (the shell erases its
// progress bar there, so the bar stays up while the rows are still being computed).
void print_result(std::ostream& out, QueryResult& result, OutputFormat format, const std::function<void()>& before_output = {});
void print_error(std::ostream& out, const Error& error, const std::string& sql, OutputFormat format);
std::string json_escape(std::string_view s);

}  // namespace basalt

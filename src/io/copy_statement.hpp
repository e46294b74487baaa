// COPY FROM/TO for CSV and PostgreSQL text format.
#pragma once

#include <string_view>

#include "io/csv_reader.hpp"
#include "main/connection.hpp"

namespace basalt {

QueryResult execute_copy(Connection& connection, const Statement& statement);
// Loads whole records of text (see parse_csv for first_line and at_start) into the table, in the current
// transaction; returns the rows loaded.
idx_t load_csv_into_table(Connection& connection, TableEntry& table, const std::vector<idx_t>& columns, std::string_view text,
                          const CsvOptions& options, const std::string& source, idx_t first_line = 1, bool at_start = true);

}  // namespace basalt

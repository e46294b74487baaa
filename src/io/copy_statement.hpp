// COPY FROM/TO for CSV and PostgreSQL text format.
#pragma once

#include <string_view>

#include "io/csv_reader.hpp"
#include "main/connection.hpp"

namespace basalt {

QueryResult execute_copy(Connection& connection, const Statement& statement);
idx_t load_csv_into_table(Connection& connection, TableEntry& table, const std::vector<idx_t>& columns, std::string_view text,
                          const CsvOptions& options, const std::string& source);

}  // namespace basalt

// CALL dbgen(sf => N): creates the 8 TPC-H tables in the current database and fills them from the generator.
#pragma once

#include "main/connection.hpp"

namespace basalt {

QueryResult execute_call(Connection& connection, const Statement& statement);
// The TPC-H schema (PostgreSQL types, primary keys), as CREATE TABLE statements.
const char* tpch_schema_sql();

}  // namespace basalt

// SQL text to Basalt's syntax tree, through libpg_query (PostgreSQL 15's own grammar). Syntax errors carry
// SQLSTATE 42601 and the 1-based position PostgreSQL reports.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "parser/ast.hpp"

namespace basalt {

std::vector<std::unique_ptr<Statement>> parse_sql(const std::string& sql);
// Parses one expression (column defaults, generated SQL).
ParsedExprPtr parse_expression(const std::string& sql);

// For generated SQL: "name" with inner double quotes doubled, and 'text' with inner single quotes doubled.
std::string quote_identifier(const std::string& name);
std::string quote_literal(const std::string& text);

}  // namespace basalt

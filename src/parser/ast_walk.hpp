// Reads facts off a syntax tree without binding it: which relations a query names (view dependencies).
#pragma once

#include <string>
#include <vector>

#include "parser/ast.hpp"

namespace basalt {

// Appends the (unqualified) names of every table or view the statement reads, including in subqueries.
void collect_relation_names(const SelectStmt& select, std::vector<std::string>& out);

}  // namespace basalt

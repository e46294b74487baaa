// Turns an optimized logical plan into physical operators, resolving column bindings into chunk positions.
#pragma once

#include <memory>

#include "execution/physical_operator.hpp"
#include "planner/logical_operator.hpp"

namespace basalt {

std::unique_ptr<PhysicalOperator> create_physical_plan(LogicalOperator& op);

// Rewrites column references into positions of bindings (the layout of the chunk the expression will read).
ExprPtr resolve_column_bindings(const Expression& expr, const std::vector<ColumnBinding>& bindings);

// Renders a physical plan as an indented tree; with stats, adds rows, time and memory per operator.
std::string explain_physical_plan(const PhysicalOperator& op, const QueryContext* stats);

}  // namespace basalt

// Rewrites a bound logical plan into a cheaper equivalent: predicates are pushed down to the scans that can
// evaluate them, inner joins and cross products are flattened into a join graph and reordered greedily by
// estimated size (never a cross product while a join predicate connects the parts), and equality
// predicates become hash-join keys.
#pragma once

#include "planner/logical_operator.hpp"

namespace basalt {

LogicalPtr optimize(LogicalPtr plan);

// Drops scan columns no expression reads (part of optimize()).
void prune_columns(LogicalOperator& root);

// Puts the predicates of each scan and filter in PostgreSQL's evaluation order, cheapest first (part of
// optimize()).
void order_predicates(LogicalOperator& root);

// Estimated output rows of an operator (row counts, fixed selectivities per predicate kind).
double estimate_rows(const LogicalOperator& op);

}  // namespace basalt

// Greedy join ordering over a join graph (relations + predicates between them).
#pragma once

#include <set>

#include "planner/logical_operator.hpp"

namespace basalt {

// Builds a tree of hash joins (smaller estimated side as the build side) that joins every relation,
// applying each predicate at the lowest join that covers it. Relations must already be optimized.
LogicalPtr order_joins(std::vector<LogicalPtr> relations, std::vector<ExprPtr> predicates);

std::set<uint32_t> referenced_tables(const Expression& e);

}  // namespace basalt

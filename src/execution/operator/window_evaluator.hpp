// Computes one window expression over its rows once they are sorted by PARTITION BY and ORDER BY keys. Whole
// partitions are independent, so the sorted rows are cut into ranges of whole partitions, balanced by row count,
// and the query's workers compute one range each. Within a partition the work is the serial one, in the same
// order, so results (floating-point sums too) do not depend on the number of threads.
#pragma once

#include <optional>
#include <vector>

#include "execution/physical_operator.hpp"
#include "planner/expression.hpp"
#include "vector/vector.hpp"

namespace basalt {

// The window's inputs, every vector gathered in the window's sort order (n rows each).
struct WindowInputs {
    std::vector<Vector> partitions, orders, args;
    std::optional<Vector> start_offset, end_offset, filter;
};

// Fills out[k] for every sorted position k < n. Uses at most query->threads workers; checks for a cancel every few
// thousand rows. A failure is the one the serial evaluation would meet first.
void evaluate_window_sorted(const WindowExpression& w, const WindowInputs& in, idx_t n, Vector& out, QueryContext& query);

}  // namespace basalt

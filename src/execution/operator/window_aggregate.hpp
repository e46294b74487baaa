// Aggregates used as window functions, over one partition's frames. Three ways, cheapest first: frames that only
// grow from the partition start feed each row once; aggregates with an associative combine use a segment tree;
// the rest (string_agg, percentiles, approx_count_distinct) aggregate each frame from scratch.
#pragma once

#include <vector>

#include "execution/physical_operator.hpp"
#include "function/function.hpp"
#include "vector/vector.hpp"

namespace basalt {

// args: the aggregate's arguments in frame order; the partition is rows [begin, end) of them. Row i of the
// partition aggregates rows [frame_start[i], frame_end[i]) (relative to begin) into out[out_offset + i]. A cancel
// of `query` is noticed every few thousand rows (a partition may hold every row of the table).
void evaluate_aggregate(const BoundAggregate& agg, const std::vector<Vector>& args, idx_t begin, idx_t end,
                        const std::vector<idx_t>& frame_start, const std::vector<idx_t>& frame_end, Vector& out,
                        idx_t out_offset, const QueryContext& query);

}  // namespace basalt

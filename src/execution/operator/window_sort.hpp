// Sorting a window's rows by PARTITION BY and ORDER BY: keys of fixed-width types are first encoded as unsigned
// integers that order as the values do, so the sort compares plain integers (sort_rows dispatches on the type
// of every key for every comparison, which dominated window queries over a million rows).
#pragma once

#include <vector>

#include "execution/column_data_collection.hpp"
#include "execution/operator/physical_order.hpp"

namespace basalt {

// Sorts row_ids as sort_rows does (ties keep input order), with the same result.
void sort_window_rows(const ColumnDataCollection& rows, const std::vector<SortKey>& keys, std::vector<uint64_t>& row_ids);

}  // namespace basalt

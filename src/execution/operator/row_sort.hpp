// Sorting rows of a ColumnDataCollection by key columns (ORDER BY, window partitions, ordered aggregates).
// Keys are first encoded per row into 64-bit words that compare as unsigned integers in the key's order
// (normalized keys: NULL placement, DESC, NaN above every number, strings by their first 8 bytes), so the sort
// compares a few machine words instead of dispatching on types per comparison. Rows whose words tie are
// compared in full when a key is a string (longer than its prefix) or has no encoding (intervals). Large inputs
// are cut into runs sorted by the query's workers, then merged pairwise, each merge split between workers at
// balanced positions (merge path).
//   (1) Ties keep input order (row id order): the result is the same however many workers sort.
#pragma once

#include <cstdint>
#include <vector>

#include "execution/physical_operator.hpp"

namespace basalt {

class ColumnDataCollection;

struct SortKey {
    idx_t column;
    bool descending;
    bool nulls_first;
};

// Sorts row_ids (ids into rows) by keys; keep >= 0 keeps only the first `keep` (top-N). query: whose workers
// sort and whose cancel request stops it (none: sort on this thread).
void sort_rows(const ColumnDataCollection& rows, const std::vector<SortKey>& keys, std::vector<uint64_t>& row_ids,
               int64_t keep = -1, QueryContext* query = nullptr);
// Compares two rows by keys (-1, 0, 1), NULLs placed as each key says.
int compare_collection_rows(const ColumnDataCollection& rows, const std::vector<SortKey>& keys, uint64_t a, uint64_t b);

}  // namespace basalt

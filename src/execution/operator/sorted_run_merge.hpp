// The last step of an external sort: sorted runs that went to temporary files are merged into one order,
// reading one block of each run at a time (a binary heap of the runs' current rows).
//   (1) Rows equal on every key come out in run order, then in order within their run: the same input gives
//       the same output.
#pragma once

#include <memory>
#include <vector>

#include "execution/operator/row_sort.hpp"
#include "execution/spill_partitions.hpp"

namespace basalt {

class SortedRunMerger {
public:
    // runs: each one partition of sorted rows (output columns, then key columns); keys index those columns.
    SortedRunMerger(std::vector<std::unique_ptr<SpillPartitions>> runs, std::vector<SortKey> keys);

    // Fills the first out.column_count() columns of up to kVectorSize next rows into out (copies that own their
    // strings); out.size() == 0 at the end.
    void next(QueryContext& query, DataChunk& out);

private:
    struct Cursor {
        DataChunk block;
        idx_t block_index = 0;
        idx_t row = 0;
        bool done = false;
    };
    void load(size_t run);
    // Whether run a's current row goes before run b's (invariant 1).
    bool before(size_t a, size_t b) const;
    void sift_down(size_t at);

    std::vector<std::unique_ptr<SpillPartitions>> runs_;
    std::vector<SortKey> keys_;
    std::vector<Cursor> cursors_;
    std::vector<size_t> heap_;  // runs with rows left; heap_[0] holds the smallest current row
    bool started_ = false;
};

}  // namespace basalt

#include "execution/operator/sorted_run_merge.hpp"

#include "vector/vector_operations.hpp"

namespace basalt {

SortedRunMerger::SortedRunMerger(std::vector<std::unique_ptr<SpillPartitions>> runs, std::vector<SortKey> keys)
    : runs_(std::move(runs)), keys_(std::move(keys)), cursors_(runs_.size()) {}

void SortedRunMerger::load(size_t run) {
    Cursor& c = cursors_[run];
    c.row = 0;
    if (c.block_index >= runs_[run]->block_count(0)) {
        c.done = true;
        c.block = DataChunk();
        return;
    }
    if (c.block.column_count() == 0) c.block.initialize(runs_[run]->types());
    runs_[run]->read(0, c.block_index++, c.block);
    if (c.block.size() == 0) load(run);
}

bool SortedRunMerger::before(size_t a, size_t b) const {
    const Cursor& x = cursors_[a];
    const Cursor& y = cursors_[b];
    for (const auto& k : keys_) {
        const Vector& va = x.block.column(k.column);
        const Vector& vb = y.block.column(k.column);
        bool na = va.is_null(x.row), nb = vb.is_null(y.row);
        if (na || nb) {
            if (na && nb) continue;
            // NULLs sort as if larger than every value unless NULLS FIRST says otherwise.
            return (na == k.nulls_first);
        }
        int c = compare_rows(va, x.row, vb, y.row);
        if (c != 0) return (k.descending ? -c : c) < 0;
    }
    return a < b;
}

void SortedRunMerger::sift_down(size_t at) {
    size_t n = heap_.size();
    while (true) {
        size_t smallest = at, left = 2 * at + 1, right = left + 1;
        if (left < n && before(heap_[left], heap_[smallest])) smallest = left;
        if (right < n && before(heap_[right], heap_[smallest])) smallest = right;
        if (smallest == at) return;
        std::swap(heap_[at], heap_[smallest]);
        at = smallest;
    }
}

void SortedRunMerger::next(QueryContext& query, DataChunk& out) {
    if (!started_) {
        started_ = true;
        for (size_t r = 0; r < runs_.size(); r++) {
            load(r);
            if (!cursors_[r].done) heap_.push_back(r);
        }
        for (size_t i = heap_.size(); i-- > 0;) sift_down(i);
    }
    query.check_interrupt();
    for (idx_t c = 0; c < out.column_count(); c++) out.column(c).reset();
    idx_t n = 0;
    while (n < kVectorSize && !heap_.empty()) {
        size_t run = heap_[0];
        Cursor& cursor = cursors_[run];
        // Take rows of this run while they stay ahead of the next-best run (long stretches copy at once).
        idx_t first = cursor.row;
        idx_t end = first;
        size_t runner_up = heap_.size() > 1 ? (heap_.size() > 2 && before(heap_[2], heap_[1]) ? heap_[2] : heap_[1]) : run;
        do {
            end++;
            cursor.row = end;
        } while (end < cursor.block.size() && n + (end - first) < kVectorSize && (runner_up == run || before(run, runner_up)));
        idx_t take = end - first;
        for (idx_t c = 0; c < out.column_count(); c++) vector_copy_owned(cursor.block.column(c), first, take, out.column(c), n);
        n += take;
        if (cursor.row >= cursor.block.size()) {
            load(run);
            if (cursor.done) {
                heap_[0] = heap_.back();
                heap_.pop_back();
            }
        }
        if (!heap_.empty()) sift_down(0);
    }
    out.set_size(n);
}

}  // namespace basalt

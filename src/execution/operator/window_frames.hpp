// Peer groups and frame bounds of one window partition, computed for all its rows at once: ROWS bounds by
// arithmetic, RANGE offset bounds by binary search over the sorted ORDER BY key (O(n log n); scanning the whole
// partition for each row was quadratic).
#pragma once

#include <vector>

#include "planner/expression.hpp"
#include "vector/vector.hpp"

namespace basalt {

// Role: owned by one worker evaluating a range of whole partitions of one window; not shared between threads.
// Every vector is in the window's sort order, indexed like the sorted row ids.
class WindowFrames {
public:
    // orders: the ORDER BY keys; start_offset / end_offset: the evaluated frame offsets (nullptr if none);
    // [first, last): the sorted positions whose partitions compute() will be asked for.
    WindowFrames(const WindowExpression& w, const std::vector<Vector>& orders, const Vector* start_offset,
                 const Vector* end_offset, idx_t first, idx_t last);

    // Fills the arrays below for the partition [begin, end) (inside [first, last)) of the sorted rows; positions
    // are relative to begin.
    // Frames are only computed when `frames` is true (ranking functions need peers alone).
    void compute(idx_t begin, idx_t end, bool frames);

    std::vector<idx_t> peer_start, peer_end;    // peer group [start, end) of each row
    std::vector<idx_t> frame_start, frame_end;  // frame [start, end) of each row; start <= end

private:
    enum class KeyKind { kNone, kExact, kFloat, kTime };
    struct Target;

    idx_t bound(FrameBound b, bool is_start, const Vector* offset, idx_t i);
    idx_t range_bound(bool preceding, bool is_start, const Vector& offset, idx_t i);
    int compare_key(idx_t k, const Target& t) const;

    const WindowExpression& w_;
    const std::vector<Vector>& orders_;
    const Vector* start_offset_;
    const Vector* end_offset_;
    idx_t begin_ = 0, size_ = 0;
    idx_t non_null_begin_ = 0, non_null_end_ = 0;  // RANGE with offsets: rows whose key is not NULL

    // The first ORDER BY key of positions [first, last), read once when a RANGE frame has an offset: exact numbers
    // as int128 at the key's scale, floats as double, dates and timestamps as microseconds; index position - first.
    idx_t key_base_ = 0;
    KeyKind key_kind_ = KeyKind::kNone;
    int key_scale_ = 0;
    std::vector<int128_t> exact_keys_;
    std::vector<double> float_keys_;
    std::vector<int64_t> time_keys_;
};

}  // namespace basalt

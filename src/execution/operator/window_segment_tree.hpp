// A segment tree of aggregate states (Leis et al., "Efficient Processing of Window Functions in Analytical SQL
// Queries", VLDB 2015): a frame of any shape costs O(log n) state combines instead of feeding every row of the
// frame again, so sliding frames are no longer O(n * frame).
#pragma once

#include <memory>
#include <vector>

#include "function/function.hpp"
#include "vector/vector.hpp"

namespace basalt {

// `count` states of one aggregate, initialized on construction and destroyed with the block.
class AggregateStates {
public:
    AggregateStates(const BoundAggregate& agg, idx_t count);
    ~AggregateStates();
    AggregateStates(const AggregateStates&) = delete;
    AggregateStates& operator=(const AggregateStates&) = delete;
    uint8_t* operator[](idx_t i) { return data_.get() + i * stride_; }
    idx_t size() const { return count_; }

private:
    const BoundAggregate& agg_;
    idx_t count_;
    size_t stride_;
    std::unique_ptr<uint8_t[]> data_;
};

// Feeds rows positions[k] of `args` into states[k] (k < count), gathering the arguments a vector at a time.
void feed_rows(const BoundAggregate& agg, const std::vector<Vector>& args, const sel_t* positions, uint8_t* const* states,
               idx_t count);

// Role: built per partition by the window aggregate evaluation; read-only once built.
class WindowSegmentTree {
public:
    // Aggregates whose combine is associative and costs O(1): the tree needs both.
    static bool supports(const BoundAggregate& agg);

    // The leaves are rows [begin, end) of `args` (one vector per argument, in frame order).
    WindowSegmentTree(const BoundAggregate& agg, const std::vector<Vector>& args, idx_t begin, idx_t end);

    // result[result_offset + i] = the aggregate over rows [frame_start[i], frame_end[i]) (relative to begin).
    void evaluate(const idx_t* frame_start, const idx_t* frame_end, idx_t count, Vector& result, idx_t result_offset) const;

private:
    static constexpr idx_t kFanout = 16;

    const BoundAggregate& agg_;
    const std::vector<Vector>& args_;
    idx_t begin_;
    std::vector<std::unique_ptr<AggregateStates>> levels_;  // levels_[l] is tree level l + 1; level 0 is the rows
};

}  // namespace basalt

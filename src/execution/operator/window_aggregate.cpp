#include "execution/operator/window_aggregate.hpp"

#include <algorithm>
#include <numeric>

#include "execution/operator/window_segment_tree.hpp"

namespace basalt {

namespace {

// Rows between two checks for a cancel.
constexpr idx_t kCheckRows = 4096;

// Feeds rows [from, to) (absolute positions) into one state.
void feed_range(const BoundAggregate& agg, const std::vector<Vector>& args, idx_t from, idx_t to, uint8_t* state,
                std::vector<sel_t>& positions, std::vector<uint8_t*>& states) {
    if (from >= to) return;
    positions.resize(to - from);
    std::iota(positions.begin(), positions.end(), static_cast<sel_t>(from));
    states.assign(to - from, state);
    feed_rows(agg, args, positions.data(), states.data(), to - from);
}

}  // namespace

void evaluate_aggregate(const BoundAggregate& agg, const std::vector<Vector>& args, idx_t begin, idx_t end,
                        const std::vector<idx_t>& frame_start, const std::vector<idx_t>& frame_end, Vector& out,
                        idx_t out_offset, const QueryContext& query) {
    idx_t size = frame_start.size();
    std::vector<sel_t> positions;
    std::vector<uint8_t*> states;
    // Frames anchored at the partition start whose end never moves back: one state, each row fed once.
    bool growing = true;
    for (idx_t i = 0; i < size && growing; i++) {
        growing = frame_start[i] == 0 && (i == 0 || frame_end[i] >= frame_end[i - 1]);
    }
    if (growing) {
        AggregateStates state(agg, 1);
        uint8_t* s = state[0];
        idx_t fed = 0;
        for (idx_t i = 0; i < size; i++) {
            if (i % kCheckRows == kCheckRows - 1) query.check_interrupt();
            feed_range(agg, args, begin + fed, begin + frame_end[i], s, positions, states);
            fed = std::max(fed, frame_end[i]);
            agg.finalize(&s, 1, out, out_offset + i, agg);
        }
        return;
    }
    if (WindowSegmentTree::supports(agg)) {
        WindowSegmentTree tree(agg, args, begin, end);
        for (idx_t i = 0; i < size; i += kCheckRows) {
            query.check_interrupt();
            idx_t count = std::min(kCheckRows, size - i);
            tree.evaluate(frame_start.data() + i, frame_end.data() + i, count, out, out_offset + i);
        }
        return;
    }
    // Frames aggregated from scratch can be large: check more often.
    for (idx_t i = 0; i < size; i++) {
        if (i % 256 == 255) query.check_interrupt();
        AggregateStates state(agg, 1);
        uint8_t* s = state[0];
        feed_range(agg, args, begin + frame_start[i], begin + frame_end[i], s, positions, states);
        agg.finalize(&s, 1, out, out_offset + i, agg);
    }
}

}  // namespace basalt

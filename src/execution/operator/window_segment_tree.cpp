#include "execution/operator/window_segment_tree.hpp"

#include <algorithm>
#include <string_view>

#include "vector/vector_operations.hpp"

namespace basalt {

// ---- AggregateStates --------------------------------------------------------------------------------------

AggregateStates::AggregateStates(const BoundAggregate& agg, idx_t count) : agg_(agg), count_(count) {
    // 16-byte strides keep int128 sums aligned.
    stride_ = (std::max<size_t>(agg.state_size, 1) + 15) / 16 * 16;
    data_.reset(new uint8_t[std::max<idx_t>(count, 1) * stride_]);  // operator new aligns to 16 bytes
    for (idx_t i = 0; i < count_; i++) agg_.initialize((*this)[i]);
}

AggregateStates::~AggregateStates() {
    if (agg_.destroy) {
        for (idx_t i = 0; i < count_; i++) agg_.destroy((*this)[i]);
    }
}

void feed_rows(const BoundAggregate& agg, const std::vector<Vector>& args, const sel_t* positions, uint8_t* const* states,
               idx_t count) {
    std::vector<Vector> gathered(args.size());
    std::vector<Vector*> pointers;
    for (auto& g : gathered) pointers.push_back(&g);
    for (idx_t done = 0; done < count;) {
        idx_t n = std::min<idx_t>(kVectorSize, count - done);
        for (size_t a = 0; a < args.size(); a++) vector_gather(args[a], positions + done, n, gathered[a]);
        agg.update(pointers, const_cast<uint8_t**>(states + done), n, agg);
        done += n;
    }
}

// ---- WindowSegmentTree ------------------------------------------------------------------------------------

bool WindowSegmentTree::supports(const BoundAggregate& agg) {
    // string_agg's combine depends on order and copies strings; percentiles keep every value; HyperLogLog
    // states are 4 KB each. Those are evaluated frame by frame instead.
    static const std::string_view kNames[] = {"count", "count_star", "sum",    "avg",         "min",
                                              "max",   "bool_and",   "bool_or", "every",      "stddev",
                                              "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop"};
    if (!agg.combine) return false;
    return std::find(std::begin(kNames), std::end(kNames), agg.name) != std::end(kNames);
}

WindowSegmentTree::WindowSegmentTree(const BoundAggregate& agg, const std::vector<Vector>& args, idx_t begin, idx_t end)
    : agg_(agg), args_(args), begin_(begin) {
    idx_t rows = end - begin;
    if (rows == 0) return;
    // Level 1: each node aggregates kFanout consecutive rows.
    auto first = std::make_unique<AggregateStates>(agg, (rows + kFanout - 1) / kFanout);
    std::vector<sel_t> positions(rows);
    std::vector<uint8_t*> targets(rows);
    for (idx_t r = 0; r < rows; r++) {
        positions[r] = static_cast<sel_t>(begin + r);
        targets[r] = (*first)[r / kFanout];
    }
    feed_rows(agg, args, positions.data(), targets.data(), rows);
    levels_.push_back(std::move(first));
    // Higher levels combine kFanout nodes of the level below, up to a single root.
    while (levels_.back()->size() > 1) {
        AggregateStates& below = *levels_.back();
        auto above = std::make_unique<AggregateStates>(agg, (below.size() + kFanout - 1) / kFanout);
        std::vector<uint8_t*> sources(below.size()), dests(below.size());
        for (idx_t j = 0; j < below.size(); j++) {
            sources[j] = below[j];
            dests[j] = (*above)[j / kFanout];
        }
        agg.combine(sources.data(), dests.data(), below.size(), agg);
        levels_.push_back(std::move(above));
    }
}

void WindowSegmentTree::evaluate(const idx_t* frame_start, const idx_t* frame_end, idx_t count, Vector& result,
                                 idx_t result_offset) const {
    std::vector<sel_t> raw_positions;
    std::vector<uint8_t*> raw_states, node_sources, node_states, outputs;
    for (idx_t done = 0; done < count;) {
        idx_t n = std::min<idx_t>(kVectorSize, count - done);
        AggregateStates out(agg_, n);
        raw_positions.clear();
        raw_states.clear();
        node_sources.clear();
        node_states.clear();
        // Collect every row and node each frame needs, then feed and combine them in two batched calls.
        for (idx_t i = 0; i < n; i++) {
            uint8_t* state = out[i];
            idx_t b = frame_start[done + i], e = frame_end[done + i];
            auto take = [&](size_t level, idx_t from, idx_t to) {
                for (idx_t k = from; k < to; k++) {
                    if (level == 0) {
                        raw_positions.push_back(static_cast<sel_t>(begin_ + k));
                        raw_states.push_back(state);
                    } else {
                        node_sources.push_back((*levels_[level - 1])[k]);
                        node_states.push_back(state);
                    }
                }
            };
            for (size_t level = 0; b < e; level++) {
                idx_t parent_b = b / kFanout, parent_e = e / kFanout;
                if (parent_b == parent_e) {
                    take(level, b, e);
                    break;
                }
                if (b % kFanout != 0) {
                    take(level, b, (parent_b + 1) * kFanout);
                    parent_b++;
                }
                if (e % kFanout != 0) take(level, parent_e * kFanout, e);
                b = parent_b;
                e = parent_e;
            }
        }
        if (!raw_positions.empty()) feed_rows(agg_, args_, raw_positions.data(), raw_states.data(), raw_positions.size());
        if (!node_sources.empty()) agg_.combine(node_sources.data(), node_states.data(), node_sources.size(), agg_);
        outputs.resize(n);
        for (idx_t i = 0; i < n; i++) outputs[i] = out[i];
        agg_.finalize(outputs.data(), n, result, result_offset + done, agg_);
        done += n;
    }
}

}  // namespace basalt

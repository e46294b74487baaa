#include "execution/operator/window_evaluator.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>

#include "common/error.hpp"
#include "execution/operator/window_aggregate.hpp"
#include "execution/operator/window_frames.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {

// Rows between two checks for a cancel.
constexpr idx_t kCheckRows = 4096;
// A worker gets at least this many rows: below it, handing out the work costs more than it saves.
constexpr idx_t kMinRowsPerTask = 4096;

// What every range of one window reads; read-only while the ranges run.
struct WindowShared {
    const WindowExpression& w;
    const WindowInputs& in;
    const std::vector<Vector>& aggregate_args;  // the arguments, compacted to the FILTER's rows when there is one
    const std::vector<idx_t>& kept_before;      // FILTER: kept rows among positions [0, k); empty without one
    bool uses_frame;

    idx_t kept(idx_t position) const { return w.filter ? kept_before[position] : position; }
};

// Where one worker stands: its frames, scratch arrays and output.
struct RangeState {
    WindowFrames frames;
    std::vector<idx_t> agg_start, agg_end;
};

// Computes the partition [ps, pe) of the sorted rows into out, whose position `o` is sorted position ps.
void evaluate_partition(const WindowShared& s, RangeState& r, idx_t ps, idx_t pe, Vector& out, idx_t o, const QueryContext& query) {
    const WindowExpression& w = s.w;
    const std::vector<Vector>& args = s.in.args;
    WindowFrames& frames = r.frames;
    idx_t size = pe - ps;
    auto copy_row = [&](const Vector& from, idx_t source, idx_t target) { vector_copy(from, source, 1, out, target); };
    frames.compute(ps, pe, s.uses_frame);
    const auto& peer_start = frames.peer_start;
    const auto& peer_end = frames.peer_end;
    switch (w.kind) {
        case WindowFunctionKind::kRowNumber:
            for (idx_t i = 0; i < size; i++) out.data<int64_t>()[o + i] = static_cast<int64_t>(i + 1);
            break;
        case WindowFunctionKind::kRank:
            for (idx_t i = 0; i < size; i++) out.data<int64_t>()[o + i] = static_cast<int64_t>(peer_start[i] + 1);
            break;
        case WindowFunctionKind::kDenseRank: {
            int64_t rank = 0;
            for (idx_t i = 0; i < size; i++) {
                if (peer_start[i] == i) rank++;
                out.data<int64_t>()[o + i] = rank;
            }
            break;
        }
        case WindowFunctionKind::kPercentRank:
            for (idx_t i = 0; i < size; i++) {
                out.data<double>()[o + i] = size > 1 ? static_cast<double>(peer_start[i]) / static_cast<double>(size - 1) : 0.0;
            }
            break;
        case WindowFunctionKind::kCumeDist:
            for (idx_t i = 0; i < size; i++) {
                out.data<double>()[o + i] = static_cast<double>(peer_end[i]) / static_cast<double>(size);
            }
            break;
        case WindowFunctionKind::kNtile:
            for (idx_t i = 0; i < size; i++) {
                const Vector& v = args[0];
                if (v.is_null(ps + i)) {
                    out.set_null(o + i);
                    continue;
                }
                int64_t buckets = v.data<int64_t>()[ps + i];
                if (buckets <= 0) throw Error(sql_state::kInvalidArgumentForNtile, "argument of ntile must be greater than zero");
                int64_t total = static_cast<int64_t>(size);
                int64_t base = total / buckets, extra = total % buckets;
                int64_t row = static_cast<int64_t>(i);
                // The first `extra` buckets hold base + 1 rows.
                int64_t big = extra * (base + 1);
                int64_t bucket = row < big ? row / (base + 1) : (base == 0 ? row : extra + (row - big) / base);
                out.data<int32_t>()[o + i] = static_cast<int32_t>(bucket + 1);
            }
            break;
        case WindowFunctionKind::kLag:
        case WindowFunctionKind::kLead:
            for (idx_t i = 0; i < size; i++) {
                int64_t offset = 1;
                if (args.size() > 1) {
                    if (args[1].is_null(ps + i)) {
                        out.set_null(o + i);
                        continue;
                    }
                    offset = args[1].data<int64_t>()[ps + i];
                }
                int64_t target = w.kind == WindowFunctionKind::kLag ? static_cast<int64_t>(i) - offset : static_cast<int64_t>(i) + offset;
                if (target >= 0 && target < static_cast<int64_t>(size)) {
                    copy_row(args[0], ps + static_cast<idx_t>(target), o + i);
                } else if (args.size() > 2) {
                    copy_row(args[2], ps + i, o + i);
                } else {
                    out.set_null(o + i);
                }
            }
            break;
        case WindowFunctionKind::kFirstValue:
        case WindowFunctionKind::kLastValue:
        case WindowFunctionKind::kNthValue:
            for (idx_t i = 0; i < size; i++) {
                idx_t fs = frames.frame_start[i], fe = frames.frame_end[i];
                int64_t pick = -1;
                if (w.kind == WindowFunctionKind::kFirstValue && fe > fs) pick = static_cast<int64_t>(fs);
                if (w.kind == WindowFunctionKind::kLastValue && fe > fs) pick = static_cast<int64_t>(fe - 1);
                if (w.kind == WindowFunctionKind::kNthValue) {
                    bool null = args[1].is_null(ps + i);
                    int64_t nth = null ? 0 : args[1].data<int64_t>()[ps + i];
                    if (nth <= 0 && !null) throw Error(sql_state::kInvalidArgumentForNthValue, "argument of nth_value must be greater than zero");
                    if (nth > 0 && fs + static_cast<idx_t>(nth) <= fe) pick = static_cast<int64_t>(fs + static_cast<idx_t>(nth) - 1);
                }
                if (pick < 0) {
                    out.set_null(o + i);
                } else {
                    copy_row(args[0], ps + static_cast<idx_t>(pick), o + i);
                }
            }
            break;
        case WindowFunctionKind::kAggregate: {
            // Frames in positions of the (kept) argument rows, relative to the partition's first kept row.
            idx_t kept_begin = s.kept(ps);
            r.agg_start.resize(size);
            r.agg_end.resize(size);
            for (idx_t i = 0; i < size; i++) {
                r.agg_start[i] = s.kept(ps + frames.frame_start[i]) - kept_begin;
                r.agg_end[i] = s.kept(ps + frames.frame_end[i]) - kept_begin;
            }
            evaluate_aggregate(w.aggregate, s.aggregate_args, kept_begin, s.kept(pe), r.agg_start, r.agg_end, out, o, query);
            break;
        }
    }
}

// The start of every partition of the sorted rows, then n. Rows k - 1 and k are compared for every k, in
// `tasks` pieces of positions at once.
std::vector<idx_t> partition_bounds(const std::vector<Vector>& partitions, idx_t n, int tasks, QueryContext& query) {
    std::vector<idx_t> bounds{0};
    if (n == 0) return bounds;
    if (!partitions.empty() && n > 1) {
        std::vector<std::vector<idx_t>> found(static_cast<size_t>(tasks));
        auto work = [&](int t) {
            idx_t lo = 1 + (n - 1) * static_cast<idx_t>(t) / static_cast<idx_t>(tasks);
            idx_t hi = 1 + (n - 1) * static_cast<idx_t>(t + 1) / static_cast<idx_t>(tasks);
            for (idx_t k = lo; k < hi; k++) {
                if ((k - lo) % kCheckRows == kCheckRows - 1) query.check_interrupt();
                for (const Vector& p : partitions) {
                    if (compare_rows(p, k - 1, p, k) != 0) {
                        found[static_cast<size_t>(t)].push_back(k);
                        break;
                    }
                }
            }
        };
        query.scheduler->parallel_for(tasks, work);
        for (const auto& f : found) bounds.insert(bounds.end(), f.begin(), f.end());
    }
    bounds.push_back(n);
    return bounds;
}

// Cuts the partitions into at most `tasks` ranges of whole partitions with about n / tasks rows each: range r is
// partitions [cuts[r], cuts[r + 1]).
std::vector<size_t> cut_ranges(const std::vector<idx_t>& bounds, idx_t n, int tasks) {
    size_t partitions = bounds.size() - 1;
    std::vector<size_t> cuts{0};
    for (int j = 1; j < tasks; j++) {
        idx_t target = n * static_cast<idx_t>(j) / static_cast<idx_t>(tasks);
        auto at = static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end() - 1, target) - bounds.begin());
        if (at > cuts.back() && at < partitions) cuts.push_back(at);
    }
    cuts.push_back(partitions);
    return cuts;
}

}  // namespace

void evaluate_window_sorted(const WindowExpression& w, const WindowInputs& in, idx_t n, Vector& out, QueryContext& query) {
    if (n == 0) return;
    int tasks = static_cast<int>(std::clamp<idx_t>(n / kMinRowsPerTask, 1, static_cast<idx_t>(std::max(1, query.threads))));

    // FILTER: the aggregate sees only rows whose condition is true, compacted in sort order; kept_before[k]
    // counts them among positions [0, k), which maps a frame of rows to a frame of kept rows.
    std::vector<Vector> kept_args;
    std::vector<idx_t> kept_before;
    if (w.filter) {
        const Vector& filter = *in.filter;
        std::vector<sel_t> kept;
        kept_before.resize(n + 1);
        for (idx_t k = 0; k < n; k++) {
            kept_before[k] = kept.size();
            if (!filter.is_null(k) && filter.data<bool>()[k]) kept.push_back(static_cast<sel_t>(k));
        }
        kept_before[n] = kept.size();
        for (const Vector& a : in.args) {
            Vector compact(a.type(), std::max<idx_t>(kept.size(), 1));
            vector_gather(a, kept.data(), kept.size(), compact);
            kept_args.push_back(std::move(compact));
        }
    }
    bool uses_frame = w.kind == WindowFunctionKind::kAggregate || w.kind == WindowFunctionKind::kFirstValue ||
                      w.kind == WindowFunctionKind::kLastValue || w.kind == WindowFunctionKind::kNthValue;
    WindowShared shared{w, in, w.filter ? kept_args : in.args, kept_before, uses_frame};

    std::vector<idx_t> bounds = partition_bounds(in.partitions, n, tasks, query);
    std::vector<size_t> cuts = cut_ranges(bounds, n, tasks);
    size_t ranges = cuts.size() - 1;
    const Vector* start_offset = in.start_offset ? &*in.start_offset : nullptr;
    const Vector* end_offset = in.end_offset ? &*in.end_offset : nullptr;

    // Range r computes its partitions in order into target, whose position 0 is sorted position base. It gives up
    // once a range before it failed: that failure is the one the serial order meets first.
    std::atomic<size_t> first_failed{std::numeric_limits<size_t>::max()};
    auto run_range = [&](size_t r, Vector& target, idx_t base) {
        idx_t begin = bounds[cuts[r]], end = bounds[cuts[r + 1]];
        RangeState state{WindowFrames(w, in.orders, start_offset, end_offset, begin, end), {}, {}};
        idx_t unchecked = 0;
        for (size_t p = cuts[r]; p < cuts[r + 1]; p++) {
            if (unchecked >= kCheckRows) {
                unchecked = 0;
                query.check_interrupt();
                if (first_failed.load(std::memory_order_relaxed) < r) return;
            }
            evaluate_partition(shared, state, bounds[p], bounds[p + 1], target, bounds[p] - base, query);
            unchecked += bounds[p + 1] - bounds[p];
        }
    };
    if (ranges == 1) {
        run_range(0, out, 0);
        return;
    }
    // Each range writes its own vector: validity bits and string heaps are not safe to share between writers.
    std::vector<Vector> parts;
    for (size_t r = 0; r < ranges; r++) parts.emplace_back(w.type, std::max<idx_t>(bounds[cuts[r + 1]] - bounds[cuts[r]], 1));
    std::vector<std::exception_ptr> errors(ranges);
    query.scheduler->parallel_for(static_cast<int>(ranges), [&](int task) {
        auto r = static_cast<size_t>(task);
        try {
            run_range(r, parts[r], bounds[cuts[r]]);
        } catch (...) {
            errors[r] = std::current_exception();
            size_t seen = first_failed.load();
            while (r < seen && !first_failed.compare_exchange_weak(seen, r)) {
            }
        }
    });
    for (const auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
    for (size_t r = 0; r < ranges; r++) {
        idx_t begin = bounds[cuts[r]];
        vector_copy(parts[r], 0, bounds[cuts[r + 1]] - begin, out, begin);
    }
}

}  // namespace basalt

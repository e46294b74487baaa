#include "execution/operator/physical_result_collector.hpp"

#include <limits>
#include <mutex>

namespace basalt {

namespace {

struct CollectGlobal : GlobalSinkState {
    std::mutex mutex;
    int next_worker = 0;
    // Each running worker's current batch: nothing smaller can come from it any more.
    std::map<int, idx_t> worker_batch;
    // Chunks that wait for smaller batches, keyed by (batch, arrival).
    std::map<std::pair<idx_t, uint64_t>, std::unique_ptr<DataChunk>> pending;
    uint64_t arrivals = 0;
    std::deque<std::unique_ptr<DataChunk>> ready;

    // Moves every pending chunk no running worker can precede to `ready`; returns the smallest running batch.
    idx_t release() {
        idx_t bound = std::numeric_limits<idx_t>::max();
        for (const auto& [worker, batch] : worker_batch) bound = std::min(bound, batch);
        while (!pending.empty() && pending.begin()->first.first <= bound) {
            ready.push_back(std::move(pending.begin()->second));
            pending.erase(pending.begin());
        }
        return bound;
    }
};

struct CollectLocal : LocalSinkState {
    int worker = 0;
};

}  // namespace

std::unique_ptr<GlobalSinkState> PhysicalResultCollector::make_global_sink_state(ExecContext&) const {
    return std::make_unique<CollectGlobal>();
}

std::unique_ptr<LocalSinkState> PhysicalResultCollector::make_local_sink_state(ExecContext&, GlobalSinkState& gstate) const {
    auto& g = static_cast<CollectGlobal&>(gstate);
    auto local = std::make_unique<CollectLocal>();
    std::lock_guard lock(g.mutex);
    local->worker = g.next_worker++;
    // Until the worker takes its first chunk it may produce any batch: hold everything back.
    g.worker_batch[local->worker] = 0;
    return local;
}

void PhysicalResultCollector::next_batch(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) const {
    auto& g = static_cast<CollectGlobal&>(gstate);
    auto& l = static_cast<CollectLocal&>(lstate);
    std::lock_guard lock(g.mutex);
    g.worker_batch[l.worker] = ctx.batch_index;
    g.release();
}

SinkResult PhysicalResultCollector::consume(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate,
                                            const DataChunk& in) const {
    auto& g = static_cast<CollectGlobal&>(gstate);
    auto& l = static_cast<CollectLocal&>(lstate);
    if (in.size() == 0) return SinkResult::kNeedMoreInput;
    auto copy = std::make_unique<DataChunk>();
    copy->reference(in);  // shares buffers: the producer allocates fresh ones for its next chunk
    std::lock_guard lock(g.mutex);
    g.worker_batch[l.worker] = ctx.batch_index;
    g.pending.emplace(std::make_pair(ctx.batch_index, g.arrivals++), std::move(copy));
    idx_t smallest = g.release();
    if (!bounded_) return SinkResult::kNeedMoreInput;
    // The worker at the smallest batch waits only for the reader, never for order (see the header).
    bool behind_others = ctx.batch_index > smallest;
    if (g.ready.size() > kReadyLimit || (behind_others && g.pending.size() > kPendingLimit)) return SinkResult::kBlocked;
    return SinkResult::kNeedMoreInput;
}

void PhysicalResultCollector::combine(ExecContext&, GlobalSinkState& gstate, LocalSinkState& lstate) const {
    auto& g = static_cast<CollectGlobal&>(gstate);
    auto& l = static_cast<CollectLocal&>(lstate);
    std::lock_guard lock(g.mutex);
    g.worker_batch.erase(l.worker);
    g.release();
}

void PhysicalResultCollector::finalize(ExecContext&, GlobalSinkState& gstate) const {
    auto& g = static_cast<CollectGlobal&>(gstate);
    std::lock_guard lock(g.mutex);
    g.worker_batch.clear();
    g.release();
}

std::unique_ptr<DataChunk> PhysicalResultCollector::take_ready(size_t& ready_left) {
    auto& g = static_cast<CollectGlobal&>(*sink_state);
    std::lock_guard lock(g.mutex);
    ready_left = g.ready.size();
    if (g.ready.empty()) return nullptr;
    auto chunk = std::move(g.ready.front());
    g.ready.pop_front();
    ready_left--;
    return chunk;
}

std::vector<std::unique_ptr<DataChunk>> PhysicalResultCollector::take_all() {
    auto& g = static_cast<CollectGlobal&>(*sink_state);
    std::lock_guard lock(g.mutex);
    std::vector<std::unique_ptr<DataChunk>> out;
    out.reserve(g.ready.size());
    for (auto& c : g.ready) out.push_back(std::move(c));
    g.ready.clear();
    return out;
}

}  // namespace basalt

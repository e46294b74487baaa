#include "execution/operator/physical_materialize.hpp"

#include <algorithm>

#include "execution/operator/aggregate_hash_table.hpp"
#include "execution/row_gather.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

void OrderedChunks::add(idx_t batch, idx_t sequence, const DataChunk& chunk) {
    auto copy = std::make_unique<DataChunk>();
    copy->reference(chunk);  // shares buffers: the producer allocates fresh ones for its next chunk
    entries.push_back({batch, sequence, std::move(copy)});
}

void OrderedChunks::sort() {
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.batch != b.batch ? a.batch < b.batch : a.sequence < b.sequence;
    });
}

namespace {

struct CollectLocal : LocalSinkState {
    OrderedChunks chunks;
    idx_t sequence = 0;
};

}  // namespace

// ---- LIMIT / OFFSET ----
namespace {
struct LimitGlobal : GlobalSinkState {
    std::mutex mutex;
    OrderedChunks chunks;
    std::atomic<int64_t> rows{0};
    std::vector<std::unique_ptr<DataChunk>> output;
};
struct LimitSource : GlobalSourceState {
    idx_t chunk = 0;
};
}  // namespace

std::string PhysicalLimit::details() const {
    return "limit=" + std::to_string(limit_) + " offset=" + std::to_string(offset_);
}
std::unique_ptr<GlobalSinkState> PhysicalLimit::make_global_sink_state(ExecContext&) const { return std::make_unique<LimitGlobal>(); }
std::unique_ptr<LocalSinkState> PhysicalLimit::make_local_sink_state(ExecContext&, GlobalSinkState&) const {
    return std::make_unique<CollectLocal>();
}
SinkResult PhysicalLimit::consume(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate, const DataChunk& in) const {
    auto& g = static_cast<LimitGlobal&>(gstate);
    auto& l = static_cast<CollectLocal&>(lstate);
    if (in.size() > 0) l.chunks.add(ctx.batch_index, l.sequence++, in);
    int64_t total = g.rows.fetch_add(static_cast<int64_t>(in.size())) + static_cast<int64_t>(in.size());
    if (limit_ >= 0 && total >= limit_ + offset_) return SinkResult::kFinished;
    return SinkResult::kNeedMoreInput;
}
void PhysicalLimit::combine(ExecContext&, GlobalSinkState& gstate, LocalSinkState& lstate) const {
    auto& g = static_cast<LimitGlobal&>(gstate);
    auto& l = static_cast<CollectLocal&>(lstate);
    std::lock_guard lock(g.mutex);
    for (auto& e : l.chunks.entries) g.chunks.entries.push_back(std::move(e));
}
void PhysicalLimit::finalize(ExecContext&, GlobalSinkState& gstate) const {
    auto& g = static_cast<LimitGlobal&>(gstate);
    g.chunks.sort();
    int64_t skip = offset_;
    int64_t remaining = limit_;
    for (auto& e : g.chunks.entries) {
        DataChunk& c = *e.chunk;
        int64_t size = static_cast<int64_t>(c.size());
        if (skip >= size) {
            skip -= size;
            continue;
        }
        int64_t take = size - skip;
        if (remaining >= 0) take = std::min(take, remaining);
        if (take <= 0) break;
        std::vector<sel_t> sel(static_cast<size_t>(take));
        for (int64_t i = 0; i < take; i++) sel[static_cast<size_t>(i)] = static_cast<sel_t>(skip + i);
        auto piece = std::make_unique<DataChunk>();
        piece->initialize(c.types());
        chunk_gather(c, sel.data(), static_cast<idx_t>(take), *piece);
        g.output.push_back(std::move(piece));
        skip = 0;
        if (remaining >= 0) {
            remaining -= take;
            if (remaining == 0) break;
        }
    }
    g.chunks.entries.clear();
}
std::unique_ptr<GlobalSourceState> PhysicalLimit::make_global_source_state(ExecContext&) const { return std::make_unique<LimitSource>(); }
std::unique_ptr<LocalSourceState> PhysicalLimit::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}
void PhysicalLimit::produce(ExecContext&, GlobalSourceState& gsource, LocalSourceState& lsource, DataChunk& out) const {
    auto& src = static_cast<LimitSource&>(gsource);
    auto& g = static_cast<LimitGlobal&>(*sink_state);
    if (src.chunk >= g.output.size()) {
        out.set_size(0);
        return;
    }
    lsource.batch_index = src.chunk;
    out.reference(*g.output[src.chunk++]);
}

// ---- set operations ----
namespace {
struct SetOpGlobal : GlobalSinkState {
    std::mutex mutex;
    OrderedChunks sides[2];
    std::vector<std::unique_ptr<DataChunk>> output;
    std::unique_ptr<MemoryReservation> memory;
};
struct SetOpLocal : CollectLocal {
    std::unique_ptr<MemoryReservation> memory;
    size_t bytes = 0;
};
// The memory a chunk's columns take (fixed-width values and the strings' bytes).
size_t chunk_bytes(const DataChunk& chunk) {
    size_t bytes = 0;
    for (idx_t c = 0; c < chunk.column_count(); c++) {
        const Vector& v = chunk.column(c);
        bytes += chunk.size() * static_cast<size_t>(physical_size(v.type().physical()));
        if (v.type().physical() == PhysicalType::kString) {
            for (idx_t i = 0; i < chunk.size(); i++) bytes += v.is_null(i) ? 0 : v.data<std::string_view>()[v.is_constant() ? 0 : i].size();
        }
    }
    return bytes;
}
}  // namespace

std::string PhysicalSetOperation::name() const {
    const char* n = op_ == SetOpType::kUnion ? "UNION" : op_ == SetOpType::kIntersect ? "INTERSECT" : "EXCEPT";
    return std::string(n) + (all_ ? "_ALL" : "");
}
std::unique_ptr<GlobalSinkState> PhysicalSetOperation::make_global_sink_state(ExecContext& ctx) const {
    auto g = std::make_unique<SetOpGlobal>();
    g->memory = std::make_unique<MemoryReservation>(ctx.query->memory, "a set operation's rows");
    return g;
}
std::unique_ptr<LocalSinkState> PhysicalSetOperation::make_local_sink_state(ExecContext& ctx, GlobalSinkState&) const {
    auto l = std::make_unique<SetOpLocal>();
    l->memory = std::make_unique<MemoryReservation>(ctx.query->memory, "a set operation's rows");
    return l;
}
SinkResult PhysicalSetOperation::consume(ExecContext& ctx, GlobalSinkState&, LocalSinkState& lstate, const DataChunk& in) const {
    auto& l = static_cast<SetOpLocal&>(lstate);
    if (in.size() == 0) return SinkResult::kNeedMoreInput;
    // Each worker keeps its chunks with their source order (batch, sequence); finalize() sorts them together.
    l.chunks.add(ctx.batch_index, l.sequence++, in);
    l.bytes += chunk_bytes(in);
    if (l.sequence % 8 == 0) l.memory->resize(l.bytes);  // set operations do not spill yet: 53200
    return SinkResult::kNeedMoreInput;
}
void PhysicalSetOperation::combine(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) const {
    auto& g = static_cast<SetOpGlobal&>(gstate);
    auto& l = static_cast<SetOpLocal&>(lstate);
    std::lock_guard lock(g.mutex);
    for (auto& e : l.chunks.entries) g.sides[ctx.sink_child].entries.push_back(std::move(e));
    size_t moving = l.memory->size();
    l.memory->resize(0);
    g.memory->resize(g.memory->size() + std::max(moving, l.bytes));
}

void PhysicalSetOperation::finalize(ExecContext&, GlobalSinkState& gstate) const {
    auto& g = static_cast<SetOpGlobal&>(gstate);
    for (auto& side : g.sides) side.sort();
    if (op_ == SetOpType::kUnion && all_) {
        for (auto& side : g.sides) {
            for (auto& e : side.entries) g.output.push_back(std::move(e.chunk));
        }
        return;
    }
    // Count each distinct row's occurrences on both sides (a hash table whose "state" is two counters).
    struct CountState {
        int64_t left;
        int64_t right;
    };
    BoundAggregate counter;
    counter.state_size = sizeof(CountState);
    counter.initialize = [](uint8_t* s) { *reinterpret_cast<CountState*>(s) = {0, 0}; };
    counter.combine = [](uint8_t**, uint8_t**, idx_t, const BoundAggregate&) {};
    AggregateLayout layout({&counter});
    AggregateHashTable table(types(), layout);
    uint8_t* states[kVectorSize];
    for (int side = 0; side < 2; side++) {
        for (auto& e : g.sides[side].entries) {
            table.find_or_create(*e.chunk, states);
            for (idx_t i = 0; i < e.chunk->size(); i++) {
                auto* c = reinterpret_cast<CountState*>(states[i]);
                (side == 0 ? c->left : c->right)++;
            }
        }
    }
    // Emit each distinct row the right number of times, in first-appearance order.
    std::vector<uint64_t> rows;
    auto flush = [&]() {
        if (rows.empty()) return;
        auto chunk = std::make_unique<DataChunk>();
        chunk->initialize(types());
        std::shared_ptr<const void> owner = table.groups();
        for (idx_t c = 0; c < types().size(); c++) gather_rows(*table.groups(), c, rows.data(), rows.size(), chunk->column(c), owner);
        chunk->set_size(rows.size());
        g.output.push_back(std::move(chunk));
        rows.clear();
    };
    for (idx_t group = 0; group < table.group_count(); group++) {
        auto* c = reinterpret_cast<CountState*>(table.state(group));
        int64_t copies = 0;
        switch (op_) {
            case SetOpType::kUnion: copies = 1; break;
            case SetOpType::kIntersect: copies = all_ ? std::min(c->left, c->right) : (c->left > 0 && c->right > 0 ? 1 : 0); break;
            case SetOpType::kExcept: copies = all_ ? std::max<int64_t>(0, c->left - c->right) : (c->left > 0 && c->right == 0 ? 1 : 0); break;
        }
        for (int64_t k = 0; k < copies; k++) {
            rows.push_back(group);
            if (rows.size() == kVectorSize) flush();
        }
    }
    flush();
    // The table (and its row storage) must outlive the output chunks: they keep the group collection alive.
}

std::unique_ptr<GlobalSourceState> PhysicalSetOperation::make_global_source_state(ExecContext&) const {
    return std::make_unique<LimitSource>();
}
std::unique_ptr<LocalSourceState> PhysicalSetOperation::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}
void PhysicalSetOperation::produce(ExecContext&, GlobalSourceState& gsource, LocalSourceState& lsource, DataChunk& out) const {
    auto& src = static_cast<LimitSource&>(gsource);
    auto& g = static_cast<SetOpGlobal&>(*sink_state);
    if (src.chunk >= g.output.size()) {
        out.set_size(0);
        return;
    }
    lsource.batch_index = src.chunk;
    out.reference(*g.output[src.chunk++]);
}

}  // namespace basalt

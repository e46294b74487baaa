#include "execution/operator/physical_order.hpp"

#include <algorithm>
#include <numeric>

#include "execution/column_data_collection.hpp"
#include "execution/expression_executor.hpp"
#include "execution/operator/sorted_run_merge.hpp"
#include "execution/row_gather.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {

struct OrderGlobal : GlobalSinkState {
    std::mutex mutex;
    std::shared_ptr<ColumnDataCollection> rows;
    std::vector<uint64_t> order;
    std::unique_ptr<MemoryReservation> memory;
    // External sort: once rows outgrow the budget, workers write them as sorted runs to temporary files, and
    // the source merges the runs.
    std::atomic<bool> spilled{false};
    std::vector<std::unique_ptr<SpillPartitions>> runs;
    std::unique_ptr<SortedRunMerger> merger;
};

struct OrderLocal : LocalSinkState {
    std::unique_ptr<MemoryReservation> memory;
    idx_t chunks = 0;
    std::vector<ExprPtr> key_exprs;  // the executor refers to these
    std::unique_ptr<ExpressionListExecutor> keys;
    DataChunk key_chunk;
    DataChunk combined;
    ColumnDataCollection rows;
    std::vector<std::unique_ptr<SpillPartitions>> runs;
};

struct OrderSource : GlobalSourceState {
    idx_t position = 0;
};

}  // namespace

PhysicalOrder::PhysicalOrder(std::vector<LogicalType> types, std::vector<BoundOrder> orders, int64_t limit, int64_t offset)
    : PhysicalOperator(std::move(types)), orders_(std::move(orders)), limit_(limit), offset_(offset) {}

std::string PhysicalOrder::details() const {
    std::string out;
    for (const auto& o : orders_) out += (out.empty() ? "" : ", ") + o.expr->to_string() + (o.descending ? " DESC" : "");
    if (limit_ >= 0) out += " LIMIT " + std::to_string(limit_);
    return out;
}

std::unique_ptr<GlobalSinkState> PhysicalOrder::make_global_sink_state(ExecContext& ctx) const {
    auto g = std::make_unique<OrderGlobal>();
    g->memory = std::make_unique<MemoryReservation>(ctx.query->memory, "an ORDER BY's rows");
    std::vector<LogicalType> all = types();
    for (const auto& o : orders_) all.push_back(o.expr->type);
    g->rows = std::make_shared<ColumnDataCollection>(all);
    return g;
}

std::unique_ptr<LocalSinkState> PhysicalOrder::make_local_sink_state(ExecContext& ctx, GlobalSinkState& gstate) const {
    auto& g = static_cast<OrderGlobal&>(gstate);
    auto l = std::make_unique<OrderLocal>();
    l->memory = std::make_unique<MemoryReservation>(ctx.query->memory, "an ORDER BY's rows");
    l->key_exprs.clear();
    for (const auto& o : orders_) l->key_exprs.push_back(o.expr->copy());
    l->keys = std::make_unique<ExpressionListExecutor>(l->key_exprs);
    std::vector<LogicalType> key_types;
    for (const auto& o : orders_) key_types.push_back(o.expr->type);
    l->key_chunk.initialize(key_types);
    l->combined.initialize(g.rows->types());
    l->rows = ColumnDataCollection(g.rows->types());
    return l;
}

namespace {

// The ORDER BY keys sit after the output columns in the collected rows.
std::vector<SortKey> order_keys(const std::vector<BoundOrder>& orders, idx_t first_key_column) {
    std::vector<SortKey> keys;
    for (size_t k = 0; k < orders.size(); k++) keys.push_back({first_key_column + k, orders[k].descending, orders[k].nulls_first});
    return keys;
}

// Top-N: keeps only the first `keep` rows of `rows` in key order (ties in input order), with their strings copied
// so the rows let go of go with their buffers.
void keep_first(ColumnDataCollection& rows, const std::vector<SortKey>& keys, idx_t keep) {
    std::vector<uint64_t> ids(rows.row_count());
    std::iota(ids.begin(), ids.end(), 0);
    sort_rows(rows, keys, ids, static_cast<int64_t>(keep));
    ColumnDataCollection kept(rows.types());
    Vector gathered;
    for (idx_t begin = 0; begin < ids.size(); begin += kVectorSize) {
        idx_t n = std::min<idx_t>(kVectorSize, ids.size() - begin);
        DataChunk owned;
        owned.initialize(rows.types());
        for (idx_t c = 0; c < rows.types().size(); c++) {
            gather_rows(rows, c, ids.data() + begin, n, gathered, nullptr);
            vector_copy_owned(gathered, 0, n, owned.column(c), 0);
        }
        owned.set_size(n);
        kept.append(owned);
    }
    rows = std::move(kept);
}

// Sorts rows and writes them to a new temporary file as one sorted run; rows is emptied.
void write_run(QueryContext& query, ColumnDataCollection& rows, const std::vector<SortKey>& keys,
               std::vector<std::unique_ptr<SpillPartitions>>& runs) {
    if (rows.row_count() == 0) return;
    std::vector<uint64_t> ids(rows.row_count());
    std::iota(ids.begin(), ids.end(), 0);
    sort_rows(rows, keys, ids, -1, &query);
    auto run = std::make_unique<SpillPartitions>(*query.temporary, "order-by", rows.types(), 0);
    DataChunk chunk;
    chunk.initialize(rows.types());
    for (idx_t begin = 0; begin < ids.size(); begin += kVectorSize) {
        if ((begin & (64 * kVectorSize - 1)) == 0) query.check_interrupt();
        idx_t n = std::min<idx_t>(kVectorSize, ids.size() - begin);
        for (idx_t c = 0; c < rows.types().size(); c++) gather_rows(rows, c, ids.data() + begin, n, chunk.column(c), nullptr);
        chunk.set_size(n);
        run->append(0, chunk, nullptr, n);
    }
    run->flush();
    runs.push_back(std::move(run));
    rows.clear();
}

}  // namespace

SinkResult PhysicalOrder::consume(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate, const DataChunk& in) const {
    auto& l = static_cast<OrderLocal&>(lstate);
    l.keys->execute(in, l.key_chunk);
    idx_t width = in.column_count();
    for (idx_t c = 0; c < width; c++) l.combined.column(c).reference(in.column(c));
    for (idx_t k = 0; k < l.key_chunk.column_count(); k++) l.combined.column(width + k).reference(l.key_chunk.column(k));
    l.combined.set_size(in.size());
    l.rows.append(l.combined);
    // Top-N: a worker holds at most about twice what it can return (and never less than a few chunks' worth).
    if (limit_ >= 0) {
        idx_t keep = static_cast<idx_t>(limit_ + offset_);
        if (l.rows.row_count() >= std::max<idx_t>(2 * keep, 16 * kVectorSize)) keep_first(l.rows, order_keys(orders_, types().size()), keep);
    }
    auto& g = static_cast<OrderGlobal&>(gstate);
    if (++l.chunks % 8 == 0 && !l.memory->try_resize(l.rows.bytes())) {
        if (!can_spill(ctx)) l.memory->resize(l.rows.bytes());  // 53200
        write_run(*ctx.query, l.rows, order_keys(orders_, types().size()), l.runs);
        g.spilled.store(true);
        (void)l.memory->try_resize(0);
    }
    return SinkResult::kNeedMoreInput;
}

bool PhysicalOrder::can_spill(ExecContext& ctx) const { return ctx.query->temporary != nullptr; }

void PhysicalOrder::combine(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) const {
    auto& g = static_cast<OrderGlobal&>(gstate);
    auto& l = static_cast<OrderLocal&>(lstate);
    if (g.spilled.load() || !l.runs.empty()) {
        write_run(*ctx.query, l.rows, order_keys(orders_, types().size()), l.runs);
        (void)l.memory->try_resize(0);
        std::lock_guard lock(g.mutex);
        for (auto& run : l.runs) g.runs.push_back(std::move(run));
        return;
    }
    std::lock_guard lock(g.mutex);
    size_t moving = l.rows.bytes();
    g.rows->merge(std::move(l.rows));
    l.memory->resize(0);
    // finalize() reserves the whole sort again and spills (or fails) when it does not fit.
    (void)g.memory->try_resize(g.memory->size() + moving);
}

void PhysicalOrder::finalize(ExecContext& ctx, GlobalSinkState& gstate) const {
    auto& g = static_cast<OrderGlobal&>(gstate);
    std::vector<SortKey> keys = order_keys(orders_, types().size());
    // The sort's records and merge buffer (a few words per row each) while it runs, then the order.
    size_t rows = g.rows->bytes();
    size_t needed = rows + g.rows->row_count() * 2 * 5 * sizeof(uint64_t);
    if (!g.spilled.load() && !g.memory->try_resize(needed)) {
        if (!can_spill(ctx)) g.memory->resize(needed);  // 53200
        g.spilled.store(true);
    }
    if (g.spilled.load()) {
        // The rows of workers that finished before the budget ran out become one more run; the source merges.
        write_run(*ctx.query, *g.rows, keys, g.runs);
        g.memory->resize(0);
        if (ctx.query->profile) {
            for (auto& run : g.runs) ctx.query->stats[id]->spilled += run->bytes_written();
        }
        g.merger = std::make_unique<SortedRunMerger>(std::move(g.runs), keys);
        return;
    }
    g.order.resize(g.rows->row_count());
    std::iota(g.order.begin(), g.order.end(), 0);
    int64_t keep = limit_ >= 0 ? limit_ + offset_ : -1;
    sort_rows(*g.rows, keys, g.order, keep, ctx.query);
    g.memory->resize(rows + g.order.size() * sizeof(uint64_t));
    if (ctx.query->profile) ctx.query->stats[id]->bytes = g.rows->bytes();
}

std::unique_ptr<GlobalSourceState> PhysicalOrder::make_global_source_state(ExecContext&) const {
    auto s = std::make_unique<OrderSource>();
    // In memory the order is an array that OFFSET indexes into; merged runs count from their first row.
    bool merged = sink_state && static_cast<OrderGlobal&>(*sink_state).merger;
    s->position = limit_ >= 0 && !merged ? static_cast<idx_t>(offset_) : 0;
    return s;
}

std::unique_ptr<LocalSourceState> PhysicalOrder::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}

void PhysicalOrder::produce(ExecContext& ctx, GlobalSourceState& gsource, LocalSourceState& lsource, DataChunk& out) const {
    auto& src = static_cast<OrderSource&>(gsource);
    auto& g = static_cast<OrderGlobal&>(*sink_state);
    if (g.merger) {
        // src.position counts rows merged; top-N skips its OFFSET and stops at its LIMIT.
        idx_t first = limit_ >= 0 ? static_cast<idx_t>(offset_) : 0;
        idx_t end = limit_ >= 0 ? static_cast<idx_t>(offset_ + limit_) : ~idx_t{0};
        while (true) {
            if (src.position >= end) {
                out.set_size(0);
                return;
            }
            g.merger->next(*ctx.query, out);
            idx_t n = out.size();
            if (n == 0) return;
            idx_t begin = src.position;
            src.position += n;
            lsource.batch_index = begin;
            idx_t keep_from = begin < first ? std::min(n, first - begin) : 0;
            idx_t keep_to = std::min<idx_t>(n, end - begin);
            if (keep_from >= keep_to) continue;
            if (keep_from > 0 || keep_to < n) {
                std::vector<sel_t> sel(keep_to - keep_from);
                for (idx_t i = 0; i < sel.size(); i++) sel[i] = static_cast<sel_t>(keep_from + i);
                DataChunk slice;
                slice.initialize(out.types());
                chunk_gather(out, sel.data(), sel.size(), slice);
                out.reference(slice);
                out.set_size(sel.size());
            }
            return;
        }
    }
    if (src.position >= g.order.size()) {
        out.set_size(0);
        return;
    }
    idx_t n = std::min<idx_t>(kVectorSize, g.order.size() - src.position);
    lsource.batch_index = src.position;
    std::shared_ptr<const void> owner = g.rows;
    for (idx_t c = 0; c < types().size(); c++) gather_rows(*g.rows, c, g.order.data() + src.position, n, out.column(c), owner);
    out.set_size(n);
    src.position += n;
}

}  // namespace basalt

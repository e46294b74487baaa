#include "execution/operator/physical_order.hpp"

#include <algorithm>
#include <numeric>

#include "execution/column_data_collection.hpp"
#include "execution/expression_executor.hpp"
#include "execution/row_gather.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {

struct OrderGlobal : GlobalSinkState {
    std::mutex mutex;
    std::shared_ptr<ColumnDataCollection> rows;
    std::vector<uint64_t> order;
    std::unique_ptr<MemoryReservation> memory;
};

struct OrderLocal : LocalSinkState {
    std::unique_ptr<MemoryReservation> memory;
    idx_t chunks = 0;
    std::vector<ExprPtr> key_exprs;  // the executor refers to these
    std::unique_ptr<ExpressionListExecutor> keys;
    DataChunk key_chunk;
    DataChunk combined;
    ColumnDataCollection rows;
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

}  // namespace

SinkResult PhysicalOrder::consume(ExecContext&, GlobalSinkState&, LocalSinkState& lstate, const DataChunk& in) const {
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
    if (++l.chunks % 8 == 0) l.memory->resize(l.rows.bytes());
    return SinkResult::kNeedMoreInput;
}

void PhysicalOrder::combine(ExecContext&, GlobalSinkState& gstate, LocalSinkState& lstate) const {
    auto& g = static_cast<OrderGlobal&>(gstate);
    auto& l = static_cast<OrderLocal&>(lstate);
    std::lock_guard lock(g.mutex);
    size_t moving = l.rows.bytes();
    g.rows->merge(std::move(l.rows));
    l.memory->resize(0);
    g.memory->resize(g.memory->size() + moving);
}

void PhysicalOrder::finalize(ExecContext& ctx, GlobalSinkState& gstate) const {
    auto& g = static_cast<OrderGlobal&>(gstate);
    std::vector<SortKey> keys = order_keys(orders_, types().size());
    // The sort's records and merge buffer (a few words per row each) while it runs, then the order.
    size_t rows = g.rows->bytes();
    g.memory->resize(rows + g.rows->row_count() * 2 * 5 * sizeof(uint64_t));
    g.order.resize(g.rows->row_count());
    std::iota(g.order.begin(), g.order.end(), 0);
    int64_t keep = limit_ >= 0 ? limit_ + offset_ : -1;
    sort_rows(*g.rows, keys, g.order, keep, ctx.query);
    g.memory->resize(rows + g.order.size() * sizeof(uint64_t));
    if (ctx.query->profile) ctx.query->stats[id]->bytes = g.rows->bytes();
}

std::unique_ptr<GlobalSourceState> PhysicalOrder::make_global_source_state(ExecContext&) const {
    auto s = std::make_unique<OrderSource>();
    s->position = limit_ >= 0 ? static_cast<idx_t>(offset_) : 0;
    return s;
}

std::unique_ptr<LocalSourceState> PhysicalOrder::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}

void PhysicalOrder::produce(ExecContext&, GlobalSourceState& gsource, LocalSourceState& lsource, DataChunk& out) const {
    auto& src = static_cast<OrderSource&>(gsource);
    auto& g = static_cast<OrderGlobal&>(*sink_state);
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

#include "execution/operator/physical_window.hpp"

#include <numeric>
#include <optional>

#include "common/error.hpp"
#include "execution/column_data_collection.hpp"
#include "execution/expression_executor.hpp"
#include "execution/operator/physical_order.hpp"
#include "execution/operator/window_evaluator.hpp"
#include "execution/operator/row_sort.hpp"
#include "execution/row_gather.hpp"
#include "execution/spill_partitions.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

// The rows of one computation and its results: all rows, or one hash partition of a spilled window.
struct WindowPart {
    std::shared_ptr<ColumnDataCollection> rows;
    std::vector<Vector> results;  // per window, indexed by row id
    std::vector<uint64_t> output_order;
};

namespace {

// Beyond the memory budget, when every window has the same PARTITION BY, rows go to temporary files by hash of
// their partition keys; the source then computes one hash partition (whole window partitions) at a time.
constexpr int kSpillBits = 6;
constexpr idx_t kReserveEvery = 8;

struct WindowGlobal : GlobalSinkState {
    std::mutex mutex;
    WindowPart part;
    std::unique_ptr<MemoryReservation> memory;
    std::atomic<bool> spilling{false};
    bool spilled = false;  // after finalize(): every row is in spills
    std::vector<std::unique_ptr<SpillPartitions>> spills;
};

struct WindowLocal : LocalSinkState {
    std::unique_ptr<ExpressionListExecutor> executor;
    DataChunk computed;
    DataChunk combined;
    ColumnDataCollection rows;
    std::unique_ptr<MemoryReservation> memory;
    idx_t chunks = 0;
    std::unique_ptr<SpillPartitions> spill;
};

struct WindowSource : GlobalSourceState {
    idx_t position = 0;
    idx_t next_partition = 0;  // spilled: the next hash partition to compute
    idx_t batch = 0;           // chunks produced (their order)
};

}  // namespace

PhysicalWindow::PhysicalWindow(std::vector<LogicalType> types, std::vector<WindowExpression> windows)
    : PhysicalOperator(std::move(types)), windows_(std::move(windows)) {
    input_width_ = this->types().size() - windows_.size();
    idx_t next = input_width_;
    for (auto& w : windows_) {
        Columns c;
        c.partitions = next;
        for (auto& p : w.partitions) computed_.push_back(p->copy());
        next += w.partitions.size();
        c.orders = next;
        for (auto& o : w.orders) computed_.push_back(o.expr->copy());
        next += w.orders.size();
        c.arguments = next;
        for (auto& a : w.children) computed_.push_back(a->copy());
        next += w.children.size();
        c.start_offset = next;
        if (w.start_offset) {
            computed_.push_back(w.start_offset->copy());
            next++;
        }
        c.end_offset = next;
        if (w.end_offset) {
            computed_.push_back(w.end_offset->copy());
            next++;
        }
        c.filter = next;
        if (w.filter) {
            computed_.push_back(w.filter->copy());
            next++;
        }
        columns_.push_back(c);
    }
}

std::string PhysicalWindow::details() const {
    std::string out;
    for (const auto& w : windows_) out += (out.empty() ? "" : ", ") + w.to_string();
    return out;
}

std::unique_ptr<GlobalSinkState> PhysicalWindow::make_global_sink_state(ExecContext& ctx) const {
    auto g = std::make_unique<WindowGlobal>();
    std::vector<LogicalType> all(types().begin(), types().begin() + static_cast<std::ptrdiff_t>(input_width_));
    for (const auto& e : computed_) all.push_back(e->type);
    g->part.rows = std::make_shared<ColumnDataCollection>(all);
    g->memory = std::make_unique<MemoryReservation>(ctx.query->memory, "a window's rows");
    return g;
}

std::unique_ptr<LocalSinkState> PhysicalWindow::make_local_sink_state(ExecContext& ctx, GlobalSinkState& gstate) const {
    auto& g = static_cast<WindowGlobal&>(gstate);
    auto l = std::make_unique<WindowLocal>();
    l->executor = std::make_unique<ExpressionListExecutor>(computed_);
    std::vector<LogicalType> computed_types;
    for (const auto& e : computed_) computed_types.push_back(e->type);
    l->computed.initialize(computed_types);
    l->combined.initialize(g.part.rows->types());
    l->rows = ColumnDataCollection(g.part.rows->types());
    l->memory = std::make_unique<MemoryReservation>(ctx.query->memory, "a window's rows");
    return l;
}

bool PhysicalWindow::can_spill(ExecContext& ctx) const {
    if (!ctx.query->temporary || windows_[0].partitions.empty()) return false;
    for (const auto& w : windows_) {
        if (w.partitions.size() != windows_[0].partitions.size()) return false;
        for (size_t p = 0; p < w.partitions.size(); p++) {
            if (!w.partitions[p]->equals(*windows_[0].partitions[p])) return false;
        }
    }
    return true;
}

void PhysicalWindow::spill_rows(ExecContext& ctx, ColumnDataCollection& rows, std::unique_ptr<SpillPartitions>& spill) const {
    if (!spill) spill = std::make_unique<SpillPartitions>(*ctx.query->temporary, "window", rows.types(), kSpillBits);
    uint64_t hashes[kVectorSize];
    const idx_t first = columns_[0].partitions;
    for (idx_t c = 0; c < rows.chunk_count(); c++) {
        const DataChunk& chunk = rows.chunk(c);
        if ((c & 63) == 0) ctx.query->check_interrupt();
        SpillPartitions::hash_columns(chunk, first, windows_[0].partitions.size(), hashes);
        spill->append(chunk, hashes);
    }
    rows.clear();
}

SinkResult PhysicalWindow::consume(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate, const DataChunk& in) const {
    auto& l = static_cast<WindowLocal&>(lstate);
    auto& g = static_cast<WindowGlobal&>(gstate);
    l.executor->execute(in, l.computed);
    for (idx_t c = 0; c < input_width_; c++) l.combined.column(c).reference(in.column(c));
    for (idx_t c = 0; c < l.computed.column_count(); c++) l.combined.column(input_width_ + c).reference(l.computed.column(c));
    l.combined.set_size(in.size());
    l.rows.append(l.combined);
    if (l.spill || g.spilling.load(std::memory_order_relaxed)) {
        spill_rows(ctx, l.rows, l.spill);
    } else if (++l.chunks % kReserveEvery == 0 && !l.memory->try_resize(l.rows.bytes())) {
        if (!can_spill(ctx)) l.memory->resize(l.rows.bytes());  // 53200
        g.spilling.store(true);
        spill_rows(ctx, l.rows, l.spill);
        (void)l.memory->try_resize(0);
    }
    return SinkResult::kNeedMoreInput;
}

void PhysicalWindow::combine(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) const {
    auto& g = static_cast<WindowGlobal&>(gstate);
    auto& l = static_cast<WindowLocal&>(lstate);
    if (l.spill || g.spilling.load()) {
        spill_rows(ctx, l.rows, l.spill);
        l.spill->flush();
        (void)l.memory->try_resize(0);
        std::lock_guard lock(g.mutex);
        g.spills.push_back(std::move(l.spill));
        return;
    }
    size_t moving = l.rows.bytes();
    std::lock_guard lock(g.mutex);
    g.part.rows->merge(std::move(l.rows));
    (void)l.memory->try_resize(0);
    // finalize() reserves the whole side again and spills (or fails) when it does not fit.
    (void)g.memory->try_resize(g.memory->size() + moving);
}

void PhysicalWindow::finalize(ExecContext& ctx, GlobalSinkState& gstate) const {
    auto& g = static_cast<WindowGlobal&>(gstate);
    // The sort's records and each window's gathered inputs and results: about this much per row while it runs.
    size_t needed = g.part.rows->bytes() + g.part.rows->row_count() * 64;
    if (!g.spilling.load() && !g.memory->try_resize(needed)) {
        if (!can_spill(ctx)) g.memory->resize(needed);  // 53200
        g.spilling.store(true);
    }
    if (g.spilling.load()) {
        std::unique_ptr<SpillPartitions> rest;
        spill_rows(ctx, *g.part.rows, rest);
        rest->flush();
        g.spills.push_back(std::move(rest));
        g.memory->resize(0);
        g.spilled = true;
        if (ctx.query->profile) {
            for (auto& spill : g.spills) ctx.query->stats[id]->spilled += spill->bytes_written();
        }
        return;
    }
    compute(ctx, g.part);
}

void PhysicalWindow::compute(ExecContext& ctx, WindowPart& part) const {
    const ColumnDataCollection& rows = *part.rows;
    idx_t n = rows.row_count();
    for (size_t wi = 0; wi < windows_.size(); wi++) {
        const WindowExpression& w = windows_[wi];
        const Columns& cols = columns_[wi];
        std::vector<SortKey> keys;
        for (idx_t p = 0; p < w.partitions.size(); p++) keys.push_back({cols.partitions + p, false, false});
        for (idx_t o = 0; o < w.orders.size(); o++) keys.push_back({cols.orders + o, w.orders[o].descending, w.orders[o].nulls_first});
        std::vector<uint64_t> ids(n);
        std::iota(ids.begin(), ids.end(), 0);
        if (!keys.empty()) sort_rows(rows, keys, ids, -1, ctx.query);
        Vector sorted(w.type, std::max<idx_t>(n, 1));
        evaluate_window(part.rows, wi, ids, sorted, *ctx.query);
        // produce() reads results by row id.
        std::vector<sel_t> position_of(n);
        for (idx_t k = 0; k < n; k++) position_of[ids[k]] = static_cast<sel_t>(k);
        Vector result(w.type, std::max<idx_t>(n, 1));
        vector_gather(sorted, position_of.data(), n, result);
        part.results.push_back(std::move(result));
        if (wi == 0) part.output_order = std::move(ids);
    }
}

// Computes window `wi` into `out`, whose row k belongs to row ids[k]. Every column is first gathered in sort order,
// so partitions, peers and frames are ranges of positions.
void PhysicalWindow::evaluate_window(const std::shared_ptr<ColumnDataCollection>& collection, size_t wi,
                                     const std::vector<uint64_t>& ids, Vector& out, QueryContext& query) const {
    const ColumnDataCollection& rows = *collection;
    const WindowExpression& w = windows_[wi];
    const Columns& cols = columns_[wi];
    idx_t n = ids.size();
    std::shared_ptr<const void> owner = collection;
    auto gather = [&](idx_t column) {
        Vector v(rows.types()[column], std::max<idx_t>(n, 1));
        gather_rows(rows, column, ids.data(), n, v, owner);
        return v;
    };
    WindowInputs in;
    for (idx_t p = 0; p < w.partitions.size(); p++) in.partitions.push_back(gather(cols.partitions + p));
    for (idx_t o = 0; o < w.orders.size(); o++) in.orders.push_back(gather(cols.orders + o));
    for (idx_t a = 0; a < w.children.size(); a++) in.args.push_back(gather(cols.arguments + a));
    if (w.start_offset) in.start_offset = gather(cols.start_offset);
    if (w.end_offset) in.end_offset = gather(cols.end_offset);
    if (w.filter) in.filter = gather(cols.filter);
    evaluate_window_sorted(w, in, n, out, query);
}

std::unique_ptr<GlobalSourceState> PhysicalWindow::make_global_source_state(ExecContext&) const {
    return std::make_unique<WindowSource>();
}
std::unique_ptr<LocalSourceState> PhysicalWindow::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}

void PhysicalWindow::produce(ExecContext& ctx, GlobalSourceState& gsource, LocalSourceState& lsource, DataChunk& out) const {
    auto& src = static_cast<WindowSource&>(gsource);
    auto& g = static_cast<WindowGlobal&>(*sink_state);
    WindowPart& part = g.part;
    // Spilled: when a hash partition is done, the next one is read back and computed (one source worker).
    while (g.spilled && src.position >= part.output_order.size()) {
        const idx_t partitions = idx_t{1} << kSpillBits;
        part.results.clear();
        part.output_order.clear();
        part.rows = std::make_shared<ColumnDataCollection>(part.rows->types());
        g.memory->resize(0);
        if (src.next_partition >= partitions) break;
        idx_t p = src.next_partition++;
        DataChunk chunk;
        chunk.initialize(part.rows->types());
        for (auto& spill : g.spills) {
            for (idx_t b = 0; b < spill->block_count(p); b++) {
                ctx.query->check_interrupt();
                spill->read(p, b, chunk);
                part.rows->append(chunk);
            }
        }
        // One hash partition has to fit (53200 otherwise).
        g.memory->resize_for_partition(part.rows->bytes() + part.rows->row_count() * 64);
        compute(ctx, part);
        src.position = 0;
    }
    idx_t total = part.output_order.size();
    if (src.position >= total) {
        out.set_size(0);
        return;
    }
    idx_t n = std::min<idx_t>(kVectorSize, total - src.position);
    const uint64_t* ids = part.output_order.data() + src.position;
    lsource.batch_index = src.batch++;
    std::shared_ptr<const void> owner = part.rows;
    for (idx_t c = 0; c < input_width_; c++) gather_rows(*part.rows, c, ids, n, out.column(c), owner);
    std::vector<sel_t> sel(n);
    for (idx_t i = 0; i < n; i++) sel[i] = static_cast<sel_t>(ids[i]);
    for (size_t w = 0; w < windows_.size(); w++) vector_gather(part.results[w], sel.data(), n, out.column(input_width_ + w));
    out.set_size(n);
    src.position += n;
}

}  // namespace basalt

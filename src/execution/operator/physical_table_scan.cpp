#include "execution/operator/physical_table_scan.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <optional>
#include "execution/expression_executor.hpp"
#include "execution/statement_progress.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {

// Morsels: the committed row groups (counted when the scan starts; later ones hold only rows the snapshot
// cannot see), then the transaction's own uncommitted rows in groups of kLocalMorsel chunks.
constexpr idx_t kLocalMorsel = kRowGroupSize / kVectorSize;

struct ScanGlobal : GlobalSourceState {
    std::atomic<idx_t> next_row_group{0};
    idx_t row_groups = 0;
    const LocalTableStorage* local = nullptr;
    idx_t local_morsels = 0;
    TransactionView view;
};

struct ScanLocal : LocalSourceState {
    idx_t row_group = 0;
    idx_t group_rows = 0;  // rows of the current committed row group, for progress
    idx_t vector_index = 0;
    bool active = false;
    std::vector<bool> blocks;  // of the current row group: which blocks zone maps kept (empty: all)
    DataChunk scanned;
    std::unique_ptr<ExpressionExecutor> filter;
    std::vector<sel_t> sel;
};

}  // namespace

namespace {

// `column op constant` conjuncts (either side order) become zone filters.
void collect_zone_filters(const Expression& e, const std::vector<idx_t>& column_ids, std::vector<ZoneFilter>& out) {
    if (e.kind == ExpressionKind::kAnd) {
        for (const auto& c : e.children) collect_zone_filters(*c, column_ids, out);
        return;
    }
    if (e.kind != ExpressionKind::kFunction || e.children.size() != 2) return;
    static const std::pair<const char*, ZoneOp> kOps[] = {{"eq", ZoneOp::kEqual}, {"lt", ZoneOp::kLess}, {"le", ZoneOp::kLessEqual},
                                                          {"gt", ZoneOp::kGreater}, {"ge", ZoneOp::kGreaterEqual}};
    std::optional<ZoneOp> op;
    for (auto [name, o] : kOps) {
        if (e.function.name == name) op = o;
    }
    if (!op) return;
    const Expression* column = e.children[0].get();
    const Expression* constant = e.children[1].get();
    if (column->kind == ExpressionKind::kConstant && constant->kind == ExpressionKind::kBoundRef) {
        std::swap(column, constant);
        // c < x  is  x > c
        switch (*op) {
            case ZoneOp::kLess: op = ZoneOp::kGreater; break;
            case ZoneOp::kLessEqual: op = ZoneOp::kGreaterEqual; break;
            case ZoneOp::kGreater: op = ZoneOp::kLess; break;
            case ZoneOp::kGreaterEqual: op = ZoneOp::kLessEqual; break;
            case ZoneOp::kEqual: break;
        }
    }
    if (column->kind != ExpressionKind::kBoundRef || constant->kind != ExpressionKind::kConstant) return;
    idx_t id = column_ids[column->index];
    if (id == kRowIdColumn) return;
    out.push_back({id, *op, constant->value});
}

}  // namespace

PhysicalTableScan::PhysicalTableScan(std::vector<LogicalType> types, std::shared_ptr<TableEntry> table,
                                     std::vector<idx_t> column_ids, std::vector<ExprPtr> filters, Value as_of)
    : PhysicalOperator(std::move(types)), table_(std::move(table)), column_ids_(std::move(column_ids)), as_of_(std::move(as_of)) {
    for (const auto& f : filters) collect_zone_filters(*f, column_ids_, zone_filters_);
    filter_ = combine_conjunction(std::move(filters));
}

std::string PhysicalTableScan::details() const {
    std::string out = table_->name;
    if (!as_of_.is_null()) out += " as of " + as_of_.to_string();
    if (filter_) out += " filter: " + filter_->to_string();
    return out;
}

std::unique_ptr<GlobalSourceState> PhysicalTableScan::make_global_source_state(ExecContext& context) const {
    auto g = std::make_unique<ScanGlobal>();
    g->row_groups = table_->storage->row_group_count();
    const Transaction* transaction = context.query->transaction;
    BASALT_ASSERT(transaction, "table scan outside a transaction");
    g->view = transaction->view();
    if (!as_of_.is_null()) {
        // A past snapshot: committed rows as of then, none of this transaction's own changes.
        BASALT_ASSERT(context.query->resolve_snapshot, "time travel without a snapshot resolver");
        g->view = TransactionView{context.query->resolve_snapshot(as_of_), 0};
        return g;
    }
    g->local = transaction->find_local_storage(table_->storage.get());
    if (g->local) g->local_morsels = (g->local->chunk_count() + kLocalMorsel - 1) / kLocalMorsel;
    return g;
}

uint64_t PhysicalTableScan::rows_to_scan(ExecContext& context) const {
    uint64_t rows = table_->storage->physical_row_count();
    const Transaction* transaction = context.query->transaction;
    if (!as_of_.is_null() || !transaction) return rows;
    if (const LocalTableStorage* local = transaction->find_local_storage(table_->storage.get())) {
        for (idx_t c = 0; c < local->chunk_count(); c++) rows += local->chunk_rows(c);
    }
    return rows;
}

std::unique_ptr<LocalSourceState> PhysicalTableScan::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    auto l = std::make_unique<ScanLocal>();
    l->scanned.initialize(types(), kVectorSize);
    if (filter_) l->filter = std::make_unique<ExpressionExecutor>(*filter_);
    l->sel.resize(kVectorSize);
    return l;
}

void PhysicalTableScan::produce(ExecContext& context, GlobalSourceState& gstate, LocalSourceState& lstate, DataChunk& out) const {
    auto& g = static_cast<ScanGlobal&>(gstate);
    auto& l = static_cast<ScanLocal&>(lstate);
    OperatorStats* stats = id >= 0 && static_cast<size_t>(id) < context.query->stats.size() ? context.query->stats[id].get() : nullptr;
    StatementProgress* progress = context.query->progress;
    // Rows of vector `v` of the current committed row group (the last vector may be partly filled).
    auto vector_rows = [&](idx_t v) { return v * kVectorSize >= l.group_rows ? 0 : std::min(kVectorSize, l.group_rows - v * kVectorSize); };
    while (true) {
        if (!l.active) {
            l.row_group = g.next_row_group.fetch_add(1);
            if (l.row_group >= g.row_groups + g.local_morsels) {
                out.set_size(0);
                return;
            }
            l.vector_index = 0;
            l.active = true;
            l.blocks.clear();
            if (l.row_group < g.row_groups) {
                if (progress) l.group_rows = table_->storage->row_group_rows(l.row_group);
                uint64_t read = 0, skipped = 0;
                l.blocks = table_->storage->blocks_to_read(l.row_group, zone_filters_, column_ids_, read, skipped);
                bool any = l.blocks.empty() || std::find(l.blocks.begin(), l.blocks.end(), true) != l.blocks.end();
                if (stats) {
                    stats->is_scan = true;
                    (any ? stats->row_groups_read : stats->row_groups_skipped)++;
                    stats->bytes_read += read;
                    stats->bytes_skipped += skipped;
                }
                if (!any) {
                    if (progress) progress->add_done(l.group_rows);
                    l.active = false;
                    continue;
                }
            }
        }
        if (l.vector_index / kBlockVectors < l.blocks.size() && !l.blocks[l.vector_index / kBlockVectors]) {
            if (progress) progress->add_done(vector_rows(l.vector_index));
            l.vector_index++;  // a block zone maps ruled out
            continue;
        }
        idx_t vector_index = l.vector_index;
        if (l.row_group < g.row_groups) {
            if (!table_->storage->scan(l.row_group, l.vector_index, column_ids_, l.scanned, g.view)) {
                l.active = false;
                continue;
            }
            if (progress) progress->add_done(vector_rows(vector_index));
        } else {
            idx_t chunk = (l.row_group - g.row_groups) * kLocalMorsel + l.vector_index;
            if (l.vector_index >= kLocalMorsel || chunk >= g.local->chunk_count()) {
                l.active = false;
                continue;
            }
            l.vector_index++;
            g.local->scan(chunk, column_ids_, l.scanned);
            if (progress) progress->add_done(g.local->chunk_rows(chunk));
        }
        if (l.scanned.size() == 0) continue;
        // Batch order follows table order so results without ORDER BY keep insertion order.
        l.batch_index = l.row_group * 1024 + vector_index;
        if (!filter_) {
            out.reference(l.scanned);
            return;
        }
        idx_t n = l.filter->select(l.scanned, l.sel.data());
        if (n == 0) continue;
        if (n == l.scanned.size()) {
            out.reference(l.scanned);
        } else {
            chunk_gather(l.scanned, l.sel.data(), n, out);
        }
        return;
    }
}

}  // namespace basalt

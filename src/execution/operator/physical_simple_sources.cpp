#include "execution/operator/physical_simple_sources.hpp"

#include "common/error.hpp"
#include "execution/column_data_collection.hpp"
#include "execution/expression_executor.hpp"

namespace basalt {

namespace {
struct PositionState : GlobalSourceState {
    idx_t position = 0;
    bool done = false;
    std::shared_ptr<ColumnDataCollection> table;
};
}  // namespace

// ---- VALUES ----
PhysicalValues::PhysicalValues(std::vector<LogicalType> types, std::vector<std::vector<ExprPtr>> rows)
    : PhysicalOperator(std::move(types)), rows_(std::move(rows)) {}

std::unique_ptr<GlobalSourceState> PhysicalValues::make_global_source_state(ExecContext&) const {
    return std::make_unique<PositionState>();
}
std::unique_ptr<LocalSourceState> PhysicalValues::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}

void PhysicalValues::produce(ExecContext&, GlobalSourceState& gstate, LocalSourceState& lstate, DataChunk& out) const {
    auto& g = static_cast<PositionState&>(gstate);
    idx_t n = std::min<idx_t>(kVectorSize, rows_.size() - g.position);
    if (n == 0) {
        out.set_size(0);
        return;
    }
    lstate.batch_index = g.position;
    // Each value is evaluated on a one-row input (they cannot reference columns).
    DataChunk one;
    one.initialize({}, 1);
    one.set_size(1);
    for (idx_t c = 0; c < types().size(); c++) out.column(c).reset();
    for (idx_t r = 0; r < n; r++) {
        const auto& row = rows_[g.position + r];
        for (idx_t c = 0; c < row.size(); c++) {
            Vector v(types()[c], 1);
            ExpressionExecutor executor(*row[c]);
            executor.execute(one, v);
            out.column(c).set_value(r, v.get_value(0));
        }
    }
    g.position += n;
    out.set_size(n);
}

// ---- one row, no columns ----
std::unique_ptr<GlobalSourceState> PhysicalDummyScan::make_global_source_state(ExecContext&) const {
    return std::make_unique<PositionState>();
}
std::unique_ptr<LocalSourceState> PhysicalDummyScan::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}
void PhysicalDummyScan::produce(ExecContext&, GlobalSourceState& gstate, LocalSourceState&, DataChunk& out) const {
    auto& g = static_cast<PositionState&>(gstate);
    out.set_size(g.done ? 0 : 1);
    g.done = true;
}

// ---- generate_series / range ----
PhysicalSeries::PhysicalSeries(std::vector<LogicalType> types, int64_t start, int64_t stop, int64_t step, bool inclusive)
    : PhysicalOperator(std::move(types)), start_(start), stop_(stop), step_(step), inclusive_(inclusive) {}

std::unique_ptr<GlobalSourceState> PhysicalSeries::make_global_source_state(ExecContext&) const {
    return std::make_unique<PositionState>();
}
std::unique_ptr<LocalSourceState> PhysicalSeries::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}

void PhysicalSeries::produce(ExecContext&, GlobalSourceState& gstate, LocalSourceState& lstate, DataChunk& out) const {
    auto& g = static_cast<PositionState&>(gstate);
    out.column(0).reset();
    bool narrow = out.column(0).type().id() == TypeId::kInteger;
    idx_t n = 0;
    lstate.batch_index = g.position;
    while (n < kVectorSize && !g.done) {
        __int128 value = static_cast<__int128>(start_) + static_cast<__int128>(step_) * static_cast<__int128>(g.position);
        bool in_range = step_ > 0 ? (inclusive_ ? value <= stop_ : value < stop_) : (inclusive_ ? value >= stop_ : value > stop_);
        if (!in_range) {
            g.done = true;
            break;
        }
        if (narrow) {
            if (value > INT32_MAX || value < INT32_MIN) throw Error(sql_state::kNumericValueOutOfRange, "integer out of range");
            out.column(0).data<int32_t>()[n++] = static_cast<int32_t>(value);
        } else {
            out.column(0).data<int64_t>()[n++] = static_cast<int64_t>(value);
        }
        g.position++;
    }
    out.set_size(n);
}

// ---- the working table of WITH RECURSIVE ----
std::unique_ptr<GlobalSourceState> PhysicalCteScan::make_global_source_state(ExecContext& ctx) const {
    auto g = std::make_unique<PositionState>();
    std::lock_guard lock(ctx.query->working_tables_mutex);
    auto it = ctx.query->working_tables.find(cte_index_);
    BASALT_ASSERT(it != ctx.query->working_tables.end(), "recursive CTE scanned before its working table exists");
    g->table = it->second;
    return g;
}
std::unique_ptr<LocalSourceState> PhysicalCteScan::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}
void PhysicalCteScan::produce(ExecContext&, GlobalSourceState& gstate, LocalSourceState& lstate, DataChunk& out) const {
    auto& g = static_cast<PositionState&>(gstate);
    if (g.position >= g.table->chunk_count()) {
        out.set_size(0);
        return;
    }
    lstate.batch_index = g.position;
    out.reference(g.table->chunk(g.position++));
}

}  // namespace basalt

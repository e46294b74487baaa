// Window functions: all input rows are collected (a pipeline breaker), each window expression sorts row ids by
// its PARTITION BY and ORDER BY keys and computes one value per row, using its frame (ROWS or RANGE; frame
// bounds in window_frames.hpp, aggregates over frames in window_aggregate.hpp; partitions computed by the query's
// workers in window_evaluator.hpp). Rows are emitted in the order of the first window's sort. Beyond the memory
// budget, when every window has the same PARTITION BY, rows are spilled by hash of those keys and computed one
// hash partition at a time (rows then come out partition by partition).
#pragma once

#include "execution/column_data_collection.hpp"
#include "execution/physical_operator.hpp"
#include "planner/expression.hpp"

namespace basalt {

struct WindowPart;
class SpillPartitions;

class PhysicalWindow final : public PhysicalOperator, public Sink, public Source {
public:
    PhysicalWindow(std::vector<LogicalType> types, std::vector<WindowExpression> windows);
    std::string name() const override { return "WINDOW"; }
    std::string details() const override;
    Sink* as_sink() override { return this; }
    Source* as_source() override { return this; }

    std::unique_ptr<GlobalSinkState> make_global_sink_state(ExecContext&) const override;
    std::unique_ptr<LocalSinkState> make_local_sink_state(ExecContext&, GlobalSinkState&) const override;
    SinkResult consume(ExecContext&, GlobalSinkState&, LocalSinkState&, const DataChunk& in) const override;
    void combine(ExecContext&, GlobalSinkState&, LocalSinkState&) const override;
    void finalize(ExecContext&, GlobalSinkState&) const override;
    std::unique_ptr<GlobalSourceState> make_global_source_state(ExecContext&) const override;
    std::unique_ptr<LocalSourceState> make_local_source_state(ExecContext&, GlobalSourceState&) const override;
    void produce(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const override;
    bool parallel_source() const override { return false; }

private:
    std::vector<WindowExpression> windows_;
    std::vector<ExprPtr> computed_;  // per window: partitions, orders, arguments, frame offsets, filter (flattened)
    struct Columns {
        idx_t partitions, orders, arguments, start_offset, end_offset, filter;  // first column index of each group
    };
    void evaluate_window(const std::shared_ptr<ColumnDataCollection>& rows, size_t wi, const std::vector<uint64_t>& ids,
                         Vector& out, QueryContext& query) const;
    std::vector<Columns> columns_;
    idx_t input_width_;

    // Sorts and evaluates every window over part's rows, filling its results and output order.
    void compute(ExecContext&, WindowPart& part) const;
    // Spilling needs one PARTITION BY shared by every window (a hash partition then holds whole partitions).
    bool can_spill(ExecContext&) const;
    void spill_rows(ExecContext&, ColumnDataCollection& rows, std::unique_ptr<SpillPartitions>& spill) const;
};

}  // namespace basalt

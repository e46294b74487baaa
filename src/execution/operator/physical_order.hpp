// ORDER BY (and ORDER BY ... LIMIT as top-N): workers collect rows and their sort keys locally; finalize()
// sorts them (row_sort.hpp: normalized keys, runs sorted and merged by the query's workers); the operator then
// emits rows in order on one worker. Beyond the memory budget it sorts externally: a worker that cannot reserve
// more writes its rows as a sorted run to a temporary file, and the source merges the runs
// (sorted_run_merge.hpp).
#pragma once

#include "execution/operator/row_sort.hpp"
#include "execution/physical_operator.hpp"
#include "planner/expression.hpp"

namespace basalt {

class PhysicalOrder final : public PhysicalOperator, public Sink, public Source {
public:
    PhysicalOrder(std::vector<LogicalType> types, std::vector<BoundOrder> orders, int64_t limit = -1, int64_t offset = 0);
    std::string name() const override { return limit_ >= 0 ? "TOP_N" : "ORDER_BY"; }
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
    bool can_spill(ExecContext&) const;
    std::vector<BoundOrder> orders_;
    int64_t limit_;
    int64_t offset_;
};


}  // namespace basalt

// Hash aggregation (GROUP BY, grouping sets, global aggregates and SELECT DISTINCT) as a pipeline breaker.
// Each worker folds its morsels into private tables (no locks on the hot path) and hands them over in
// combine(); finalize() merges them, for many groups partition by partition of the hash space on the query's
// workers; the operator is then a parallel source of the aggregated rows.
//   (1) A LocalSinkState is touched by exactly one thread.
//   (2) After finalize(), the global tables are read-only.
//   (3) DISTINCT and ORDER BY inside aggregates need one global view of the input: such aggregations run on
//       one worker (parallel_sink() is false).
#pragma once

#include "execution/physical_operator.hpp"
#include "planner/expression.hpp"

namespace basalt {

class AggregateHashTable;

class PhysicalHashAggregate final : public PhysicalOperator, public Sink, public Source {
public:
    PhysicalHashAggregate(std::vector<LogicalType> types, std::vector<ExprPtr> groups,
                          std::vector<AggregateExpression> aggregates, std::vector<std::vector<idx_t>> grouping_sets,
                          std::vector<std::vector<idx_t>> grouping_functions);
    ~PhysicalHashAggregate() override;
    std::string name() const override { return groups_.empty() ? "UNGROUPED_AGGREGATE" : "HASH_GROUP_BY"; }
    std::string details() const override;
    Sink* as_sink() override { return this; }
    Source* as_source() override { return this; }

    std::unique_ptr<GlobalSinkState> make_global_sink_state(ExecContext&) const override;
    std::unique_ptr<LocalSinkState> make_local_sink_state(ExecContext&, GlobalSinkState&) const override;
    SinkResult consume(ExecContext&, GlobalSinkState&, LocalSinkState&, const DataChunk& in) const override;
    void combine(ExecContext&, GlobalSinkState&, LocalSinkState&) const override;
    void finalize(ExecContext&, GlobalSinkState&) const override;
    bool parallel_sink() const override;

    std::unique_ptr<GlobalSourceState> make_global_source_state(ExecContext&) const override;
    std::unique_ptr<LocalSourceState> make_local_source_state(ExecContext&, GlobalSourceState&) const override;
    void produce(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const override;


    struct Layout;

private:
    std::vector<ExprPtr> groups_;
    std::vector<AggregateExpression> aggregates_;
    std::vector<std::vector<idx_t>> grouping_sets_;  // never empty here: the planner adds the single full set
    std::vector<std::vector<idx_t>> grouping_functions_;
    std::unique_ptr<Layout> layout_;
    bool spillable_ = false;  // tables may go to disk when the memory budget is reached

    // Grows the worker's reservation to what its tables hold, or spills them when that does not fit.
    void reserve_or_spill(ExecContext&, GlobalSinkState&, LocalSinkState&) const;
    void produce_spilled(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const;
    // Fills out with groups [begin, begin + n) of a table of grouping set `set_index`.
    void emit_groups(size_t set_index, AggregateHashTable& table, idx_t begin, idx_t n, DataChunk& out) const;
};

}  // namespace basalt

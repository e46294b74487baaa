// Hash join: children[1] (the build side) ends a pipeline in this operator's sink; children[0] (the probe
// side) streams through it. Supports inner, left, full, semi, anti (optionally NULL-aware for NOT IN), mark
// (EXISTS/IN as a boolean column) and single (scalar subquery) joins, with an optional residual predicate
// over the joined row. Without join keys it pairs every probe row with every build row (cross products and
// non-equi joins). RIGHT joins are planned as LEFT joins with the inputs swapped.
//   (1) FULL joins emit unmatched build rows in flush(), which the last probe worker runs.
//   (2) A build side beyond the memory budget spills (grace hash join, see JoinGlobal); keyless joins cannot.
#pragma once

#include "execution/physical_operator.hpp"
#include "planner/expression.hpp"
#include "planner/logical_operator.hpp"

namespace basalt {

class JoinHashTable;

class PhysicalHashJoin final : public PhysicalOperator, public Operator, public Sink {
public:
    PhysicalHashJoin(std::vector<LogicalType> types, JoinType join_type, std::vector<ExprPtr> probe_keys,
                     std::vector<ExprPtr> build_keys, ExprPtr residual, bool null_aware, ExprPtr mark_predicate = nullptr,
                     bool mark_all = false);
    std::string name() const override { return "HASH_JOIN"; }
    std::string details() const override;
    Operator* as_operator() override { return this; }
    Sink* as_sink() override { return this; }
    std::vector<idx_t> sink_children() const override { return {1}; }

    std::unique_ptr<GlobalSinkState> make_global_sink_state(ExecContext&) const override;
    std::unique_ptr<LocalSinkState> make_local_sink_state(ExecContext&, GlobalSinkState&) const override;
    SinkResult consume(ExecContext&, GlobalSinkState&, LocalSinkState&, const DataChunk& in) const override;
    void combine(ExecContext&, GlobalSinkState&, LocalSinkState&) const override;
    void finalize(ExecContext&, GlobalSinkState&) const override;

    std::unique_ptr<OperatorState> make_operator_state(ExecContext&) const override;
    OperatorResult execute(ExecContext&, OperatorState&, const DataChunk& in, DataChunk& out) const override;
    // Emits the build rows no probe row matched (FULL joins); returns kHaveMoreOutput while there are more.
    OperatorResult flush(ExecContext&, OperatorState&, DataChunk& out) const override;
    // FULL joins, and joins whose build side spilled (their rows are joined partition by partition at the end).
    bool needs_flush() const override;
    void end_of_input(ExecContext&, OperatorState&) const override;

private:
    // What the whole build side says, wherever a probe row's partition is: no rows at all, a NULL key.
    struct BuildFacts {
        bool empty;
        bool has_null_key;
    };
    bool can_spill(ExecContext&) const;
    // Joins one probe chunk against table (execute()'s contract: call again with the same input while it
    // returns kHaveMoreOutput).
    OperatorResult probe_chunk(OperatorState&, JoinHashTable& table, BuildFacts facts, const DataChunk& in, DataChunk& out) const;
    OperatorResult emit_unmatched(OperatorState&, JoinHashTable& table, DataChunk& out) const;
    OperatorResult flush_spilled(ExecContext&, OperatorState&, DataChunk& out) const;

    JoinType join_type_;
    std::vector<ExprPtr> probe_keys_;
    std::vector<ExprPtr> build_keys_;
    ExprPtr residual_;  // over probe columns followed by build columns
    bool null_aware_;
    ExprPtr mark_predicate_;  // x op ANY/ALL (subquery): evaluated three-valued on the pairs the residual keeps
    bool mark_all_;           // ALL: the mark is true only when the predicate holds for every pair
};

}  // namespace basalt

// WITH RECURSIVE: runs the anchor (children[0]) once, then the recursive part (children[1]) repeatedly over
// the rows the previous round produced (the working table, read by PhysicalCteScan), until a round produces
// no new rows. UNION (not ALL) drops rows seen before, so cycles terminate.
//   (1) Rounds run lazily, one when the rows of the previous one have all been handed out, so a LIMIT above
//       stops a recursion that never ends by itself (its pipeline stops pulling), as in PostgreSQL.
#pragma once

#include "execution/physical_operator.hpp"

namespace basalt {

class PhysicalRecursiveCte final : public PhysicalOperator, public Source {
public:
    PhysicalRecursiveCte(std::vector<LogicalType> types, uint32_t cte_index, bool union_all)
        : PhysicalOperator(std::move(types)), cte_index_(cte_index), union_all_(union_all) {}
    std::string name() const override { return "RECURSIVE_CTE"; }
    Source* as_source() override { return this; }
    std::unique_ptr<GlobalSourceState> make_global_source_state(ExecContext&) const override;
    std::unique_ptr<LocalSourceState> make_local_source_state(ExecContext&, GlobalSourceState&) const override;
    void produce(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const override;
    bool parallel_source() const override { return false; }

private:
    struct State;
    void run_round(QueryContext& query, State& s) const;

    uint32_t cte_index_;
    bool union_all_;
};

}  // namespace basalt

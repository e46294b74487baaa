#include "execution/operator/physical_recursive_cte.hpp"

#include "common/error.hpp"
#include "execution/executor.hpp"
#include "execution/operator/aggregate_hash_table.hpp"

namespace basalt {

namespace {

constexpr int kMaxIterations = 100000;

struct RecursiveState : GlobalSourceState {
    std::shared_ptr<ColumnDataCollection> result;
    idx_t chunk = 0;
};

// Keeps only rows not seen before (for UNION without ALL); `seen` remembers every row kept.
void keep_new_rows(const ColumnDataCollection& input, AggregateHashTable& seen, ColumnDataCollection& out) {
    uint8_t* states[kVectorSize];
    bool fresh[kVectorSize];
    for (idx_t c = 0; c < input.chunk_count(); c++) {
        const DataChunk& chunk = input.chunk(c);
        seen.find_or_create(chunk, states, fresh);
        std::vector<sel_t> sel;
        for (idx_t i = 0; i < chunk.size(); i++) {
            if (fresh[i]) sel.push_back(static_cast<sel_t>(i));
        }
        if (!sel.empty()) out.append(chunk, sel.data(), sel.size());
    }
}

}  // namespace

std::unique_ptr<GlobalSourceState> PhysicalRecursiveCte::make_global_source_state(ExecContext& ctx) const {
    auto state = std::make_unique<RecursiveState>();
    QueryContext& query = *ctx.query;
    state->result = std::make_shared<ColumnDataCollection>(types());
    AggregateLayout no_states({});
    AggregateHashTable seen(types(), no_states);
    auto anchor = execute_to_collection(query, *children[0]);
    auto working = std::make_shared<ColumnDataCollection>(types());
    if (union_all_) {
        working = anchor;
    } else {
        keep_new_rows(*anchor, seen, *working);
    }
    for (int iteration = 0; working->row_count() > 0; iteration++) {
        if (iteration >= kMaxIterations) {
            throw Error(sql_state::kProgramLimitExceeded,
                        "recursive query did not finish after 100000 iterations (does the recursive part ever stop?)");
        }
        for (idx_t c = 0; c < working->chunk_count(); c++) state->result->append(working->chunk(c));
        {
            std::lock_guard lock(query.working_tables_mutex);
            query.working_tables[cte_index_] = working;
        }
        auto produced = execute_to_collection(query, *children[1]);
        auto next = std::make_shared<ColumnDataCollection>(types());
        if (union_all_) {
            next = produced;
        } else {
            keep_new_rows(*produced, seen, *next);
        }
        working = next;
        if (state->result->row_count() > 1000000000) {
            throw Error(sql_state::kProgramLimitExceeded, "recursive query produced more than a billion rows");
        }
    }
    return state;
}

std::unique_ptr<LocalSourceState> PhysicalRecursiveCte::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}

void PhysicalRecursiveCte::produce(ExecContext&, GlobalSourceState& gstate, LocalSourceState& lstate, DataChunk& out) const {
    auto& s = static_cast<RecursiveState&>(gstate);
    if (s.chunk >= s.result->chunk_count()) {
        out.set_size(0);
        return;
    }
    lstate.batch_index = s.chunk;
    out.reference(s.result->chunk(s.chunk++));
}

}  // namespace basalt

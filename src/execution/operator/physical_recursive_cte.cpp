#include "execution/operator/physical_recursive_cte.hpp"

#include "common/error.hpp"
#include "execution/executor.hpp"
#include "execution/operator/aggregate_hash_table.hpp"

namespace basalt {

namespace {

constexpr int kMaxIterations = 100000;

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

struct PhysicalRecursiveCte::State : GlobalSourceState {
    std::shared_ptr<ColumnDataCollection> working;  // the current round's rows, being handed out
    idx_t next_chunk = 0;                           // of `working`
    idx_t batch = 0;                                // ordering key across rounds
    int rounds = 0;                                 // runs of the recursive part so far
    AggregateLayout no_states{{}};
    std::unique_ptr<AggregateHashTable> seen;  // UNION: every row handed out so far
};

std::unique_ptr<GlobalSourceState> PhysicalRecursiveCte::make_global_source_state(ExecContext& ctx) const {
    auto s = std::make_unique<State>();
    auto anchor = execute_to_collection(*ctx.query, *children[0]);
    if (union_all_) {
        s->working = anchor;
    } else {
        s->seen = std::make_unique<AggregateHashTable>(types(), s->no_states);
        s->working = std::make_shared<ColumnDataCollection>(types());
        keep_new_rows(*anchor, *s->seen, *s->working);
    }
    return s;
}

std::unique_ptr<LocalSourceState> PhysicalRecursiveCte::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}

// Runs the recursive part over the rows just handed out; its new rows become the next working table.
void PhysicalRecursiveCte::run_round(QueryContext& query, State& s) const {
    if (s.rounds >= kMaxIterations) {
        throw Error(sql_state::kProgramLimitExceeded,
                    "recursive query did not finish after 100000 iterations (does the recursive part ever stop?)");
    }
    s.rounds++;
    {
        std::lock_guard lock(query.working_tables_mutex);
        query.working_tables[cte_index_] = s.working;
    }
    auto produced = execute_to_collection(query, *children[1]);
    if (union_all_) {
        s.working = produced;
    } else {
        s.working = std::make_shared<ColumnDataCollection>(types());
        keep_new_rows(*produced, *s.seen, *s.working);
    }
    s.next_chunk = 0;
}

void PhysicalRecursiveCte::produce(ExecContext& ctx, GlobalSourceState& gstate, LocalSourceState& lstate, DataChunk& out) const {
    auto& s = static_cast<State&>(gstate);
    while (s.next_chunk >= s.working->chunk_count()) {
        if (s.working->row_count() == 0) {  // a round without new rows: the recursion is over
            out.set_size(0);
            return;
        }
        run_round(*ctx.query, s);
    }
    lstate.batch_index = s.batch++;
    out.reference(s.working->chunk(s.next_chunk++));
}

}  // namespace basalt

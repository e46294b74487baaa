// The sink at the top of every query: hands result chunks to the reader in source order while the query still
// runs. Several workers produce chunks out of order (each takes morsels in increasing batch order); a chunk is
// released once no worker can still produce a smaller batch, which each worker announces through next_batch()
// as it takes a chunk from the source.
//   (1) Bounded (a streamed result): once more than kReadyLimit chunks wait for the reader, or a worker holds more
//       than kPendingLimit chunks waiting for a smaller batch, the worker pauses (SinkResult::kBlocked) until the
//       reader takes chunks and unblocks the group. The worker holding the smallest batch never waits for order,
//       so paused workers cannot wait on each other.
//   (2) Unbounded (a result read whole: subqueries, INSERT ... SELECT): never pauses.
#pragma once

#include <deque>
#include <map>

#include "execution/physical_operator.hpp"

namespace basalt {

class PhysicalResultCollector final : public PhysicalOperator, public Sink {
public:
    static constexpr size_t kReadyLimit = 32;
    static constexpr size_t kPendingLimit = 32;

    PhysicalResultCollector(std::vector<LogicalType> types, bool bounded)
        : PhysicalOperator(std::move(types)), bounded_(bounded) {}
    std::string name() const override { return "RESULT_COLLECTOR"; }
    Sink* as_sink() override { return this; }
    std::unique_ptr<GlobalSinkState> make_global_sink_state(ExecContext&) const override;
    std::unique_ptr<LocalSinkState> make_local_sink_state(ExecContext&, GlobalSinkState&) const override;
    SinkResult consume(ExecContext&, GlobalSinkState&, LocalSinkState&, const DataChunk& in) const override;
    void next_batch(ExecContext&, GlobalSinkState&, LocalSinkState&) const override;
    void combine(ExecContext&, GlobalSinkState&, LocalSinkState&) const override;
    void finalize(ExecContext&, GlobalSinkState&) const override;

    // The next chunk in order, or nullptr when none is ready yet. `ready_left` is set to how many stay ready.
    std::unique_ptr<DataChunk> take_ready(size_t& ready_left);
    // Every chunk, in order (after the pipeline finished).
    std::vector<std::unique_ptr<DataChunk>> take_all();

private:
    bool bounded_;
};

}  // namespace basalt

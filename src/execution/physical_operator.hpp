// Physical operators and the three roles they play in pipelines (DuckDB's push model, cut into three small
// interfaces): a Source starts a pipeline, an Operator streams chunks through it, a Sink ends it (a pipeline
// breaker: hash build, aggregation, sort). An operator is immutable after planning; all run-time data lives
// in state objects, so the signatures show the threading contract:
//   (1) Local states are touched by exactly one worker thread.
//   (2) Global states are shared; combine() may lock, everything else on them must be thread-safe or read-only.
//   (3) After finalize(), a global sink state is read-only and the operator may act as a source.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/interrupt.hpp"
#include "common/memory_manager.hpp"
#include "common/task_scheduler.hpp"
#include "common/temporary_directory.hpp"
#include "storage/version.hpp"
#include "types/value.hpp"
#include "vector/data_chunk.hpp"

namespace basalt {

class PhysicalOperator;
class ColumnDataCollection;
class Transaction;
class StatementProgress;

struct OperatorStats {
    std::atomic<uint64_t> rows{0};
    std::atomic<uint64_t> nanos{0};
    std::atomic<uint64_t> bytes{0};  // memory held by the operator's state at its peak
    std::atomic<uint64_t> spilled{0};  // bytes written to temporary files
    // Table scans: row groups read and skipped by zone maps, and on-disk bytes of the scanned columns.
    std::atomic<bool> is_scan{false};
    std::atomic<uint64_t> row_groups_read{0}, row_groups_skipped{0}, bytes_read{0}, bytes_skipped{0};
};

// What every pipeline of one query shares: the worker pool, working tables of recursive CTEs, statistics.
struct QueryContext {
    TaskScheduler* scheduler = nullptr;
    const Transaction* transaction = nullptr;  // what table scans see
    // Time travel: resolves an as_of() timestamp to a snapshot and checks a snapshot id is readable.
    std::function<txn_t(const Value& as_of)> resolve_snapshot;
    int threads = 1;
    bool profile = false;
    std::map<uint32_t, std::shared_ptr<ColumnDataCollection>> working_tables;
    std::mutex working_tables_mutex;
    std::vector<std::unique_ptr<OperatorStats>> stats;  // by operator id
    // The session's cancel request and statement_timeout (none in internal queries).
    const InterruptState* interrupt = nullptr;
    // The database's memory budget: operators reserve what their states hold (none: nothing is counted).
    MemoryManager* memory = nullptr;
    // Where operators spill when a reservation does not fit (none: they fail with 53200 instead).
    TemporaryDirectory* temporary = nullptr;
    // The statement's progress counters (table scans add the rows they will read and have read); none in
    // queries outside a session's statements.
    StatementProgress* progress = nullptr;

    // Throws 57014 when the statement was cancelled or timed out. Long loops call it every few thousand rows.
    void check_interrupt() const {
        if (interrupt) interrupt->check();
    }
};

struct ExecContext {
    QueryContext* query = nullptr;
    idx_t batch_index = 0;  // ordering key of the chunk being pushed (source order)
    idx_t sink_child = 0;   // which child's pipeline feeds the sink (set operations)
};

struct GlobalSourceState {
    virtual ~GlobalSourceState() = default;
};
struct LocalSourceState {
    virtual ~LocalSourceState() = default;
    idx_t batch_index = 0;
};
struct OperatorState {
    virtual ~OperatorState() = default;
};
struct GlobalSinkState {
    virtual ~GlobalSinkState() = default;
};
struct LocalSinkState {
    virtual ~LocalSinkState() = default;
};

enum class OperatorResult { kNeedMoreInput, kHaveMoreOutput, kFinished };
// kBlocked: the chunk was taken, but the sink has no room for more until its reader makes some (a streamed
// result nobody reads); the worker pauses after the chunk it is pushing.
enum class SinkResult { kNeedMoreInput, kFinished, kBlocked };

struct Source {
    virtual ~Source() = default;
    virtual std::unique_ptr<GlobalSourceState> make_global_source_state(ExecContext&) const = 0;
    virtual std::unique_ptr<LocalSourceState> make_local_source_state(ExecContext&, GlobalSourceState&) const = 0;
    // Fills out with the next chunk; an empty chunk means this worker is done.
    virtual void produce(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const = 0;
    // Whether several workers may pull from it at once (false for ordered outputs).
    virtual bool parallel_source() const { return true; }
    // Rows it will read from a table, asked before any pipeline of the query runs so the statement's progress
    // knows its whole work up front; 0 for sources that read what other pipelines made.
    virtual uint64_t rows_to_scan(ExecContext&) const { return 0; }
};

struct Operator {
    virtual ~Operator() = default;
    virtual std::unique_ptr<OperatorState> make_operator_state(ExecContext&) const = 0;
    virtual OperatorResult execute(ExecContext&, OperatorState&, const DataChunk& in, DataChunk& out) const = 0;
    // This worker's input has ended (it will not call execute() again): write out what it buffered.
    virtual void end_of_input(ExecContext&, OperatorState&) const {}
    // Operators that emit rows after every worker's input ended (a FULL join's unmatched build rows, a spilled
    // join's partitions) say so; the last worker of the pipeline to finish then calls flush() until it returns
    // something but kHaveMoreOutput. Asked when the pipeline's input has ended.
    virtual bool needs_flush() const { return false; }
    virtual OperatorResult flush(ExecContext&, OperatorState&, DataChunk&) const { return OperatorResult::kFinished; }
};

struct Sink {
    virtual ~Sink() = default;
    virtual std::unique_ptr<GlobalSinkState> make_global_sink_state(ExecContext&) const = 0;
    virtual std::unique_ptr<LocalSinkState> make_local_sink_state(ExecContext&, GlobalSinkState&) const = 0;
    virtual SinkResult consume(ExecContext&, GlobalSinkState&, LocalSinkState&, const DataChunk& in) const = 0;
    // The worker took a new chunk from the source (ctx.batch_index): sinks that keep source order learn that no
    // smaller batch will come from this worker, even when the chunk is filtered away before reaching them.
    virtual void next_batch(ExecContext&, GlobalSinkState&, LocalSinkState&) const {}
    virtual void combine(ExecContext&, GlobalSinkState&, LocalSinkState&) const = 0;
    virtual void finalize(ExecContext&, GlobalSinkState&) const {}
    virtual bool parallel_sink() const { return true; }
    // The children whose pipelines end in this sink (hash join: the build side only).
    virtual std::vector<idx_t> sink_children() const { return {0}; }
};

class PhysicalOperator {
public:
    explicit PhysicalOperator(std::vector<LogicalType> types) : types_(std::move(types)) {}
    virtual ~PhysicalOperator() = default;

    const std::vector<LogicalType>& types() const { return types_; }
    std::vector<std::unique_ptr<PhysicalOperator>> children;
    int id = 0;
    double estimated_rows = 0;

    virtual std::string name() const = 0;
    virtual std::string details() const { return ""; }
    virtual Source* as_source() { return nullptr; }
    virtual Operator* as_operator() { return nullptr; }
    virtual Sink* as_sink() { return nullptr; }
    // Global sink state, created by the executor before the sink's pipelines run; sources read it later.
    std::unique_ptr<GlobalSinkState> sink_state;

private:
    std::vector<LogicalType> types_;
};

}  // namespace basalt

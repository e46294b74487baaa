#include "execution/executor.hpp"

#include <chrono>

#include "common/error.hpp"
#include "execution/operator/physical_result_collector.hpp"
#include "execution/statement_progress.hpp"

namespace basalt {

struct Pipeline {
    PhysicalOperator* source = nullptr;
    std::vector<PhysicalOperator*> operators;  // in push order
    PhysicalOperator* sink = nullptr;
    idx_t sink_child = 0;
    std::vector<std::unique_ptr<Pipeline>> dependencies;
    std::unique_ptr<GlobalSourceState> global_source;  // while the pipeline runs
    // Workers still reading the source: the last one to finish runs the operators' flush() (rows that exist
    // only once every worker's input has gone through, such as a FULL join's unmatched build rows).
    std::atomic<int> scanning{0};
};

namespace {

// A slice ends after this long, so other queries waiting for the pool get a turn.
constexpr auto kSliceDuration = std::chrono::milliseconds(10);
// The batch of rows an operator emits after its input ended: after every source batch.
constexpr idx_t kFlushBatch = ~idx_t{0} - 1;

void build_pipeline(PhysicalOperator* op, Pipeline& pipeline);

// op becomes the sink of one pipeline per sink child; those pipelines become dependencies of `parent`.
void add_sink_pipelines(PhysicalOperator* op, Pipeline& parent) {
    Sink* sink = op->as_sink();
    for (idx_t child : sink->sink_children()) {
        auto p = std::make_unique<Pipeline>();
        p->sink = op;
        p->sink_child = child;
        build_pipeline(op->children[child].get(), *p);
        parent.dependencies.push_back(std::move(p));
    }
}

void build_pipeline(PhysicalOperator* op, Pipeline& pipeline) {
    if (op->as_source()) {
        pipeline.source = op;
        if (op->as_sink()) add_sink_pipelines(op, pipeline);
        return;
    }
    Operator* streaming = op->as_operator();
    BASALT_ASSERT(streaming, "physical operator is neither a source nor a streaming operator");
    pipeline.operators.insert(pipeline.operators.begin(), op);
    if (op->as_sink()) add_sink_pipelines(op, pipeline);
    build_pipeline(op->children[0].get(), pipeline);
}

// Dependencies before the pipelines that read their sinks (depth first).
void flatten(Pipeline& pipeline, std::vector<Pipeline*>& order) {
    for (auto& dep : pipeline.dependencies) flatten(*dep, order);
    order.push_back(&pipeline);
}

struct Timer {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    uint64_t nanos() const {
        return static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
    }
};

// One worker of a pipeline: its local states, and where it stopped when its last slice ended.
class PipelineTask final : public Task {
public:
    PipelineTask(QueryContext& query, Pipeline& pipeline, std::atomic<bool>& stop)
        : query_(query), pipeline_(pipeline), stop_(stop), ctx_{&query} {
        ctx_.sink_child = pipeline.sink_child;
        source_ = pipeline.source->as_source();
        sink_ = pipeline.sink->as_sink();
        local_source_ = source_->make_local_source_state(ctx_, *pipeline.global_source);
        outputs_.resize(pipeline.operators.size());
        for (size_t i = 0; i < pipeline.operators.size(); i++) {
            states_.push_back(pipeline.operators[i]->as_operator()->make_operator_state(ctx_));
            outputs_[i].initialize(pipeline.operators[i]->types());
        }
        local_sink_ = sink_->make_local_sink_state(ctx_, *pipeline.sink->sink_state);
        chunk_.initialize(pipeline.source->types());
    }

    TaskResult run() override {
        try {
            return run_slice();
        } catch (...) {
            stop_.store(true, std::memory_order_relaxed);  // the other workers of the query stop too
            throw;
        }
    }

private:
    enum class Phase { kScan, kFlush, kCombine };

    TaskResult run_slice() {
        Timer slice;
        while (phase_ == Phase::kScan) {
            if (stop_.load(std::memory_order_relaxed)) return TaskResult::kFinished;
            query_.check_interrupt();
            chunk_.reset();
            Timer t;
            source_->produce(ctx_, *pipeline_.global_source, *local_source_, chunk_);
            record(*pipeline_.source, chunk_.size(), t);
            if (chunk_.size() == 0) {
                for (size_t i = 0; i < pipeline_.operators.size(); i++) {
                    pipeline_.operators[i]->as_operator()->end_of_input(ctx_, *states_[i]);
                }
                // Only the last worker flushes; the others are done.
                phase_ = pipeline_.scanning.fetch_sub(1, std::memory_order_acq_rel) == 1 ? Phase::kFlush : Phase::kCombine;
                break;
            }
            ctx_.batch_index = local_source_->batch_index;
            sink_->next_batch(ctx_, *pipeline_.sink->sink_state, *local_sink_);
            if (push(0, chunk_)) phase_ = Phase::kCombine;
            if (blocked_) {
                blocked_ = false;
                return TaskResult::kBlocked;
            }
            if (phase_ == Phase::kScan && std::chrono::steady_clock::now() - slice.start > kSliceDuration) return TaskResult::kYield;
        }
        while (phase_ == Phase::kFlush && flush_index_ < pipeline_.operators.size()) {
            if (stop_.load(std::memory_order_relaxed)) return TaskResult::kFinished;
            query_.check_interrupt();
            Operator* op = pipeline_.operators[flush_index_]->as_operator();
            if (!op->needs_flush()) {
                flush_index_++;
                continue;
            }
            DataChunk& out = outputs_[flush_index_];
            out.reset();
            Timer t;
            OperatorResult r = op->flush(ctx_, *states_[flush_index_], out);
            record(*pipeline_.operators[flush_index_], out.size(), t);
            if (ctx_.batch_index != kFlushBatch) {
                ctx_.batch_index = kFlushBatch;
                sink_->next_batch(ctx_, *pipeline_.sink->sink_state, *local_sink_);
            }
            if (out.size() > 0 && push(flush_index_ + 1, out)) phase_ = Phase::kCombine;
            if (r != OperatorResult::kHaveMoreOutput) flush_index_++;
            if (blocked_) {
                blocked_ = false;
                return TaskResult::kBlocked;
            }
            // A spilled join's flush is long: it takes turns like a scan.
            if (phase_ == Phase::kFlush && std::chrono::steady_clock::now() - slice.start > kSliceDuration) return TaskResult::kYield;
        }
        Timer t;
        sink_->combine(ctx_, *pipeline_.sink->sink_state, *local_sink_);
        record(*pipeline_.sink, 0, t);
        return TaskResult::kFinished;
    }

    // Pushes a chunk through operators [index, end) into the sink; returns true when the pipeline is done (the
    // sink or an operator needs no more rows). A sink that takes a chunk but has no room for more sets blocked_.
    bool push(size_t index, DataChunk& input) {
        if (index == pipeline_.operators.size()) {
            Timer t;
            SinkResult r = sink_->consume(ctx_, *pipeline_.sink->sink_state, *local_sink_, input);
            record(*pipeline_.sink, 0, t);
            if (r == SinkResult::kBlocked) blocked_ = true;
            return r == SinkResult::kFinished;
        }
        PhysicalOperator* op = pipeline_.operators[index];
        DataChunk& out = outputs_[index];
        while (true) {
            out.reset();
            Timer t;
            OperatorResult r = op->as_operator()->execute(ctx_, *states_[index], input, out);
            record(*op, out.size(), t);
            if (out.size() > 0 && push(index + 1, out)) return true;
            if (r == OperatorResult::kFinished) return true;
            if (r != OperatorResult::kHaveMoreOutput) return false;
        }
    }

    void record(PhysicalOperator& op, idx_t rows, const Timer& t) {
        if (!query_.profile) return;
        OperatorStats& s = *query_.stats[op.id];
        s.rows.fetch_add(rows, std::memory_order_relaxed);
        s.nanos.fetch_add(t.nanos(), std::memory_order_relaxed);
    }

    QueryContext& query_;
    Pipeline& pipeline_;
    std::atomic<bool>& stop_;
    ExecContext ctx_;
    Source* source_;
    Sink* sink_;
    std::unique_ptr<LocalSourceState> local_source_;
    std::vector<std::unique_ptr<OperatorState>> states_;
    std::vector<DataChunk> outputs_;
    std::unique_ptr<LocalSinkState> local_sink_;
    DataChunk chunk_;
    Phase phase_ = Phase::kScan;
    size_t flush_index_ = 0;
    bool blocked_ = false;
};

void number(PhysicalOperator& op, int& next) {
    op.id = next++;
    for (auto& c : op.children) number(*c, next);
}

}  // namespace

QueryExecutor::QueryExecutor(QueryContext& query, PhysicalOperator& root, bool streaming)
    : query_(query), group_(*query.scheduler) {
    collector_ = std::make_unique<PhysicalResultCollector>(root.types(), streaming);
    collector_->id = static_cast<int>(query.stats.size());
    query.stats.push_back(std::make_unique<OperatorStats>());
    root_pipeline_ = std::make_unique<Pipeline>();
    root_pipeline_->sink = collector_.get();
    build_pipeline(&root, *root_pipeline_);
    flatten(*root_pipeline_, order_);
}

QueryExecutor::~QueryExecutor() { stop(); }

void QueryExecutor::stop() {
    stop_.store(true, std::memory_order_relaxed);
    group_.drop_pending();
}

void QueryExecutor::start_pipeline(Pipeline& pipeline) {
    ExecContext ctx{&query_};
    ctx.sink_child = pipeline.sink_child;
    Source* source = pipeline.source->as_source();
    Sink* sink = pipeline.sink->as_sink();
    // A sink with several child pipelines (set operations) gets its state once, from the first.
    if (!pipeline.sink->sink_state || pipeline.sink_child == sink->sink_children()[0]) {
        pipeline.sink->sink_state = sink->make_global_sink_state(ctx);
    }
    pipeline.global_source = source->make_global_source_state(ctx);
    bool parallel = source->parallel_source() && sink->parallel_sink();
    int workers = parallel ? std::max(1, query_.threads) : 1;
    pipeline.scanning.store(workers);
    for (int i = 0; i < workers; i++) group_.submit(std::make_shared<PipelineTask>(query_, pipeline, stop_));
}

void QueryExecutor::finish_pipeline(Pipeline& pipeline) {
    ExecContext ctx{&query_};
    ctx.sink_child = pipeline.sink_child;
    Sink* sink = pipeline.sink->as_sink();
    if (pipeline.sink_child == sink->sink_children().back()) sink->finalize(ctx, *pipeline.sink->sink_state);
    pipeline.global_source.reset();
}

void QueryExecutor::start() {
    if (started_) return;
    started_ = true;
    if (query_.progress) {
        // Every table this query reads counts from the start, so the bar does not jump back when a later
        // pipeline (a join's probe side) begins.
        ExecContext ctx{&query_};
        uint64_t rows = 0;
        for (Pipeline* p : order_) rows += p->source->as_source()->rows_to_scan(ctx);
        query_.progress->add_total(rows);
    }
    for (size_t i = 0; i + 1 < order_.size(); i++) {
        query_.check_interrupt();
        start_pipeline(*order_[i]);
        group_.wait();
        finish_pipeline(*order_[i]);
    }
    query_.check_interrupt();
    start_pipeline(*order_.back());
}

std::unique_ptr<DataChunk> QueryExecutor::fetch() {
    start();
    while (true) {
        size_t ready_left = 0;
        if (auto chunk = collector_->take_ready(ready_left)) {
            if (ready_left < PhysicalResultCollector::kReadyLimit / 2) group_.unblock();
            return chunk;
        }
        if (finished_) return nullptr;
        query_.check_interrupt();
        group_.unblock();
        if (!group_.work_once(10)) {
            finish_pipeline(*order_.back());
            finished_ = true;
        }
    }
}

std::vector<std::unique_ptr<DataChunk>> QueryExecutor::run_to_end() {
    start();
    group_.wait();
    finish_pipeline(*order_.back());
    finished_ = true;
    return collector_->take_all();
}

void number_operators(PhysicalOperator& root, QueryContext& query) {
    int next = static_cast<int>(query.stats.size());
    number(root, next);
    while (query.stats.size() < static_cast<size_t>(next)) query.stats.push_back(std::make_unique<OperatorStats>());
}

std::vector<std::unique_ptr<DataChunk>> execute_plan(QueryContext& query, PhysicalOperator& root) {
    QueryExecutor executor(query, root, false);
    return executor.run_to_end();
}

std::shared_ptr<ColumnDataCollection> execute_to_collection(QueryContext& query, PhysicalOperator& root) {
    auto chunks = execute_plan(query, root);
    auto collection = std::make_shared<ColumnDataCollection>(root.types());
    for (auto& c : chunks) collection->append(*c);
    return collection;
}

}  // namespace basalt

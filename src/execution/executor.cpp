#include "execution/executor.hpp"

#include <chrono>

#include "common/error.hpp"
#include "execution/operator/physical_hash_join.hpp"
#include "execution/operator/physical_materialize.hpp"

namespace basalt {

namespace {

struct Pipeline {
    PhysicalOperator* source = nullptr;
    std::vector<PhysicalOperator*> operators;  // in push order
    PhysicalOperator* sink = nullptr;
    idx_t sink_child = 0;
    std::vector<std::unique_ptr<Pipeline>> dependencies;
};

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

struct Timer {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    uint64_t nanos() const {
        return static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
    }
};

class PipelineRunner {
public:
    PipelineRunner(QueryContext& query, Pipeline& pipeline) : query_(query), pipeline_(pipeline) {}

    void run() {
        ExecContext ctx{&query_};
        ctx.sink_child = pipeline_.sink_child;
        Source* source = pipeline_.source->as_source();
        Sink* sink = pipeline_.sink->as_sink();
        auto global_source = source->make_global_source_state(ctx);
        bool parallel = source->parallel_source() && sink->parallel_sink();
        for (auto* op : pipeline_.operators) {
            if (auto* join = dynamic_cast<PhysicalHashJoin*>(op); join && join->needs_flush()) parallel = false;
        }
        int workers = parallel ? query_.threads : 1;
        query_.scheduler->run_workers(workers, [&](int) { run_worker(*global_source); });
    }

private:
    void run_worker(GlobalSourceState& global_source) {
        ExecContext ctx{&query_};
        ctx.sink_child = pipeline_.sink_child;
        Source* source = pipeline_.source->as_source();
        Sink* sink = pipeline_.sink->as_sink();
        auto local_source = source->make_local_source_state(ctx, global_source);
        std::vector<std::unique_ptr<OperatorState>> states;
        std::vector<DataChunk> outputs(pipeline_.operators.size());
        for (size_t i = 0; i < pipeline_.operators.size(); i++) {
            states.push_back(pipeline_.operators[i]->as_operator()->make_operator_state(ctx));
            outputs[i].initialize(pipeline_.operators[i]->types());
        }
        auto local_sink = sink->make_local_sink_state(ctx, *pipeline_.sink->sink_state);
        DataChunk chunk;
        chunk.initialize(pipeline_.source->types());
        bool finished = false;
        while (!finished && !query_.cancelled.load(std::memory_order_relaxed)) {
            chunk.reset();
            Timer t;
            source->produce(ctx, global_source, *local_source, chunk);
            record(*pipeline_.source, chunk.size(), t);
            if (chunk.size() == 0) break;
            ctx.batch_index = local_source->batch_index;
            finished = push(ctx, 0, chunk, states, outputs, *local_sink);
        }
        // Operators that emit rows after their input ends (FULL join: unmatched build rows).
        for (size_t i = 0; i < pipeline_.operators.size() && !finished; i++) {
            auto* join = dynamic_cast<PhysicalHashJoin*>(pipeline_.operators[i]);
            if (!join || !join->needs_flush()) continue;
            OperatorResult r;
            do {
                outputs[i].reset();
                r = join->flush(ctx, *states[i], outputs[i]);
                ctx.batch_index = ~idx_t{0} - 1;
                if (outputs[i].size() > 0) finished = push(ctx, i + 1, outputs[i], states, outputs, *local_sink);
            } while (r == OperatorResult::kHaveMoreOutput && !finished);
        }
        Timer t;
        sink->combine(ctx, *pipeline_.sink->sink_state, *local_sink);
        record(*pipeline_.sink, 0, t);
    }

    // Pushes a chunk through operators [index, end) into the sink; returns true when the sink is done.
    bool push(ExecContext& ctx, size_t index, DataChunk& input, std::vector<std::unique_ptr<OperatorState>>& states,
              std::vector<DataChunk>& outputs, LocalSinkState& local_sink) {
        if (index == pipeline_.operators.size()) {
            Timer t;
            SinkResult r = pipeline_.sink->as_sink()->consume(ctx, *pipeline_.sink->sink_state, local_sink, input);
            record(*pipeline_.sink, 0, t);
            return r == SinkResult::kFinished;
        }
        PhysicalOperator* op = pipeline_.operators[index];
        DataChunk& out = outputs[index];
        while (true) {
            out.reset();
            Timer t;
            OperatorResult r = op->as_operator()->execute(ctx, *states[index], input, out);
            record(*op, out.size(), t);
            if (out.size() > 0 && push(ctx, index + 1, out, states, outputs, local_sink)) return true;
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
};

void run_pipeline(QueryContext& query, Pipeline& pipeline) {
    for (auto& dep : pipeline.dependencies) run_pipeline(query, *dep);
    ExecContext ctx{&query};
    // A sink with several child pipelines (set operations) gets its state once, from the first.
    if (!pipeline.sink->sink_state || pipeline.sink_child == pipeline.sink->as_sink()->sink_children()[0]) {
        pipeline.sink->sink_state = pipeline.sink->as_sink()->make_global_sink_state(ctx);
    }
    PipelineRunner(query, pipeline).run();
    auto children = pipeline.sink->as_sink()->sink_children();
    if (pipeline.sink_child == children.back()) {
        pipeline.sink->as_sink()->finalize(ctx, *pipeline.sink->sink_state);
    }
}

void number(PhysicalOperator& op, int& next) {
    op.id = next++;
    for (auto& c : op.children) number(*c, next);
}

}  // namespace

void number_operators(PhysicalOperator& root, QueryContext& query) {
    int next = static_cast<int>(query.stats.size());
    number(root, next);
    while (query.stats.size() < static_cast<size_t>(next)) query.stats.push_back(std::make_unique<OperatorStats>());
}

std::vector<std::unique_ptr<DataChunk>> execute_plan(QueryContext& query, PhysicalOperator& root) {
    PhysicalResultCollector collector(root.types());
    collector.id = static_cast<int>(query.stats.size());
    query.stats.push_back(std::make_unique<OperatorStats>());
    Pipeline pipeline;
    pipeline.sink = &collector;
    build_pipeline(&root, pipeline);
    // Dependencies run depth-first: the sinks a pipeline reads from are complete before it starts.
    run_pipeline(query, pipeline);
    return collector.take_chunks();
}

std::shared_ptr<ColumnDataCollection> execute_to_collection(QueryContext& query, PhysicalOperator& root) {
    auto chunks = execute_plan(query, root);
    auto collection = std::make_shared<ColumnDataCollection>(root.types());
    for (auto& c : chunks) collection->append(*c);
    return collection;
}

}  // namespace basalt

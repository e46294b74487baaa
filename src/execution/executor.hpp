// Runs a physical plan: cuts it into pipelines at the sinks and runs each after the pipelines it depends on.
// A pipeline runs as tasks of the query's TaskGroup on the shared scheduler (one per worker the query may use;
// morsel-driven: each task pulls chunks from the source until it is exhausted, yielding every few
// milliseconds so other queries get turns). The result comes out in source order, either whole or streamed:
// the last pipeline keeps running while the reader takes chunks, and pauses when the reader falls behind.
//   (1) One executor per run of a plan; the plan's operators keep their sink states, so a plan runs once at a
//       time (recursive CTEs run their parts again only after the previous run ended).
//   (2) Destroying an executor stops its query: queued tasks are dropped and running slices finish first.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "common/task_scheduler.hpp"
#include "execution/column_data_collection.hpp"
#include "execution/physical_operator.hpp"

namespace basalt {

struct Pipeline;
class PhysicalResultCollector;

class QueryExecutor {
public:
    QueryExecutor(QueryContext& query, PhysicalOperator& root, bool streaming);
    ~QueryExecutor();
    QueryExecutor(const QueryExecutor&) = delete;
    QueryExecutor& operator=(const QueryExecutor&) = delete;

    // Runs every pipeline but the last to completion and starts the last one.
    void start();
    // Streaming: the next chunk in order, or nullptr when the result is complete. Runs tasks of the query on
    // the calling thread while it waits.
    std::unique_ptr<DataChunk> fetch();
    // Runs to the end and returns every chunk in order.
    std::vector<std::unique_ptr<DataChunk>> run_to_end();
    // Stops the query: no new slices start; running ones finish.
    void stop();

private:
    void start_pipeline(Pipeline& pipeline);
    void finish_pipeline(Pipeline& pipeline);

    QueryContext& query_;
    std::unique_ptr<PhysicalResultCollector> collector_;
    std::unique_ptr<Pipeline> root_pipeline_;
    std::vector<Pipeline*> order_;  // dependencies first; the last feeds the collector
    std::atomic<bool> stop_{false};  // before group_: tasks read it until the group's destructor waited for them
    TaskGroup group_;
    bool started_ = false;
    bool finished_ = false;
};

// Executes the plan rooted at `root` and returns its rows in order. Usable recursively (recursive CTEs).
std::vector<std::unique_ptr<DataChunk>> execute_plan(QueryContext& query, PhysicalOperator& root);
std::shared_ptr<ColumnDataCollection> execute_to_collection(QueryContext& query, PhysicalOperator& root);

// Assigns operator ids (for statistics) and sizes query.stats.
void number_operators(PhysicalOperator& root, QueryContext& query);

}  // namespace basalt

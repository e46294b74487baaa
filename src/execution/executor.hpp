// Runs a physical plan: cuts it into pipelines at the sinks, runs each pipeline after the pipelines it depends
// on, with as many workers as its source and sink allow (morsel-driven: workers pull chunks from the source
// until it is exhausted), and collects the result in source order.
#pragma once

#include <memory>
#include <vector>

#include "execution/column_data_collection.hpp"
#include "execution/physical_operator.hpp"

namespace basalt {

// Executes the plan rooted at `root` and returns its rows in order. Usable recursively (recursive CTEs).
std::vector<std::unique_ptr<DataChunk>> execute_plan(QueryContext& query, PhysicalOperator& root);
std::shared_ptr<ColumnDataCollection> execute_to_collection(QueryContext& query, PhysicalOperator& root);

// Assigns operator ids (for statistics) and sizes query.stats.
void number_operators(PhysicalOperator& root, QueryContext& query);

}  // namespace basalt

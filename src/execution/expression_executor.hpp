// Evaluates bound expressions (column references already turned into chunk indices) over DataChunks.
// AND, OR, CASE and COALESCE evaluate an operand only on the rows earlier operands left undecided, so an
// error in an operand a row never needs (1/0 in an untaken ELSE, `i <> 0 AND 10 / i > 1`) never fires, as in
// PostgreSQL. The constant elements of an IN list are probed through a hash set.
//   (1) An ExpressionExecutor is used by one thread at a time; it keeps scratch vectors between chunks.
#pragma once

#include <memory>
#include <vector>

#include "planner/expression.hpp"
#include "vector/data_chunk.hpp"

namespace basalt {

class ExpressionExecutor {
public:
    explicit ExpressionExecutor(const Expression& expression);
    ~ExpressionExecutor();

    // result gets count = input.size() rows (possibly a constant vector).
    void execute(const DataChunk& input, Vector& result);
    // Fills sel with the rows where the boolean expression is true; returns how many.
    idx_t select(const DataChunk& input, sel_t* sel);

    struct State;

private:
    const Expression& expression_;
    std::unique_ptr<State> state_;
};

// Runs several expressions over a chunk into the columns of an output chunk.
class ExpressionListExecutor {
public:
    explicit ExpressionListExecutor(const std::vector<ExprPtr>& expressions);
    void execute(const DataChunk& input, DataChunk& output);

private:
    std::vector<std::unique_ptr<ExpressionExecutor>> executors_;
};

// Rows of a boolean vector that are true (and not NULL).
idx_t select_true(const Vector& condition, idx_t count, sel_t* sel);

// dst[sel[i]] = src[i] for i < count.
void vector_scatter(const Vector& src, const sel_t* sel, idx_t count, Vector& dst);

}  // namespace basalt

#include "execution/operator/physical_filter_projection.hpp"

#include "execution/expression_executor.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {
struct FilterState : OperatorState {
    std::unique_ptr<ExpressionExecutor> executor;
    std::vector<sel_t> sel;
};
struct ProjectionState : OperatorState {
    std::unique_ptr<ExpressionListExecutor> executor;
};
}  // namespace

PhysicalFilter::PhysicalFilter(std::vector<LogicalType> types, ExprPtr predicate)
    : PhysicalOperator(std::move(types)), predicate_(std::move(predicate)) {}

std::unique_ptr<OperatorState> PhysicalFilter::make_operator_state(ExecContext&) const {
    auto s = std::make_unique<FilterState>();
    s->executor = std::make_unique<ExpressionExecutor>(*predicate_);
    s->sel.resize(kVectorSize);
    return s;
}

OperatorResult PhysicalFilter::execute(ExecContext&, OperatorState& state, const DataChunk& in, DataChunk& out) const {
    auto& s = static_cast<FilterState&>(state);
    idx_t n = s.executor->select(in, s.sel.data());
    if (n == in.size()) {
        out.reference(in);
    } else if (n > 0) {
        chunk_gather(in, s.sel.data(), n, out);
    } else {
        out.set_size(0);
    }
    return OperatorResult::kNeedMoreInput;
}

PhysicalProjection::PhysicalProjection(std::vector<LogicalType> types, std::vector<ExprPtr> expressions)
    : PhysicalOperator(std::move(types)), expressions_(std::move(expressions)) {}

std::string PhysicalProjection::details() const {
    std::string out;
    for (size_t i = 0; i < expressions_.size(); i++) out += (i ? ", " : "") + expressions_[i]->to_string();
    return out;
}

std::unique_ptr<OperatorState> PhysicalProjection::make_operator_state(ExecContext&) const {
    auto s = std::make_unique<ProjectionState>();
    s->executor = std::make_unique<ExpressionListExecutor>(expressions_);
    return s;
}

OperatorResult PhysicalProjection::execute(ExecContext&, OperatorState& state, const DataChunk& in, DataChunk& out) const {
    auto& s = static_cast<ProjectionState&>(state);
    s.executor->execute(in, out);
    return OperatorResult::kNeedMoreInput;
}

}  // namespace basalt

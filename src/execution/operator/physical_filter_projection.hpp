// The streaming operators that need no state beyond expression scratch space: filter and projection.
#pragma once

#include "execution/physical_operator.hpp"
#include "planner/expression.hpp"

namespace basalt {

class PhysicalFilter final : public PhysicalOperator, public Operator {
public:
    PhysicalFilter(std::vector<LogicalType> types, ExprPtr predicate);
    std::string name() const override { return "FILTER"; }
    std::string details() const override { return predicate_->to_string(); }
    Operator* as_operator() override { return this; }
    std::unique_ptr<OperatorState> make_operator_state(ExecContext&) const override;
    OperatorResult execute(ExecContext&, OperatorState&, const DataChunk& in, DataChunk& out) const override;

private:
    ExprPtr predicate_;
};

class PhysicalProjection final : public PhysicalOperator, public Operator {
public:
    PhysicalProjection(std::vector<LogicalType> types, std::vector<ExprPtr> expressions);
    std::string name() const override { return "PROJECTION"; }
    std::string details() const override;
    Operator* as_operator() override { return this; }
    std::unique_ptr<OperatorState> make_operator_state(ExecContext&) const override;
    OperatorResult execute(ExecContext&, OperatorState&, const DataChunk& in, DataChunk& out) const override;

private:
    std::vector<ExprPtr> expressions_;
};

}  // namespace basalt

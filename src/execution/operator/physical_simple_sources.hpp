// Sources that produce rows without reading a table: VALUES lists, the one-row dummy scan of a FROM-less
// SELECT, generate_series/range, the working table of a recursive CTE, and an empty result.
#pragma once

#include "execution/physical_operator.hpp"
#include "planner/expression.hpp"

namespace basalt {

class PhysicalValues final : public PhysicalOperator, public Source {
public:
    PhysicalValues(std::vector<LogicalType> types, std::vector<std::vector<ExprPtr>> rows);
    std::string name() const override { return rows_.empty() ? "EMPTY_RESULT" : "VALUES"; }
    Source* as_source() override { return this; }
    std::unique_ptr<GlobalSourceState> make_global_source_state(ExecContext&) const override;
    std::unique_ptr<LocalSourceState> make_local_source_state(ExecContext&, GlobalSourceState&) const override;
    void produce(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const override;
    bool parallel_source() const override { return false; }

private:
    std::vector<std::vector<ExprPtr>> rows_;  // each row's expressions (constants or constant-only expressions)
};

class PhysicalDummyScan final : public PhysicalOperator, public Source {
public:
    PhysicalDummyScan() : PhysicalOperator({}) {}
    std::string name() const override { return "DUMMY_SCAN"; }
    Source* as_source() override { return this; }
    std::unique_ptr<GlobalSourceState> make_global_source_state(ExecContext&) const override;
    std::unique_ptr<LocalSourceState> make_local_source_state(ExecContext&, GlobalSourceState&) const override;
    void produce(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const override;
    bool parallel_source() const override { return false; }
};

class PhysicalSeries final : public PhysicalOperator, public Source {
public:
    PhysicalSeries(std::vector<LogicalType> types, int64_t start, int64_t stop, int64_t step, bool inclusive);
    std::string name() const override { return "GENERATE_SERIES"; }
    Source* as_source() override { return this; }
    std::unique_ptr<GlobalSourceState> make_global_source_state(ExecContext&) const override;
    std::unique_ptr<LocalSourceState> make_local_source_state(ExecContext&, GlobalSourceState&) const override;
    void produce(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const override;
    bool parallel_source() const override { return false; }

private:
    int64_t start_, stop_, step_;
    bool inclusive_;
};

class PhysicalCteScan final : public PhysicalOperator, public Source {
public:
    PhysicalCteScan(std::vector<LogicalType> types, uint32_t cte_index) : PhysicalOperator(std::move(types)), cte_index_(cte_index) {}
    std::string name() const override { return "CTE_SCAN"; }
    Source* as_source() override { return this; }
    std::unique_ptr<GlobalSourceState> make_global_source_state(ExecContext&) const override;
    std::unique_ptr<LocalSourceState> make_local_source_state(ExecContext&, GlobalSourceState&) const override;
    void produce(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const override;
    bool parallel_source() const override { return false; }

private:
    uint32_t cte_index_;
};

}  // namespace basalt

// Reads a table: each worker takes whole row groups (the morsels) and evaluates pushed-down filters on each
// vector before anything else sees it. Rows count towards the statement's progress as their vectors are read
// or skipped, deleted and invisible ones too (the total counts them alike).
#pragma once

#include "catalog/catalog.hpp"
#include "execution/physical_operator.hpp"
#include "storage/transaction.hpp"
#include "planner/expression.hpp"

namespace basalt {

class PhysicalTableScan final : public PhysicalOperator, public Source {
public:
    PhysicalTableScan(std::vector<LogicalType> types, std::shared_ptr<TableEntry> table, std::vector<idx_t> column_ids,
                      std::vector<ExprPtr> filters, Value as_of = Value());
    std::string name() const override { return "TABLE_SCAN"; }
    std::string details() const override;
    Source* as_source() override { return this; }

    std::unique_ptr<GlobalSourceState> make_global_source_state(ExecContext&) const override;
    std::unique_ptr<LocalSourceState> make_local_source_state(ExecContext&, GlobalSourceState&) const override;
    void produce(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const override;
    uint64_t rows_to_scan(ExecContext&) const override;

private:
    std::shared_ptr<TableEntry> table_;
    std::vector<idx_t> column_ids_;
    ExprPtr filter_;  // over the scanned columns (in column_ids order); null when none
    std::vector<ZoneFilter> zone_filters_;  // the parts of the filter zone maps can decide
    Value as_of_;                           // time travel target; NULL reads the transaction's snapshot
};

}  // namespace basalt

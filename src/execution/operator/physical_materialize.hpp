// Operators that collect their input in source order: LIMIT/OFFSET and set operations
// (UNION [ALL], INTERSECT [ALL], EXCEPT [ALL]). Chunks carry the batch index of the source chunk they came
// from, so results without ORDER BY keep table order even when several workers produced them.
#pragma once

#include "execution/column_data_collection.hpp"
#include "execution/physical_operator.hpp"
#include "planner/logical_operator.hpp"

namespace basalt {

// Chunks tagged with their source order, per worker; merged and sorted once.
struct OrderedChunks {
    struct Entry {
        idx_t batch;
        idx_t sequence;
        std::unique_ptr<DataChunk> chunk;
    };
    std::vector<Entry> entries;
    void add(idx_t batch, idx_t sequence, const DataChunk& chunk);
    void sort();
};

class PhysicalLimit final : public PhysicalOperator, public Sink, public Source {
public:
    PhysicalLimit(std::vector<LogicalType> types, int64_t limit, int64_t offset)
        : PhysicalOperator(std::move(types)), limit_(limit), offset_(offset) {}
    std::string name() const override { return "LIMIT"; }
    std::string details() const override;
    Sink* as_sink() override { return this; }
    Source* as_source() override { return this; }
    std::unique_ptr<GlobalSinkState> make_global_sink_state(ExecContext&) const override;
    std::unique_ptr<LocalSinkState> make_local_sink_state(ExecContext&, GlobalSinkState&) const override;
    SinkResult consume(ExecContext&, GlobalSinkState&, LocalSinkState&, const DataChunk& in) const override;
    void combine(ExecContext&, GlobalSinkState&, LocalSinkState&) const override;
    void finalize(ExecContext&, GlobalSinkState&) const override;
    std::unique_ptr<GlobalSourceState> make_global_source_state(ExecContext&) const override;
    std::unique_ptr<LocalSourceState> make_local_source_state(ExecContext&, GlobalSourceState&) const override;
    void produce(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const override;
    bool parallel_source() const override { return false; }

private:
    int64_t limit_;
    int64_t offset_;
};

class PhysicalSetOperation final : public PhysicalOperator, public Sink, public Source {
public:
    PhysicalSetOperation(std::vector<LogicalType> types, SetOpType op, bool all)
        : PhysicalOperator(std::move(types)), op_(op), all_(all) {}
    std::string name() const override;
    Sink* as_sink() override { return this; }
    Source* as_source() override { return this; }
    std::vector<idx_t> sink_children() const override { return {0, 1}; }
    std::unique_ptr<GlobalSinkState> make_global_sink_state(ExecContext&) const override;
    std::unique_ptr<LocalSinkState> make_local_sink_state(ExecContext&, GlobalSinkState&) const override;
    SinkResult consume(ExecContext&, GlobalSinkState&, LocalSinkState&, const DataChunk& in) const override;
    void combine(ExecContext&, GlobalSinkState&, LocalSinkState&) const override;
    void finalize(ExecContext&, GlobalSinkState&) const override;
    std::unique_ptr<GlobalSourceState> make_global_source_state(ExecContext&) const override;
    std::unique_ptr<LocalSourceState> make_local_source_state(ExecContext&, GlobalSourceState&) const override;
    void produce(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk& out) const override;
    bool parallel_source() const override { return false; }

private:
    SetOpType op_;
    bool all_;
};

}  // namespace basalt

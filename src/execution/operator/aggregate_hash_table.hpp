// Groups (their key values in a ColumnDataCollection) and one block of aggregate states per group, found by
// an open-addressing hash table on the keys. One table per worker; tables are merged in combine().
#pragma once

#include <memory>
#include <vector>

#include "execution/column_data_collection.hpp"
#include "execution/spill_partitions.hpp"
#include "planner/expression.hpp"

namespace basalt {

// Layout of the states of several aggregates in one block.
struct AggregateLayout {
    std::vector<const BoundAggregate*> aggregates;
    std::vector<size_t> offsets;
    size_t size = 0;
    explicit AggregateLayout(const std::vector<const BoundAggregate*>& aggs);
};

class AggregateHashTable {
public:
    AggregateHashTable(std::vector<LogicalType> key_types, const AggregateLayout& layout);
    ~AggregateHashTable();
    AggregateHashTable(const AggregateHashTable&) = delete;
    AggregateHashTable& operator=(const AggregateHashTable&) = delete;

    idx_t group_count() const { return groups_->row_count(); }
    const AggregateLayout& layout() const { return layout_; }
    const std::shared_ptr<ColumnDataCollection>& groups() const { return groups_; }
    // For each row of keys, the state block of its group (created, with initialized states, when new).
    // new_groups (optional) receives whether each row created its group.
    void find_or_create(const DataChunk& keys, uint8_t** states, bool* new_groups = nullptr);
    uint8_t* state(idx_t group) const { return blocks_[group / kVectorSize].get() + (group % kVectorSize) * layout_.size; }
    // Moves other's groups into this table, combining states of equal groups.
    void merge(AggregateHashTable& other);
    // The same for the groups of `other` in one hash partition (the top `bits` bits of their hash equal
    // `partition`); several threads may merge different partitions of one table at once.
    void merge_partition(AggregateHashTable& other, uint64_t partition, int bits);
    size_t bytes() const;

    // Spilling (when every aggregate's state is plain bytes, or serializes itself). spill() appends every group
    // to out as its keys and its states' contents (one VARCHAR column), partitioned by the group's hash like
    // merge_partition(); the table is then to be dropped. combine_spilled() folds such rows back in.
    bool spillable() const;
    std::vector<LogicalType> spill_types() const;
    void spill(SpillPartitions& out) const;
    void combine_spilled(const DataChunk& rows);

private:
    void grow();
    uint8_t* new_state_block(idx_t group);

    const AggregateLayout& layout_;
    std::shared_ptr<ColumnDataCollection> groups_;
    std::vector<std::unique_ptr<uint8_t[]>> blocks_;
    std::vector<uint64_t> group_hashes_;
    // Open addressing: each slot holds 1 + group (0 when empty; the top bit says "packed key valid"), the upper
    // half of the group's hash and its packed key, so a probe on integer keys decides from the slot alone.
    struct Slot {
        uint32_t group_plus_one;
        uint32_t salt;
        uint64_t packed;
    };
    static constexpr uint32_t kPackedBit = 0x80000000u;
    std::vector<Slot> slots_;
    uint64_t mask_ = 0;
    // Integer keys that fit in 64 bits (one integer, or two of at most 32 bits) are also kept packed, so that
    // equal-hash candidates are compared with one machine comparison. Rows with a NULL key use the generic path.
    bool packable_ = false;
    std::vector<uint64_t> packed_;
    std::vector<uint8_t> packed_ok_;
    bool pack(const DataChunk& keys, idx_t row, uint64_t& out) const;
};

}  // namespace basalt

#include "execution/operator/aggregate_hash_table.hpp"

#include <bit>
#include <cstring>

#include "vector/vector_operations.hpp"

namespace basalt {

AggregateLayout::AggregateLayout(const std::vector<const BoundAggregate*>& aggs) : aggregates(aggs) {
    for (const auto* a : aggs) {
        offsets.push_back(size);
        size += (a->state_size + 15) & ~size_t{15};
    }
    if (size == 0) size = 16;
}

AggregateHashTable::AggregateHashTable(std::vector<LogicalType> key_types, const AggregateLayout& layout)
    : layout_(layout), groups_(std::make_shared<ColumnDataCollection>(std::move(key_types))) {
    slots_.assign(1024, 0);
    mask_ = slots_.size() - 1;
}

AggregateHashTable::~AggregateHashTable() {
    for (idx_t g = 0; g < group_count(); g++) {
        uint8_t* s = state(g);
        for (size_t a = 0; a < layout_.aggregates.size(); a++) {
            if (layout_.aggregates[a]->destroy) layout_.aggregates[a]->destroy(s + layout_.offsets[a]);
        }
    }
}

uint8_t* AggregateHashTable::new_state_block(idx_t group) {
    if (group / kVectorSize >= blocks_.size()) blocks_.push_back(std::make_unique<uint8_t[]>(layout_.size * kVectorSize));
    uint8_t* s = state(group);
    for (size_t a = 0; a < layout_.aggregates.size(); a++) layout_.aggregates[a]->initialize(s + layout_.offsets[a]);
    return s;
}

void AggregateHashTable::grow() {
    slots_.assign(slots_.size() * 2, 0);
    mask_ = slots_.size() - 1;
    for (idx_t g = 0; g < group_hashes_.size(); g++) {
        uint64_t slot = group_hashes_[g] & mask_;
        while (slots_[slot] != 0) slot = (slot + 1) & mask_;
        slots_[slot] = static_cast<uint32_t>(g + 1);
    }
}

void AggregateHashTable::find_or_create(const DataChunk& keys, uint8_t** states, bool* new_groups) {
    idx_t count = keys.size();
    uint64_t hashes[kVectorSize];
    if (keys.column_count() == 0) {
        std::fill(hashes, hashes + count, 0);
    } else {
        for (idx_t k = 0; k < keys.column_count(); k++) vector_hash(keys.column(k), count, hashes, k > 0);
    }
    std::vector<sel_t> created;
    for (idx_t i = 0; i < count; i++) {
        if ((group_hashes_.size() + created.size() + 1) * 2 > slots_.size()) {
            // Grow with pending rows appended first so their slots are rebuilt too.
            if (!created.empty()) {
                groups_->append(keys, created.data(), created.size());
                created.clear();
            }
            grow();
        }
        uint64_t slot = hashes[i] & mask_;
        while (true) {
            uint32_t entry = slots_[slot];
            if (entry == 0) {
                idx_t group = group_hashes_.size();
                group_hashes_.push_back(hashes[i]);
                slots_[slot] = static_cast<uint32_t>(group + 1);
                created.push_back(static_cast<sel_t>(i));
                states[i] = new_state_block(group);
                if (new_groups) new_groups[i] = true;
                break;
            }
            idx_t group = entry - 1;
            if (group_hashes_[group] == hashes[i]) {
                bool equal = true;
                if (group >= groups_->row_count()) {
                    // Created earlier in this same chunk: compare against the pending row.
                    sel_t pending = created[group - groups_->row_count()];
                    for (idx_t k = 0; k < keys.column_count() && equal; k++) equal = rows_equal(keys.column(k), i, keys.column(k), pending);
                } else {
                    const DataChunk& stored = groups_->chunk(group / kVectorSize);
                    idx_t offset = group % kVectorSize;
                    for (idx_t k = 0; k < keys.column_count() && equal; k++) equal = rows_equal(keys.column(k), i, stored.column(k), offset);
                }
                if (equal) {
                    states[i] = state(group);
                    if (new_groups) new_groups[i] = false;
                    break;
                }
            }
            slot = (slot + 1) & mask_;
        }
    }
    if (!created.empty()) groups_->append(keys, created.data(), created.size());
}

void AggregateHashTable::merge(AggregateHashTable& other) {
    uint8_t* targets[kVectorSize];
    uint8_t* sources[kVectorSize];
    idx_t base = 0;
    for (idx_t c = 0; c < other.groups_->chunk_count(); c++) {
        const DataChunk& keys = other.groups_->chunk(c);
        find_or_create(keys, targets);
        for (idx_t i = 0; i < keys.size(); i++) sources[i] = other.state(base + i);
        for (size_t a = 0; a < layout_.aggregates.size(); a++) {
            uint8_t* src[kVectorSize];
            uint8_t* dst[kVectorSize];
            for (idx_t i = 0; i < keys.size(); i++) {
                src[i] = sources[i] + layout_.offsets[a];
                dst[i] = targets[i] + layout_.offsets[a];
            }
            layout_.aggregates[a]->combine(src, dst, keys.size(), *layout_.aggregates[a]);
        }
        base += keys.size();
    }
}

size_t AggregateHashTable::bytes() const {
    return groups_->bytes() + blocks_.size() * layout_.size * kVectorSize + slots_.size() * 4 + group_hashes_.size() * 8;
}

}  // namespace basalt

#include "execution/operator/aggregate_hash_table.hpp"

#include <bit>
#include <cstring>

#include "common/error.hpp"
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
    : layout_(layout), groups_(std::make_shared<ColumnDataCollection>(key_types)) {
    slots_.assign(1024, Slot{});
    mask_ = slots_.size() - 1;
    // Short strings (flags, status codes) pack too: per row, when they fit.
    auto narrow = [](PhysicalType t) {
        return t == PhysicalType::kInt16 || t == PhysicalType::kInt32 || t == PhysicalType::kString;
    };
    auto integer = [&](PhysicalType t) { return narrow(t) || t == PhysicalType::kInt64; };
    if (key_types.size() == 1) packable_ = integer(key_types[0].physical());
    if (key_types.size() == 2) packable_ = narrow(key_types[0].physical()) && narrow(key_types[1].physical());
}

bool AggregateHashTable::pack(const DataChunk& keys, idx_t row, uint64_t& out) const {
    if (!packable_) return false;
    const bool single = keys.column_count() == 1;
    auto value = [&](idx_t k, int64_t& v) {
        const Vector& vec = keys.column(k);
        idx_t i = vec.is_constant() ? 0 : row;
        if (!vec.validity().is_valid(i)) return false;
        switch (vec.type().physical()) {
            case PhysicalType::kInt16: v = vec.data<int16_t>()[i]; break;
            case PhysicalType::kInt32: v = vec.data<int32_t>()[i]; break;
            case PhysicalType::kString: {
                // length in the top byte, then the bytes: up to 7 bytes alone, 3 bytes when paired
                std::string_view s = vec.data<std::string_view>()[i];
                size_t max = single ? 7 : 3;
                if (s.size() > max) return false;
                uint64_t code = static_cast<uint64_t>(s.size()) << (single ? 56 : 24);
                for (size_t b = 0; b < s.size(); b++) code |= static_cast<uint64_t>(static_cast<unsigned char>(s[b])) << (8 * b);
                v = static_cast<int64_t>(code);
                break;
            }
            default: v = vec.data<int64_t>()[i]; break;
        }
        return true;
    };
    int64_t a, b;
    if (!value(0, a)) return false;
    if (keys.column_count() == 1) {
        out = static_cast<uint64_t>(a);
        return true;
    }
    if (!value(1, b)) return false;
    out = (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    return true;
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
    // Not zero-filled: every state is set up by its aggregate's initialize().
    if (group / kVectorSize >= blocks_.size()) blocks_.push_back(std::unique_ptr<uint8_t[]>(new uint8_t[layout_.size * kVectorSize]));
    uint8_t* s = state(group);
    for (size_t a = 0; a < layout_.aggregates.size(); a++) layout_.aggregates[a]->initialize(s + layout_.offsets[a]);
    return s;
}

void AggregateHashTable::grow() {
    slots_.assign(slots_.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (idx_t g = 0; g < group_hashes_.size(); g++) {
        uint64_t slot = group_hashes_[g] & mask_;
        while ((slots_[slot].group_plus_one & ~kPackedBit) != 0) slot = (slot + 1) & mask_;
        slots_[slot] = Slot{static_cast<uint32_t>(g + 1) | (packed_ok_[g] ? kPackedBit : 0u), static_cast<uint32_t>(group_hashes_[g] >> 32),
                            packed_[g]};
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
    uint64_t previous_packed = 0;
    bool previous_ok = false;
    for (idx_t i = 0; i < count; i++) {
        uint64_t packed = 0;
        bool row_packed = pack(keys, i, packed);
        // Clustered input (rows of one order, one part in a row): the same key as the previous row needs no probe.
        if (row_packed && previous_ok && packed == previous_packed) {
            states[i] = states[i - 1];
            if (new_groups) new_groups[i] = false;
            continue;
        }
        previous_packed = packed;
        previous_ok = row_packed;
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
            const Slot& s = slots_[slot];
            uint32_t entry = s.group_plus_one & ~kPackedBit;
            if (entry == 0) {
                idx_t group = group_hashes_.size();
                group_hashes_.push_back(hashes[i]);
                packed_.push_back(packed);
                packed_ok_.push_back(row_packed);
                slots_[slot] = Slot{static_cast<uint32_t>(group + 1) | (row_packed ? kPackedBit : 0u), static_cast<uint32_t>(hashes[i] >> 32),
                                    packed};
                created.push_back(static_cast<sel_t>(i));
                states[i] = new_state_block(group);
                if (new_groups) new_groups[i] = true;
                break;
            }
            idx_t group = entry - 1;
            bool slot_packed = (s.group_plus_one & kPackedBit) != 0;
            if (row_packed && slot_packed) {
                if (s.packed == packed) {
                    states[i] = state(group);
                    if (new_groups) new_groups[i] = false;
                    break;
                }
            } else if (s.salt == static_cast<uint32_t>(hashes[i] >> 32) && group_hashes_[group] == hashes[i]) {
                bool equal = true;
                if (row_packed && packed_ok_[group]) {
                    equal = packed_[group] == packed;
                } else if (row_packed != static_cast<bool>(packed_ok_[group]) && packable_) {
                    equal = false;  // one side has a NULL key, the other not
                } else if (group >= groups_->row_count()) {
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

void AggregateHashTable::merge_partition(AggregateHashTable& other, uint64_t partition, int bits) {
    uint8_t* targets[kVectorSize];
    sel_t sel[kVectorSize];
    DataChunk keys;
    keys.initialize(other.groups_->types());
    idx_t base = 0;
    for (idx_t c = 0; c < other.groups_->chunk_count(); c++) {
        const DataChunk& chunk = other.groups_->chunk(c);
        idx_t n = 0;
        for (idx_t i = 0; i < chunk.size(); i++) {
            if ((other.group_hashes_[base + i] >> (64 - bits)) == partition) sel[n++] = static_cast<sel_t>(i);
        }
        if (n > 0) {
            keys.reset();
            chunk_gather(chunk, sel, n, keys);
            find_or_create(keys, targets);
            for (size_t a = 0; a < layout_.aggregates.size(); a++) {
                uint8_t* src[kVectorSize];
                uint8_t* dst[kVectorSize];
                for (idx_t i = 0; i < n; i++) {
                    src[i] = other.state(base + sel[i]) + layout_.offsets[a];
                    dst[i] = targets[i] + layout_.offsets[a];
                }
                layout_.aggregates[a]->combine(src, dst, n, *layout_.aggregates[a]);
            }
        }
        base += chunk.size();
    }
}

size_t AggregateHashTable::bytes() const {
    return groups_->bytes() + blocks_.size() * layout_.size * kVectorSize + slots_.size() * sizeof(Slot) + group_hashes_.size() * 8;
}

bool AggregateHashTable::spillable() const {
    for (const auto* a : layout_.aggregates) {
        // A state that owns memory elsewhere spills only through its serialize/deserialize.
        if (a->destroy && !(a->serialize && a->deserialize)) return false;
    }
    return true;
}

std::vector<LogicalType> AggregateHashTable::spill_types() const {
    std::vector<LogicalType> types = groups_->types();
    types.push_back(LogicalType::varchar());
    return types;
}

// A spilled group's states: per aggregate, a 4-byte length and its contents (the state's bytes, or what its
// serialize() wrote).
void AggregateHashTable::spill(SpillPartitions& out) const {
    DataChunk rows;
    rows.initialize(spill_types());
    idx_t keys = groups_->types().size();
    idx_t base = 0;
    std::string bytes, contents;
    for (idx_t c = 0; c < groups_->chunk_count(); c++) {
        const DataChunk& chunk = groups_->chunk(c);
        for (idx_t k = 0; k < keys; k++) rows.column(k).reference(chunk.column(k));
        Vector& states = rows.column(keys);
        states.reset();
        for (idx_t i = 0; i < chunk.size(); i++) {
            const uint8_t* s = state(base + i);
            bytes.clear();
            for (size_t a = 0; a < layout_.aggregates.size(); a++) {
                const BoundAggregate& agg = *layout_.aggregates[a];
                contents.clear();
                if (agg.serialize) {
                    agg.serialize(s + layout_.offsets[a], contents);
                } else {
                    contents.assign(reinterpret_cast<const char*>(s + layout_.offsets[a]), agg.state_size);
                }
                uint32_t length = static_cast<uint32_t>(contents.size());
                bytes.append(reinterpret_cast<const char*>(&length), sizeof length);
                bytes.append(contents);
            }
            // Copied: the spill buffers rows, and the table goes before they are written.
            states.data<std::string_view>()[i] = states.add_string(bytes);
        }
        rows.set_size(chunk.size());
        out.append(rows, group_hashes_.data() + base);
        base += chunk.size();
    }
}

void AggregateHashTable::combine_spilled(const DataChunk& rows) {
    idx_t n = rows.size();
    if (n == 0) return;
    idx_t keys = groups_->types().size();
    DataChunk key_chunk;
    key_chunk.initialize(groups_->types(), 1);
    for (idx_t k = 0; k < keys; k++) key_chunk.column(k).reference(rows.column(k));
    key_chunk.set_size(n);
    uint8_t* targets[kVectorSize];
    find_or_create(key_chunk, targets);
    // The spilled states are rebuilt into an aligned block of fresh states, combined, then destroyed.
    std::vector<uint8_t> sources(layout_.size * n);
    const Vector& states = rows.column(keys);
    for (idx_t i = 0; i < n; i++) {
        std::string_view bytes = states.data<std::string_view>()[states.is_constant() ? 0 : i];
        uint8_t* s = sources.data() + i * layout_.size;
        for (size_t a = 0; a < layout_.aggregates.size(); a++) {
            const BoundAggregate& agg = *layout_.aggregates[a];
            uint32_t length = 0;
            if (bytes.size() < sizeof length) throw Error(sql_state::kInternalError, "internal error: a spilled aggregate state is cut short");
            std::memcpy(&length, bytes.data(), sizeof length);
            bytes.remove_prefix(sizeof length);
            if (bytes.size() < length) throw Error(sql_state::kInternalError, "internal error: a spilled aggregate state is cut short");
            agg.initialize(s + layout_.offsets[a]);
            if (agg.deserialize) {
                agg.deserialize(bytes.substr(0, length), s + layout_.offsets[a]);
            } else {
                std::memcpy(s + layout_.offsets[a], bytes.data(), std::min<size_t>(length, agg.state_size));
            }
            bytes.remove_prefix(length);
        }
    }
    for (size_t a = 0; a < layout_.aggregates.size(); a++) {
        uint8_t* src[kVectorSize];
        uint8_t* dst[kVectorSize];
        for (idx_t i = 0; i < n; i++) {
            src[i] = sources.data() + i * layout_.size + layout_.offsets[a];
            dst[i] = targets[i] + layout_.offsets[a];
        }
        layout_.aggregates[a]->combine(src, dst, n, *layout_.aggregates[a]);
        if (layout_.aggregates[a]->destroy) {
            for (idx_t i = 0; i < n; i++) layout_.aggregates[a]->destroy(src[i]);
        }
    }
}

}  // namespace basalt

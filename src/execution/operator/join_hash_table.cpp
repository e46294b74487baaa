#include "execution/operator/join_hash_table.hpp"

#include <bit>

#include "common/error.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

JoinHashTable::JoinHashTable(std::vector<LogicalType> key_types, std::vector<LogicalType> payload_types)
    : key_count_(key_types.size()) {
    std::vector<LogicalType> all = key_types;
    all.insert(all.end(), payload_types.begin(), payload_types.end());
    rows_ = std::make_shared<ColumnDataCollection>(all);
}

namespace {

bool is_integer_physical(PhysicalType t) {
    return t == PhysicalType::kInt16 || t == PhysicalType::kInt32 || t == PhysicalType::kInt64;
}

int64_t integer_at(const Vector& v, idx_t row) {
    idx_t i = v.is_constant() ? 0 : row;
    switch (v.type().physical()) {
        case PhysicalType::kInt16: return v.data<int16_t>()[i];
        case PhysicalType::kInt32: return v.data<int32_t>()[i];
        default: return v.data<int64_t>()[i];
    }
}

}  // namespace

namespace {
inline uint64_t bloom_bit(uint64_t hash) { return uint64_t{1} << (32 + ((hash >> 40) & 31)); }
}  // namespace

namespace {
uint64_t bucket_count(idx_t rows) { return std::bit_ceil(std::max<uint64_t>(16, rows * 2)); }
}  // namespace

size_t JoinHashTable::build_bytes() const {
    size_t n = rows_->row_count();
    return n * (sizeof(uint64_t) + sizeof(uint32_t) + 1 + sizeof(int64_t)) + bucket_count(n) * sizeof(uint64_t);
}

void JoinHashTable::build(QueryContext& query) {
    idx_t n = rows_->row_count();
    integer_key_ = key_count_ == 1 && is_integer_physical(rows_->types()[0].physical());
    if (integer_key_) integer_keys_.resize(n);
    if (n >= UINT32_MAX - 1) throw Error(sql_state::kProgramLimitExceeded, "hash join build side exceeds 4 billion rows");
    uint64_t buckets = bucket_count(n);
    mask_ = buckets - 1;
    buckets_.assign(buckets, 0);
    next_.assign(n, 0);
    hashes_.resize(n);
    matched_ = std::make_unique<std::atomic<uint8_t>[]>(n);
    idx_t chunks = rows_->chunk_count();
    // Where each chunk's rows start (chunks are full but for the last of each merged worker's part).
    std::vector<idx_t> first_row(chunks + 1, 0);
    for (idx_t c = 0; c < chunks; c++) first_row[c + 1] = first_row[c] + rows_->chunk(c).size();
    std::atomic<bool> null_key_seen{false};
    // Small tables are not worth the hand-off.
    int tasks = n < 100000 ? 1 : std::max(1, std::min<int>(query.threads, static_cast<int>(chunks)));
    query.scheduler->parallel_for(tasks, [&](int task) {
        idx_t begin = chunks * task / tasks, end = chunks * (task + 1) / tasks;
        for (idx_t c = begin; c < end; c++) {
            if ((c & 63) == 0) query.check_interrupt();
            const DataChunk& chunk = rows_->chunk(c);
            idx_t count = chunk.size();
            idx_t row = first_row[c];
            uint64_t* h = hashes_.data() + row;
            for (idx_t i = 0; i < count; i++) matched_[row + i].store(0, std::memory_order_relaxed);
            for (idx_t k = 0; k < key_count_; k++) vector_hash(chunk.column(k), count, h, k > 0);
            if (integer_key_) {
                for (idx_t i = 0; i < count; i++) integer_keys_[row + i] = integer_at(chunk.column(0), i);
            }
            for (idx_t i = 0; i < count; i++) {
                bool null_key = false;
                for (idx_t k = 0; k < key_count_; k++) null_key = null_key || chunk.column(k).is_null(i);
                if (null_key) {
                    null_key_seen.store(true, std::memory_order_relaxed);
                    continue;  // NULL keys never match; they only matter for NOT IN
                }
                // Push the row onto its bucket's chain; other workers may push onto the same bucket at once.
                std::atomic_ref<uint64_t> bucket(buckets_[h[i] & mask_]);
                uint64_t old = bucket.load(std::memory_order_relaxed);
                uint64_t updated;
                do {
                    next_[row + i] = static_cast<uint32_t>(old);
                    updated = (old & 0xFFFFFFFF00000000ULL) | bloom_bit(h[i]) | static_cast<uint32_t>(row + i + 1);
                } while (!bucket.compare_exchange_weak(old, updated, std::memory_order_relaxed));
            }
        }
    });
    // parallel_for's wait orders every worker's writes before the probes that follow.
    has_null_key_ = null_key_seen.load();
}

void JoinHashTable::probe(const std::vector<Vector*>& keys, idx_t count, std::vector<std::pair<sel_t, uint64_t>>& matches) const {
    if (rows_->row_count() == 0) return;
    uint64_t hashes[kVectorSize];
    for (idx_t k = 0; k < key_count_; k++) vector_hash(*keys[k], count, hashes, k > 0);
    if (integer_key_ && is_integer_physical(keys[0]->type().physical())) {
        const Vector& key = *keys[0];
        bool all_valid = key.validity().all_valid();
        for (idx_t i = 0; i < count; i++) {
            if (!all_valid && key.is_null(i)) continue;
            int64_t value = integer_at(key, i);
            uint64_t bucket = buckets_[hashes[i] & mask_];
            if (!(bucket & bloom_bit(hashes[i]))) continue;
            uint32_t entry = static_cast<uint32_t>(bucket);
            while (entry != 0) {
                uint64_t r = entry - 1;
                if (integer_keys_[r] == value) matches.emplace_back(static_cast<sel_t>(i), r);
                entry = next_[r];
            }
        }
        return;
    }
    for (idx_t i = 0; i < count; i++) {
        bool null_key = false;
        for (idx_t k = 0; k < key_count_; k++) null_key = null_key || keys[k]->is_null(i);
        if (null_key) continue;
        uint64_t bucket = buckets_[hashes[i] & mask_];
        if (!(bucket & bloom_bit(hashes[i]))) continue;
        uint32_t entry = static_cast<uint32_t>(bucket);
        while (entry != 0) {
            uint64_t r = entry - 1;
            if (hashes_[r] == hashes[i]) {
                const DataChunk& chunk = rows_->chunk(r / kVectorSize);
                idx_t offset = r % kVectorSize;
                bool equal = true;
                for (idx_t k = 0; k < key_count_ && equal; k++) equal = rows_equal(*keys[k], i, chunk.column(k), offset);
                if (equal) matches.emplace_back(static_cast<sel_t>(i), r);
            }
            entry = next_[r];
        }
    }
}

}  // namespace basalt

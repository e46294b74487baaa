// The build side of a hash join: rows (join keys first, then the build side's columns) in a
// ColumnDataCollection, and a chained hash table over the keys. Built once after all workers combined their
// rows, by the query's workers in parallel (each hashes a range of chunks, then links its rows into the chains
// with compare-and-swap on the bucket words); probed concurrently afterwards (read-only except the per-row match
// flags, written with relaxed atomics).
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "execution/column_data_collection.hpp"
#include "execution/physical_operator.hpp"

namespace basalt {

class JoinHashTable {
public:
    JoinHashTable(std::vector<LogicalType> key_types, std::vector<LogicalType> payload_types);

    idx_t key_count() const { return key_count_; }
    const std::shared_ptr<ColumnDataCollection>& rows() const { return rows_; }
    bool has_null_key() const { return has_null_key_; }
    idx_t size() const { return rows_->row_count(); }

    // Called once after all rows are in rows(); runs on the query's workers.
    void build(QueryContext& query);
    // The memory build() adds to the rows: per row its hash, chain link, match flag and integer key copy; buckets.
    size_t build_bytes() const;

    // Appends to `matches` every (probe row, build row) whose keys are equal (NULL keys never match).
    void probe(const std::vector<Vector*>& keys, idx_t count, std::vector<std::pair<sel_t, uint64_t>>& matches) const;

    void mark_matched(uint64_t row) { matched_[row].store(1, std::memory_order_relaxed); }
    bool was_matched(uint64_t row) const { return matched_[row].load(std::memory_order_relaxed) != 0; }

private:
    idx_t key_count_;
    std::shared_ptr<ColumnDataCollection> rows_;
    std::vector<uint64_t> hashes_;
    // Per bucket: low 32 bits 1 + first row of the chain (0 when empty), high 32 bits a one-word Bloom filter of
    // the chain's hashes, so most probes that find nothing stop at the bucket without touching the rows.
    std::vector<uint64_t> buckets_;
    std::vector<uint32_t> next_;     // 1 + next row of the chain, 0 at the end
    uint64_t mask_ = 0;
    bool has_null_key_ = false;
    std::unique_ptr<std::atomic<uint8_t>[]> matched_;
    // One integer key (the common case: order keys, part keys, ...): keys copied to a flat array so the probe
    // compares machine integers instead of going through generic vector comparisons.
    bool integer_key_ = false;
    std::vector<int64_t> integer_keys_;
};

}  // namespace basalt

// Per-column statistics kept while rows are appended: a HyperLogLog sketch of distinct values (4096 registers,
// about 1.6% error) and the NULL count. The optimizer reads them to estimate join sizes.
#pragma once

#include <array>
#include <cstdint>

#include "storage/binary_io.hpp"
#include "vector/vector.hpp"

namespace basalt {

class ColumnStatistics {
public:
    void update(const Vector& v, idx_t count);
    // Adds the values other saw (a transaction's row groups written before commit join the table's).
    void merge(const ColumnStatistics& other);
    double distinct_count() const;
    uint64_t null_count() const { return nulls_; }

    // Kept in checkpoint manifests so the optimizer's estimates survive a restart.
    void write(BinaryWriter& out) const;
    void read(BinaryReader& in);

private:
    static constexpr int kBits = 12;
    std::array<uint8_t, 1 << kBits> registers_{};
    uint64_t nulls_ = 0;
};

}  // namespace basalt

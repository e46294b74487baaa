#include "storage/column_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "vector/vector_operations.hpp"

namespace basalt {

void ColumnStatistics::update(const Vector& v, idx_t count) {
    uint64_t hashes[kVectorSize];
    idx_t n = v.is_constant() ? 1 : count;
    vector_hash(v, n, hashes, false);
    for (idx_t i = 0; i < n; i++) {
        if (v.is_null(i)) {
            nulls_ += v.is_constant() ? count : 1;
            continue;
        }
        uint64_t h = hashes[i];
        uint32_t index = static_cast<uint32_t>(h >> (64 - kBits));
        uint64_t rest = (h << kBits) | (uint64_t{1} << (kBits - 1));
        uint8_t rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
        if (rank > registers_[index]) registers_[index] = rank;
    }
}

void ColumnStatistics::merge(const ColumnStatistics& other) {
    for (size_t i = 0; i < registers_.size(); i++) registers_[i] = std::max(registers_[i], other.registers_[i]);
    nulls_ += other.nulls_;
}

double ColumnStatistics::distinct_count() const {
    double sum = 0;
    int zeros = 0;
    for (uint8_t r : registers_) {
        sum += std::ldexp(1.0, -r);
        zeros += r == 0;
    }
    double m = static_cast<double>(registers_.size());
    double estimate = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
    if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / zeros);
    return estimate;
}

void ColumnStatistics::write(BinaryWriter& out) const {
    out.write<uint64_t>(nulls_);
    out.write_bytes(registers_.data(), registers_.size());
}

void ColumnStatistics::read(BinaryReader& in) {
    nulls_ = in.read<uint64_t>();
    std::memcpy(registers_.data(), in.take(registers_.size()), registers_.size());
}

}  // namespace basalt

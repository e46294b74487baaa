// Validity (NULL) bits of a vector: bit i set means row i is valid. An empty mask means "all valid", so the
// common no-NULL case costs nothing to create or test.
#pragma once

#include <cstdint>
#include <vector>

namespace basalt {

using idx_t = uint64_t;
using sel_t = uint32_t;

class ValidityMask {
public:
    bool all_valid() const { return bits_.empty(); }
    bool is_valid(idx_t row) const { return bits_.empty() || (bits_[row >> 6] >> (row & 63)) & 1; }
    void set_invalid(idx_t row, idx_t capacity) {
        ensure_bits(capacity);
        bits_[row >> 6] &= ~(uint64_t{1} << (row & 63));
    }
    void set_valid(idx_t row) {
        if (!bits_.empty()) bits_[row >> 6] |= uint64_t{1} << (row & 63);
    }
    void set(idx_t row, bool valid, idx_t capacity) {
        if (valid) {
            set_valid(row);
        } else {
            set_invalid(row, capacity);
        }
    }
    void reset() { bits_.clear(); }
    // Makes room for `capacity` rows, all valid, keeping existing bits.
    void ensure_bits(idx_t capacity) {
        idx_t words = (capacity + 63) / 64;
        if (bits_.size() < words) bits_.resize(words, ~uint64_t{0});
    }
    const uint64_t* words() const { return bits_.data(); }

private:
    std::vector<uint64_t> bits_;
};

}  // namespace basalt

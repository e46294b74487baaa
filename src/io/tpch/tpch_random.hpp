#pragma once

// Deterministic random numbers for the TPC-H generator.
//
// Every generated unit (a row, a part with its four partsupp rows, an order with its lineitems, a chunk of the
// text pool) gets its own short stream, seeded from (stream id, unit index). Any unit can therefore be produced
// without producing the ones before it, which is what lets a table be split into parts at arbitrary boundaries
// and generated in parallel while the concatenated output stays identical for any number of parts or threads.
//
// The generator is SplitMix64: tiny state, fast, and statistically good enough for benchmark data; the seed is
// passed through the same finaliser so neighbouring unit indices give unrelated streams.

#include <cstdint>

namespace basalt {

// 128-bit products for range mapping (GCC/Clang extension; __extension__ keeps -Wpedantic quiet).
__extension__ typedef unsigned __int128 TpchUint128;

// Stream ids: one per table or purpose, so that streams of different tables never coincide.
enum class TpchStream : uint64_t {
    kRegion = 1,
    kNation = 2,
    kSupplier = 3,
    kSupplierSpecial = 4,  // which supplier rows carry the "Customer ... Complaints/Recommends" text
    kCustomer = 5,
    kPart = 6,
    kPartSupp = 7,
    kOrders = 8,
    kLineCount = 9,  // per block of 7 orders: how many lineitems each order has
    kTextPool = 10,
};

class TpchRandom {
public:
    TpchRandom(TpchStream stream, uint64_t index)
        : state_(mix(mix(static_cast<uint64_t>(stream) * kStreamMultiplier) ^ (index + kIndexOffset))) {}

    uint64_t next() {
        state_ += kGamma;
        return mix(state_);
    }

    // Uniform integer in [lo, hi] (inclusive, lo <= hi). Multiply-shift mapping: the bias is below 2^-40 for
    // every range used here, far below anything a benchmark query could observe.
    int64_t uniform(int64_t lo, int64_t hi) {
        const uint64_t range = static_cast<uint64_t>(hi - lo) + 1;
        return lo + static_cast<int64_t>((static_cast<TpchUint128>(next()) * range) >> 64);
    }

private:
    static constexpr uint64_t kGamma = 0x9e3779b97f4a7c15ULL;
    static constexpr uint64_t kStreamMultiplier = 0xd1b54a32d192ed03ULL;
    static constexpr uint64_t kIndexOffset = 0x632be59bd9b4e019ULL;

    static uint64_t mix(uint64_t z) {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    uint64_t state_;
};

}  // namespace basalt

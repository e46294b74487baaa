#include "execution/operator/window_sort.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "types/physical_dispatch.hpp"

namespace basalt {

namespace {

bool encodable(PhysicalType p) {
    switch (p) {
        case PhysicalType::kBool:
        case PhysicalType::kInt16:
        case PhysicalType::kInt32:
        case PhysicalType::kInt64:
        case PhysicalType::kFloat:
        case PhysicalType::kDouble: return true;
        default: return false;
    }
}

// An unsigned integer ordered as the value; NaN above every number and equal to itself, -0 equal to 0, as
// compare_rows orders them.
template <class T>
uint64_t encode(T v) {
    if constexpr (std::is_same_v<T, bool>) {
        return v ? 1 : 0;
    } else if constexpr (std::is_floating_point_v<T>) {
        double d = static_cast<double>(v);
        if (std::isnan(d)) return ~uint64_t{0};
        if (d == 0) d = 0;
        uint64_t bits = std::bit_cast<uint64_t>(d);
        return bits >> 63 ? ~bits : bits | (uint64_t{1} << 63);
    } else {
        return static_cast<uint64_t>(static_cast<int64_t>(v)) ^ (uint64_t{1} << 63);
    }
}

// Per key: rank (0: NULLS FIRST null, 1: a value, 2: NULLS LAST null) then the encoded value.
struct EncodedKey {
    std::vector<uint8_t> rank;
    std::vector<uint64_t> value;
};

}  // namespace

void sort_window_rows(const ColumnDataCollection& rows, const std::vector<SortKey>& keys, std::vector<uint64_t>& row_ids) {
    for (const SortKey& k : keys) {
        if (!encodable(rows.types()[k.column].physical())) {
            sort_rows(rows, keys, row_ids);
            return;
        }
    }
    idx_t n = rows.row_count();
    std::vector<EncodedKey> encoded(keys.size());
    for (size_t ki = 0; ki < keys.size(); ki++) {
        const SortKey& key = keys[ki];
        EncodedKey& e = encoded[ki];
        e.rank.resize(n);
        e.value.resize(n);
        for (idx_t c = 0; c < rows.chunk_count(); c++) {
            const Vector& v = rows.chunk(c).column(key.column);
            idx_t base = c * kVectorSize, count = rows.chunk(c).size();
            dispatch_physical(v.type().physical(), [&](auto tag) {
                using T = typename decltype(tag)::type;
                if constexpr (std::is_arithmetic_v<T>) {
                    const T* data = v.data<T>();
                    for (idx_t i = 0; i < count; i++) {
                        idx_t r = v.is_constant() ? 0 : i;
                        if (v.validity().is_valid(r)) {
                            uint64_t x = encode<T>(data[r]);
                            e.rank[base + i] = 1;
                            e.value[base + i] = key.descending ? ~x : x;
                        } else {
                            e.rank[base + i] = key.nulls_first ? 0 : 2;
                            e.value[base + i] = 0;
                        }
                    }
                }
            });
        }
    }
    std::sort(row_ids.begin(), row_ids.end(), [&](uint64_t a, uint64_t b) {
        for (const EncodedKey& e : encoded) {
            if (e.rank[a] != e.rank[b]) return e.rank[a] < e.rank[b];
            if (e.value[a] != e.value[b]) return e.value[a] < e.value[b];
        }
        return a < b;  // ties keep input order
    });
}

}  // namespace basalt

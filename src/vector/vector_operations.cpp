#include "vector/vector_operations.hpp"

#include <cmath>
#include <cstring>

#include "common/error.hpp"
#include "types/datetime.hpp"
#include "types/physical_dispatch.hpp"
#include "vector/value_compare.hpp"

namespace basalt {

void vector_gather(const Vector& src, const sel_t* sel, idx_t count, Vector& dst) {
    if (dst.type() != src.type() || dst.capacity() < count) dst = Vector(src.type(), std::max<idx_t>(count, 1));
    dst.reset();
    dst.keep_alive_from(src);
    dispatch_physical(src.type().physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* in = src.data<T>();
        T* out = dst.data<T>();
        const ValidityMask& valid = src.validity();
        if (src.is_constant()) {
            if (!valid.is_valid(0)) {
                for (idx_t i = 0; i < count; i++) dst.set_null(i);
            } else {
                for (idx_t i = 0; i < count; i++) out[i] = in[0];
            }
            return;
        }
        if (sel) {
            for (idx_t i = 0; i < count; i++) out[i] = in[sel[i]];
            if (!valid.all_valid()) {
                for (idx_t i = 0; i < count; i++) {
                    if (!valid.is_valid(sel[i])) dst.set_null(i);
                }
            }
        } else {
            std::memcpy(static_cast<void*>(out), in, count * sizeof(T));
            if (!valid.all_valid()) {
                for (idx_t i = 0; i < count; i++) {
                    if (!valid.is_valid(i)) dst.set_null(i);
                }
            }
        }
    });
}

void chunk_gather(const DataChunk& src, const sel_t* sel, idx_t count, DataChunk& dst) {
    if (dst.column_count() != src.column_count()) dst.initialize(src.types(), std::max<idx_t>(count, kVectorSize));
    for (idx_t c = 0; c < src.column_count(); c++) vector_gather(src.column(c), sel, count, dst.column(c));
    dst.set_size(count);
}

std::unique_ptr<DataChunk> chunk_gather_columns(const DataChunk& src, const std::vector<idx_t>& columns, const sel_t* sel,
                                                idx_t count) {
    auto out = std::make_unique<DataChunk>();
    std::vector<LogicalType> types;
    for (idx_t c : columns) types.push_back(src.column(c).type());
    out->initialize(types, std::max<idx_t>(count, kVectorSize));
    for (size_t i = 0; i < columns.size(); i++) vector_gather(src.column(columns[i]), sel, count, out->column(i));
    out->set_size(count);
    return out;
}

void vector_copy(const Vector& src, idx_t src_offset, idx_t count, Vector& dst, idx_t dst_offset) {
    BASALT_ASSERT(dst_offset + count <= dst.capacity(), "vector_copy past the destination's capacity");
    dst.keep_alive_from(src);
    dispatch_physical(src.type().physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* in = src.data<T>();
        T* out = dst.data<T>() + dst_offset;
        const ValidityMask& valid = src.validity();
        if (src.is_constant()) {
            bool is_valid = valid.is_valid(0);
            for (idx_t i = 0; i < count; i++) {
                out[i] = in[0];
                if (!is_valid) dst.set_null(dst_offset + i);
            }
            return;
        }
        std::memcpy(static_cast<void*>(out), in + src_offset, count * sizeof(T));
        if (!valid.all_valid()) {
            for (idx_t i = 0; i < count; i++) {
                if (!valid.is_valid(src_offset + i)) dst.set_null(dst_offset + i);
            }
        }
    });
}

void vector_copy_owned(const Vector& src, idx_t src_offset, idx_t count, Vector& dst, idx_t dst_offset) {
    if (src.type().physical() != PhysicalType::kString) {
        vector_copy(src, src_offset, count, dst, dst_offset);
        return;
    }
    BASALT_ASSERT(dst_offset + count <= dst.capacity(), "vector_copy_owned past the destination's capacity");
    const auto* in = src.data<std::string_view>();
    auto* out = dst.data<std::string_view>();
    for (idx_t i = 0; i < count; i++) {
        idx_t row = src.is_constant() ? 0 : src_offset + i;
        if (src.validity().is_valid(row)) {
            out[dst_offset + i] = dst.add_string(in[row]);
        } else {
            out[dst_offset + i] = {};
            dst.set_null(dst_offset + i);
        }
    }
}

void vector_flatten(Vector& v, idx_t count) {
    if (!v.is_constant()) return;
    Vector flat(v.type(), std::max<idx_t>(count, kVectorSize));
    vector_gather(v, nullptr, count, flat);
    v = std::move(flat);
}

uint64_t hash_bytes(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    uint64_t h = 0x243f6a8885a308d3ULL ^ (size * 0x9e3779b97f4a7c15ULL);
    while (size >= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ hash_mix(w)) * 0x9fb21c651e98df25ULL;
        p += 8;
        size -= 8;
    }
    uint64_t tail = 0;
    if (size > 0) std::memcpy(&tail, p, size);  // an empty string may have no data pointer at all
    h ^= hash_mix(tail + size);
    return hash_mix(h);
}

namespace {

constexpr uint64_t kNullHash = 0xbf58476d1ce4e5b9ULL;

}  // namespace

void vector_hash(const Vector& v, idx_t count, uint64_t* hashes, bool combine) {
    dispatch_physical(v.type().physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* data = v.data<T>();
        const ValidityMask& valid = v.validity();
        if (v.is_constant()) {
            uint64_t h = valid.is_valid(0) ? hash_value<T>(data[0]) : kNullHash;
            for (idx_t i = 0; i < count; i++) hashes[i] = combine ? hash_combine(hashes[i], h) : h;
            return;
        }
        for (idx_t i = 0; i < count; i++) {
            uint64_t h = valid.is_valid(i) ? hash_value<T>(data[i]) : kNullHash;
            hashes[i] = combine ? hash_combine(hashes[i], h) : h;
        }
    });
}

int compare_rows(const Vector& a, idx_t row_a, const Vector& b, idx_t row_b) {
    idx_t ia = a.is_constant() ? 0 : row_a;
    idx_t ib = b.is_constant() ? 0 : row_b;
    bool va = a.validity().is_valid(ia), vb = b.validity().is_valid(ib);
    if (!va || !vb) return va == vb ? 0 : (va ? -1 : 1);
    return dispatch_physical(a.type().physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        return compare_values<T>(a.data<T>()[ia], b.data<T>()[ib]);
    });
}

bool rows_equal(const Vector& a, idx_t row_a, const Vector& b, idx_t row_b) {
    return compare_rows(a, row_a, b, row_b) == 0;
}

}  // namespace basalt

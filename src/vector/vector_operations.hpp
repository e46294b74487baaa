// Whole-vector operations shared by operators: gathering rows by a selection, appending, hashing, comparing
// single rows across vectors.
#pragma once

#include <memory>
#include <vector>

#include "vector/data_chunk.hpp"

namespace basalt {

// dst[i] = src[sel[i]] for i < count (sel == nullptr means identity); dst becomes a flat vector.
void vector_gather(const Vector& src, const sel_t* sel, idx_t count, Vector& dst);
void chunk_gather(const DataChunk& src, const sel_t* sel, idx_t count, DataChunk& dst);
// A new chunk holding the selected rows of some of src's columns, in the order `columns` lists them.
std::unique_ptr<DataChunk> chunk_gather_columns(const DataChunk& src, const std::vector<idx_t>& columns, const sel_t* sel,
                                                idx_t count);
// dst[dst_offset + i] = src[src_offset + i]; dst must have room. String bytes stay where they are; dst keeps
// src's string owners alive.
void vector_copy(const Vector& src, idx_t src_offset, idx_t count, Vector& dst, idx_t dst_offset);
// Converts a constant vector into a flat one of `count` rows.
void vector_flatten(Vector& v, idx_t count);
// Like vector_copy, but string bytes are copied into dst's own heap, so dst does not keep src alive (stored
// rows must not pin the buffers of the query that produced them).
void vector_copy_owned(const Vector& src, idx_t src_offset, idx_t count, Vector& dst, idx_t dst_offset);

// hashes[i] = hash(v[i]) (combine=false) or hashes[i] = mix(hashes[i], hash(v[i])) (combine=true).
// NULLs hash to a fixed value.
void vector_hash(const Vector& v, idx_t count, uint64_t* hashes, bool combine);

// Three-way comparison of single rows of two vectors of the same physical type; NULLs compare as larger than
// every value (callers handle NULLS FIRST by inverting).
int compare_rows(const Vector& a, idx_t row_a, const Vector& b, idx_t row_b);
bool rows_equal(const Vector& a, idx_t row_a, const Vector& b, idx_t row_b);  // NULL == NULL is true here

uint64_t hash_bytes(const void* data, size_t size);
inline uint64_t hash_mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}
inline uint64_t hash_combine(uint64_t a, uint64_t b) { return hash_mix(a * 0x9e3779b97f4a7c15ULL + b); }

}  // namespace basalt

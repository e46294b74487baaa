#include "execution/operator/row_sort.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>

#include "execution/column_data_collection.hpp"
#include "types/physical_dispatch.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

int compare_collection_rows(const ColumnDataCollection& rows, const std::vector<SortKey>& keys, uint64_t a, uint64_t b) {
    for (const auto& k : keys) {
        const Vector& va = rows.column(a, k.column);
        const Vector& vb = rows.column(b, k.column);
        idx_t oa = ColumnDataCollection::offset(a), ob = ColumnDataCollection::offset(b);
        bool na = va.is_null(oa), nb = vb.is_null(ob);
        if (na || nb) {
            if (na && nb) continue;
            // NULLs sort as if larger than every value unless NULLS FIRST says otherwise.
            return na == k.nulls_first ? -1 : 1;
        }
        int c = compare_rows(va, oa, vb, ob);
        if (c != 0) return k.descending ? -c : c;
    }
    return 0;
}

namespace {

// Rows per sorted run: a run is the unit of work between cancel checks.
constexpr size_t kRunRows = 1 << 20;

// Words a key takes in the normalized key, and whether equal words may still hide a difference.
struct KeyLayout {
    int words = 0;
    bool tiebreak = false;
};

KeyLayout key_layout(PhysicalType p) {
    switch (p) {
        case PhysicalType::kBool:
        case PhysicalType::kInt16:
        case PhysicalType::kInt32: return {1, false};  // rank and value share a word
        case PhysicalType::kInt64:
        case PhysicalType::kFloat:
        case PhysicalType::kDouble: return {2, false};
        case PhysicalType::kInt128: return {3, false};
        case PhysicalType::kString: return {2, true};  // 8-byte prefix
        case PhysicalType::kInterval: return {1, true};  // rank only: intervals compare normalized, in full
    }
    return {1, true};
}

uint64_t order_bits(double d) {
    // NaN above every number and equal to itself; -0 equal to 0 (compare_values' order).
    if (std::isnan(d)) return ~uint64_t{0};
    if (d == 0) d = 0;
    uint64_t bits = std::bit_cast<uint64_t>(d);
    return bits >> 63 ? ~bits : bits | (uint64_t{1} << 63);
}

uint64_t string_prefix(std::string_view s) {
    uint64_t out = 0;
    for (size_t i = 0; i < 8; i++) out = (out << 8) | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0);
    return out;
}

// Writes one key of rows [first, first + count) of a chunk into `out` (row-major, `stride` words per row).
void encode_key(const Vector& v, idx_t count, const SortKey& key, uint64_t* out, size_t stride) {
    uint64_t null_rank = key.nulls_first ? 0 : 2;
    PhysicalType p = v.type().physical();
    for (idx_t i = 0; i < count; i++) {
        idx_t r = v.is_constant() ? 0 : i;
        uint64_t* w = out + i * stride;
        bool valid = v.validity().is_valid(r);
        switch (p) {
            case PhysicalType::kBool:
            case PhysicalType::kInt16:
            case PhysicalType::kInt32: {
                uint32_t x = 0;
                if (valid) {
                    int32_t value = p == PhysicalType::kBool ? v.data<bool>()[r] : p == PhysicalType::kInt16 ? v.data<int16_t>()[r] : v.data<int32_t>()[r];
                    x = static_cast<uint32_t>(value) ^ 0x80000000u;
                    if (key.descending) x = ~x;
                }
                w[0] = ((valid ? uint64_t{1} : null_rank) << 32) | x;
                break;
            }
            case PhysicalType::kInt64:
            case PhysicalType::kFloat:
            case PhysicalType::kDouble: {
                uint64_t x = 0;
                if (valid) {
                    x = p == PhysicalType::kInt64 ? static_cast<uint64_t>(v.data<int64_t>()[r]) ^ (uint64_t{1} << 63)
                        : p == PhysicalType::kFloat ? order_bits(v.data<float>()[r])
                                                    : order_bits(v.data<double>()[r]);
                    if (key.descending) x = ~x;
                }
                w[0] = valid ? 1 : null_rank;
                w[1] = x;
                break;
            }
            case PhysicalType::kInt128: {
                uint64_t hi = 0, lo = 0;
                if (valid) {
                    int128_t value = v.data<int128_t>()[r];
                    hi = static_cast<uint64_t>(static_cast<__int128>(value) >> 64) ^ (uint64_t{1} << 63);
                    lo = static_cast<uint64_t>(value);
                    if (key.descending) {
                        hi = ~hi;
                        lo = ~lo;
                    }
                }
                w[0] = valid ? 1 : null_rank;
                w[1] = hi;
                w[2] = lo;
                break;
            }
            case PhysicalType::kString: {
                uint64_t x = 0;
                if (valid) {
                    x = string_prefix(v.data<std::string_view>()[r]);
                    if (key.descending) x = ~x;
                }
                w[0] = valid ? 1 : null_rank;
                w[1] = x;
                break;
            }
            case PhysicalType::kInterval: w[0] = valid ? 1 : null_rank; break;
        }
    }
}

// Sorts fixed-size records (K key words, then the row id) made from the normalized keys.
template <int K>
struct Record {
    uint64_t w[K];
    uint64_t row;
};

template <int K>
class RecordSorter {
public:
    RecordSorter(const ColumnDataCollection& rows, const std::vector<SortKey>& keys, bool tiebreak)
        : rows_(rows), keys_(keys), tiebreak_(tiebreak) {}

    bool less(const Record<K>& a, const Record<K>& b) const {
        for (int i = 0; i < K; i++) {
            if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
        }
        if (tiebreak_) {
            int c = compare_collection_rows(rows_, keys_, a.row, b.row);
            if (c != 0) return c < 0;
        }
        return a.row < b.row;
    }

    void sort(std::vector<uint64_t>&& words, std::vector<uint64_t>& row_ids, int64_t keep, QueryContext* query) {
        size_t n = row_ids.size();
        std::vector<Record<K>> records(n);
        for (size_t i = 0; i < n; i++) {
            uint64_t row = row_ids[i];
            std::memcpy(records[i].w, words.data() + row * K, sizeof(uint64_t) * K);
            records[i].row = row;
        }
        std::vector<uint64_t>().swap(words);  // the records hold the keys now
        auto cmp = [this](const Record<K>& a, const Record<K>& b) { return less(a, b); };
        size_t keep_rows = keep >= 0 ? std::min<size_t>(static_cast<size_t>(keep), n) : n;
        // Runs: sorted (or top-N cut) independently, by as many workers as the query may use.
        size_t run_count = std::max<size_t>(1, (n + kRunRows - 1) / kRunRows);
        int threads = query ? query->threads : 1;
        if (threads > 1 && n >= 100000) run_count = std::max<size_t>(run_count, static_cast<size_t>(threads));
        std::vector<std::pair<size_t, size_t>> runs;  // [begin, end) after sorting (end shrinks for top-N)
        for (size_t r = 0; r < run_count; r++) runs.emplace_back(n * r / run_count, n * (r + 1) / run_count);
        auto sort_run = [&](int r) {
            if (query) query->check_interrupt();
            auto& [begin, end] = runs[static_cast<size_t>(r)];
            if (keep_rows < end - begin) {
                std::partial_sort(records.begin() + begin, records.begin() + begin + keep_rows, records.begin() + end, cmp);
                end = begin + keep_rows;
            } else {
                std::sort(records.begin() + begin, records.begin() + end, cmp);
            }
        };
        run_in_parallel(query, static_cast<int>(runs.size()), sort_run);
        // Merge runs pairwise until one is left.
        std::vector<Record<K>> buffer(runs.size() > 1 ? records.size() : 0);
        while (runs.size() > 1) {
            std::vector<std::pair<size_t, size_t>> merged;
            std::vector<std::function<void()>> pieces;
            size_t out = 0;
            for (size_t r = 0; r < runs.size(); r += 2) {
                if (r + 1 == runs.size()) {
                    auto [begin, end] = runs[r];
                    size_t at = out;
                    pieces.push_back([&, begin, end, at] { std::copy(records.begin() + begin, records.begin() + end, buffer.begin() + at); });
                    merged.emplace_back(out, out + (end - begin));
                    out += end - begin;
                    continue;
                }
                auto [a_begin, a_end] = runs[r];
                auto [b_begin, b_end] = runs[r + 1];
                size_t total = (a_end - a_begin) + (b_end - b_begin);
                // Split the merged output into equal parts; each starts where the merge path crosses it.
                size_t parts = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(threads), total / 50000 + 1));
                for (size_t part = 0; part < parts; part++) {
                    size_t from = total * part / parts, to = total * (part + 1) / parts;
                    size_t at = out;
                    pieces.push_back([&, a_begin, a_end, b_begin, b_end, from, to, at] {
                        auto [ai, bi] = co_rank(records, a_begin, a_end, b_begin, b_end, from, cmp);
                        auto [aj, bj] = co_rank(records, a_begin, a_end, b_begin, b_end, to, cmp);
                        std::merge(records.begin() + ai, records.begin() + aj, records.begin() + bi, records.begin() + bj,
                                   buffer.begin() + at + from, cmp);
                    });
                }
                merged.emplace_back(out, out + total);
                out += total;
            }
            run_in_parallel(query, static_cast<int>(pieces.size()), [&](int i) {
                if (query) query->check_interrupt();
                pieces[static_cast<size_t>(i)]();
            });
            records.swap(buffer);
            runs = std::move(merged);
        }
        size_t result = std::min(keep_rows, runs.empty() ? 0 : runs[0].second - runs[0].first);
        row_ids.resize(result);
        for (size_t i = 0; i < result; i++) row_ids[i] = records[runs[0].first + i].row;
    }

private:
    // Where the merge of a = [a_begin, a_end) and b = [b_begin, b_end) has emitted k records: (next of a, next of b).
    template <class Cmp>
    static std::pair<size_t, size_t> co_rank(const std::vector<Record<K>>& r, size_t a_begin, size_t a_end, size_t b_begin,
                                             size_t b_end, size_t k, Cmp cmp) {
        size_t a_len = a_end - a_begin, b_len = b_end - b_begin;
        size_t low = k > b_len ? k - b_len : 0, high = std::min(k, a_len);
        // Find i (taken from a) with a[i-1] < b[k-i] and b[k-i-1] < a[i]; keys never tie (row ids differ).
        while (low < high) {
            size_t i = (low + high) / 2;
            size_t j = k - i;
            if (j > 0 && i < a_len && cmp(r[a_begin + i], r[b_begin + j - 1])) {
                low = i + 1;  // a[i] goes before b[j-1]: take more of a
            } else {
                high = i;
            }
        }
        return {a_begin + low, b_begin + (k - low)};
    }

    static void run_in_parallel(QueryContext* query, int count, const std::function<void(int)>& work) {
        if (!query || query->threads <= 1 || count <= 1) {
            for (int i = 0; i < count; i++) work(i);
            return;
        }
        query->scheduler->parallel_for(count, work);
    }

    const ColumnDataCollection& rows_;
    const std::vector<SortKey>& keys_;
    bool tiebreak_;
};

void sort_indirect(const ColumnDataCollection& rows, const std::vector<SortKey>& keys, std::vector<uint64_t>& row_ids, int64_t keep) {
    auto less = [&](uint64_t a, uint64_t b) {
        int c = compare_collection_rows(rows, keys, a, b);
        return c != 0 ? c < 0 : a < b;  // ties keep input order
    };
    if (keep >= 0 && static_cast<uint64_t>(keep) < row_ids.size()) {
        std::partial_sort(row_ids.begin(), row_ids.begin() + keep, row_ids.end(), less);
        row_ids.resize(static_cast<size_t>(keep));
    } else {
        std::sort(row_ids.begin(), row_ids.end(), less);
    }
}

// keys: all of them (the full comparison); encoded: the leading ones whose words the records carry.
template <int K>
void sort_records(const ColumnDataCollection& rows, const std::vector<SortKey>& keys, const std::vector<SortKey>& encoded,
                  std::vector<uint64_t>& row_ids, int64_t keep, QueryContext* query, const std::vector<KeyLayout>& layouts,
                  bool tiebreak) {
    idx_t n = rows.row_count();
    std::vector<uint64_t> words(static_cast<size_t>(n) * K);
    for (idx_t c = 0; c < rows.chunk_count(); c++) {
        const DataChunk& chunk = rows.chunk(c);
        size_t offset = 0;
        for (size_t k = 0; k < encoded.size(); k++) {
            encode_key(chunk.column(encoded[k].column), chunk.size(), encoded[k], words.data() + c * kVectorSize * K + offset, K);
            offset += static_cast<size_t>(layouts[k].words);
        }
    }
    RecordSorter<K>(rows, keys, tiebreak).sort(std::move(words), row_ids, keep, query);
}

}  // namespace

void sort_rows(const ColumnDataCollection& rows, const std::vector<SortKey>& keys, std::vector<uint64_t>& row_ids, int64_t keep,
               QueryContext* query) {
    // Keys are encoded up to the first whose words can tie for different values (a string past its prefix, an
    // interval): the keys after it may only decide between rows equal on it, which the full comparison does.
    std::vector<KeyLayout> layouts;
    std::vector<SortKey> encoded;
    int words = 0;
    bool tiebreak = false;
    for (const SortKey& k : keys) {
        layouts.push_back(key_layout(rows.types()[k.column].physical()));
        encoded.push_back(k);
        words += layouts.back().words;
        if (layouts.back().tiebreak) {
            tiebreak = true;
            break;
        }
    }
    // Row ids index the encoded words: chunks must be full but the last (ColumnDataCollection keeps them so).
    switch (words) {
        case 1: return sort_records<1>(rows, keys, encoded, row_ids, keep, query, layouts, tiebreak);
        case 2: return sort_records<2>(rows, keys, encoded, row_ids, keep, query, layouts, tiebreak);
        case 3: return sort_records<3>(rows, keys, encoded, row_ids, keep, query, layouts, tiebreak);
        case 4: return sort_records<4>(rows, keys, encoded, row_ids, keep, query, layouts, tiebreak);
        case 5: return sort_records<5>(rows, keys, encoded, row_ids, keep, query, layouts, tiebreak);
        case 6: return sort_records<6>(rows, keys, encoded, row_ids, keep, query, layouts, tiebreak);
        default: return sort_indirect(rows, keys, row_ids, keep);
    }
}

}  // namespace basalt

#include "storage/column_encoding.hpp"

#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <unordered_map>

#include "common/error.hpp"
#include "storage/binary_io.hpp"
#include "types/physical_dispatch.hpp"

namespace basalt {

const char* encoding_name(Encoding encoding) {
    switch (encoding) {
        case Encoding::kPlain: return "plain";
        case Encoding::kConstant: return "constant";
        case Encoding::kDictionary: return "dictionary";
        case Encoding::kRunLength: return "run-length";
        case Encoding::kBitPacked: return "bit-packed";
        case Encoding::kDelta: return "delta";
    }
    return "?";
}

const char* compression_name(Compression compression) {
    switch (compression) {
        case Compression::kNone: return "none";
        case Compression::kZstd: return "zstd";
        case Compression::kLz4: return "lz4";
    }
    return "?";
}

namespace {

// Dictionaries larger than this are not worth their lookup table.
constexpr size_t kMaxDictionary = 1 << 16;

int bit_width(uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }

// Bit-packing: value i occupies bits [i * width, (i + 1) * width) of a little-endian bit string.
void pack_bits(const uint64_t* values, idx_t n, int width, BinaryWriter& out) {
    out.write<uint8_t>(static_cast<uint8_t>(width));
    if (width == 0 || n == 0) return;
    size_t bytes = (n * static_cast<size_t>(width) + 7) / 8;
    std::vector<uint64_t> words(bytes / 8 + 2, 0);
    uint64_t bit = 0;
    for (idx_t i = 0; i < n; i++, bit += static_cast<uint64_t>(width)) {
        size_t word = bit / 64;
        unsigned shift = bit % 64;
        words[word] |= values[i] << shift;
        if (shift + static_cast<unsigned>(width) > 64) words[word + 1] |= values[i] >> (64 - shift);
    }
    out.write_bytes(words.data(), bytes);
}

void unpack_bits(BinaryReader& in, idx_t n, uint64_t* out) {
    int width = in.read<uint8_t>();
    if (width > 64) in.corrupt("a bit width above 64");
    if (width == 0 || n == 0) {
        std::fill_n(out, n, 0);
        return;
    }
    size_t bytes = (n * static_cast<size_t>(width) + 7) / 8;
    std::vector<uint64_t> words(bytes / 8 + 2, 0);
    std::memcpy(words.data(), in.take(bytes), bytes);
    uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
    uint64_t bit = 0;
    for (idx_t i = 0; i < n; i++, bit += static_cast<uint64_t>(width)) {
        size_t word = bit / 64;
        unsigned shift = bit % 64;
        uint64_t v = words[word] >> shift;
        if (shift + static_cast<unsigned>(width) > 64) v |= words[word + 1] << (64 - shift);
        out[i] = v & mask;
    }
}

// Frame of reference: the minimum (in signed order), then bit-packed differences from it.
void pack_for(const uint64_t* values, idx_t n, BinaryWriter& out) {
    int64_t min = n ? static_cast<int64_t>(values[0]) : 0, max = min;
    for (idx_t i = 1; i < n; i++) {
        min = std::min(min, static_cast<int64_t>(values[i]));
        max = std::max(max, static_cast<int64_t>(values[i]));
    }
    std::vector<uint64_t> diff(n);
    for (idx_t i = 0; i < n; i++) diff[i] = values[i] - static_cast<uint64_t>(min);
    out.write<int64_t>(min);
    pack_bits(diff.data(), n, bit_width(static_cast<uint64_t>(max) - static_cast<uint64_t>(min)), out);
}

void unpack_for(BinaryReader& in, idx_t n, uint64_t* out) {
    auto min = static_cast<uint64_t>(in.read<int64_t>());
    unpack_bits(in, n, out);
    for (idx_t i = 0; i < n; i++) out[i] += min;
}

// ---- fixed-width values as 64-bit integers (invariant 1) ----

template <class T>
uint64_t to_bits(T v) {
    if constexpr (std::is_same_v<T, bool>) {
        return v ? 1 : 0;
    } else if constexpr (std::is_floating_point_v<T>) {
        uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof(T));
        return bits;
    } else {
        return static_cast<uint64_t>(static_cast<int64_t>(v));
    }
}

template <class T>
T from_bits(uint64_t bits) {
    if constexpr (std::is_same_v<T, bool>) {
        return bits != 0;
    } else if constexpr (std::is_floating_point_v<T>) {
        T v;
        std::memcpy(&v, &bits, sizeof(T));
        return v;
    } else {
        return static_cast<T>(static_cast<int64_t>(bits));
    }
}

std::string encode_integers(const std::vector<uint64_t>& v, Encoding& chosen) {
    idx_t n = v.size();
    std::vector<std::pair<Encoding, std::string>> candidates;
    bool constant = std::all_of(v.begin(), v.end(), [&](uint64_t x) { return x == v[0]; });
    if (constant) {
        BinaryWriter out;
        out.write<uint64_t>(n ? v[0] : 0);
        chosen = Encoding::kConstant;
        return std::move(out.buffer());
    }
    {
        BinaryWriter out;
        pack_for(v.data(), n, out);
        candidates.emplace_back(Encoding::kBitPacked, std::move(out.buffer()));
    }
    {
        BinaryWriter out;
        std::vector<uint64_t> deltas(n - 1);
        for (idx_t i = 1; i < n; i++) deltas[i - 1] = v[i] - v[i - 1];
        out.write<uint64_t>(v[0]);
        pack_for(deltas.data(), n - 1, out);
        candidates.emplace_back(Encoding::kDelta, std::move(out.buffer()));
    }
    {
        std::vector<uint64_t> values, lengths;
        for (idx_t i = 0; i < n; i++) {
            if (i > 0 && v[i] == values.back()) {
                lengths.back()++;
            } else {
                values.push_back(v[i]);
                lengths.push_back(1);
            }
        }
        if (values.size() * 4 < n) {
            BinaryWriter out;
            out.write_varint(values.size());
            pack_for(values.data(), values.size(), out);
            pack_for(lengths.data(), lengths.size(), out);
            candidates.emplace_back(Encoding::kRunLength, std::move(out.buffer()));
        }
    }
    {
        std::unordered_map<uint64_t, uint32_t> codes;
        for (idx_t i = 0; i < n && codes.size() <= kMaxDictionary; i++) codes.emplace(v[i], 0);
        if (codes.size() <= kMaxDictionary && codes.size() * 2 < n) {
            std::vector<uint64_t> dictionary;
            for (auto& [value, code] : codes) dictionary.push_back(value);
            std::sort(dictionary.begin(), dictionary.end(),
                      [](uint64_t a, uint64_t b) { return static_cast<int64_t>(a) < static_cast<int64_t>(b); });
            for (uint32_t i = 0; i < dictionary.size(); i++) codes[dictionary[i]] = i;
            std::vector<uint64_t> indices(n);
            for (idx_t i = 0; i < n; i++) indices[i] = codes[v[i]];
            BinaryWriter out;
            out.write_varint(dictionary.size());
            pack_for(dictionary.data(), dictionary.size(), out);
            pack_bits(indices.data(), n, bit_width(dictionary.size() - 1), out);
            candidates.emplace_back(Encoding::kDictionary, std::move(out.buffer()));
        }
    }
    size_t best = 0;
    for (size_t i = 1; i < candidates.size(); i++) {
        if (candidates[i].second.size() < candidates[best].second.size()) best = i;
    }
    chosen = candidates[best].first;
    return std::move(candidates[best].second);
}

void decode_integers(BinaryReader& in, Encoding encoding, idx_t n, uint64_t* out) {
    switch (encoding) {
        case Encoding::kConstant: std::fill_n(out, n, in.read<uint64_t>()); return;
        case Encoding::kBitPacked: unpack_for(in, n, out); return;
        case Encoding::kDelta: {
            if (n == 0) return;
            out[0] = in.read<uint64_t>();
            unpack_for(in, n - 1, out + 1);
            for (idx_t i = 1; i < n; i++) out[i] += out[i - 1];
            return;
        }
        case Encoding::kRunLength: {
            uint64_t runs = in.read_varint();
            if (runs > n) in.corrupt("more runs than rows");
            std::vector<uint64_t> values(runs), lengths(runs);
            unpack_for(in, runs, values.data());
            unpack_for(in, runs, lengths.data());
            idx_t at = 0;
            for (uint64_t r = 0; r < runs; r++) {
                if (lengths[r] > n - at) in.corrupt("runs longer than the block");
                std::fill_n(out + at, lengths[r], values[r]);
                at += lengths[r];
            }
            if (at != n) in.corrupt("runs shorter than the block");
            return;
        }
        case Encoding::kDictionary: {
            uint64_t size = in.read_varint();
            if (size == 0 || size > kMaxDictionary) in.corrupt("a dictionary of impossible size");
            std::vector<uint64_t> dictionary(size);
            unpack_for(in, size, dictionary.data());
            unpack_bits(in, n, out);
            for (idx_t i = 0; i < n; i++) {
                if (out[i] >= size) in.corrupt("a dictionary index out of range");
                out[i] = dictionary[out[i]];
            }
            return;
        }
        case Encoding::kPlain: break;
    }
    in.corrupt("an encoding this column type does not use");
}

// ---- strings ----

std::string encode_strings(const std::vector<std::string_view>& v, Encoding& chosen) {
    idx_t n = v.size();
    if (std::all_of(v.begin(), v.end(), [&](std::string_view s) { return s == v[0]; })) {
        BinaryWriter out;
        out.write_string(n ? v[0] : std::string_view());
        chosen = Encoding::kConstant;
        return std::move(out.buffer());
    }
    auto write_plain = [](const std::vector<std::string_view>& strings, BinaryWriter& out) {
        std::vector<uint64_t> lengths;
        for (auto s : strings) lengths.push_back(s.size());
        pack_for(lengths.data(), lengths.size(), out);
        for (auto s : strings) out.write_bytes(s.data(), s.size());
    };
    std::unordered_map<std::string_view, uint32_t> codes;
    for (idx_t i = 0; i < n && codes.size() <= kMaxDictionary; i++) codes.emplace(v[i], 0);
    if (codes.size() <= kMaxDictionary && codes.size() * 2 < n) {
        std::vector<std::string_view> dictionary;
        for (auto& [value, code] : codes) dictionary.push_back(value);
        std::sort(dictionary.begin(), dictionary.end());
        for (uint32_t i = 0; i < dictionary.size(); i++) codes[dictionary[i]] = i;
        std::vector<uint64_t> indices(n);
        for (idx_t i = 0; i < n; i++) indices[i] = codes[v[i]];
        BinaryWriter out;
        out.write_varint(dictionary.size());
        write_plain(dictionary, out);
        pack_bits(indices.data(), n, bit_width(dictionary.size() - 1), out);
        chosen = Encoding::kDictionary;
        return std::move(out.buffer());
    }
    BinaryWriter out;
    write_plain(v, out);
    chosen = Encoding::kPlain;
    return std::move(out.buffer());
}

void read_plain_strings(BinaryReader& in, idx_t n, std::string_view* out) {
    std::vector<uint64_t> lengths(n);
    unpack_for(in, n, lengths.data());
    for (idx_t i = 0; i < n; i++) out[i] = std::string_view(in.take(lengths[i]), lengths[i]);
}

void decode_strings(BinaryReader& in, Encoding encoding, idx_t n, std::string_view* out) {
    switch (encoding) {
        case Encoding::kConstant: std::fill_n(out, n, in.read_view()); return;
        case Encoding::kPlain: read_plain_strings(in, n, out); return;
        case Encoding::kDictionary: {
            uint64_t size = in.read_varint();
            if (size == 0 || size > kMaxDictionary) in.corrupt("a dictionary of impossible size");
            std::vector<std::string_view> dictionary(size);
            read_plain_strings(in, size, dictionary.data());
            std::vector<uint64_t> indices(n);
            unpack_bits(in, n, indices.data());
            for (idx_t i = 0; i < n; i++) {
                if (indices[i] >= size) in.corrupt("a dictionary index out of range");
                out[i] = dictionary[indices[i]];
            }
            return;
        }
        default: in.corrupt("an encoding strings do not use");
    }
}

template <class T>
bool less(const T& a, const T& b) {
    if constexpr (std::is_same_v<T, Interval>) {
        return false;  // no zone map order for intervals
    } else {
        return a < b;
    }
}

}  // namespace

EncodedBlock encode_block(const std::vector<const Vector*>& vectors, idx_t count, const LogicalType& type,
                          Compression compression) {
    EncodedBlock block;
    BinaryWriter out;
    // NULL bitmap (invariant 2).
    std::string bitmap((count + 7) / 8, '\0');
    idx_t nulls = 0;
    for (idx_t i = 0; i < count; i++) {
        const Vector& v = *vectors[i / kVectorSize];
        if (v.is_null(i % kVectorSize)) {
            bitmap[i / 8] = static_cast<char>(bitmap[i / 8] | (1 << (i % 8)));
            nulls++;
        }
    }
    out.write<uint8_t>(nulls > 0 ? 1 : 0);
    if (nulls > 0) out.write_bytes(bitmap.data(), bitmap.size());
    block.zone_map.null_count = nulls;
    dispatch_physical(type.physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        std::vector<T> values(count);
        idx_t min_row = count, max_row = count;
        T last{};
        for (idx_t i = 0; i < count; i++) {
            const Vector& v = *vectors[i / kVectorSize];
            idx_t r = i % kVectorSize;
            if (v.is_null(r)) {
                values[i] = last;
                continue;
            }
            values[i] = last = v.data<T>()[v.is_constant() ? 0 : r];
            if constexpr (!std::is_same_v<T, Interval>) {
                if (min_row == count || less(values[i], values[min_row])) min_row = i;
                if (max_row == count || less(values[max_row], values[i])) max_row = i;
            }
        }
        if constexpr (!std::is_same_v<T, Interval>) {
            bool float_nan = false;
            if constexpr (std::is_floating_point_v<T>) {
                for (const T& x : values) float_nan = float_nan || x != x;
            }
            // String zone maps keep short values only (a cut maximum would not bound the block).
            bool short_enough = true;
            if constexpr (std::is_same_v<T, std::string_view>) {
                short_enough = min_row < count && values[min_row].size() <= 64 && values[max_row].size() <= 64;
            }
            if (min_row < count && !float_nan && short_enough) {
                block.zone_map.has_min_max = true;
                block.zone_map.min = vectors[min_row / kVectorSize]->get_value(min_row % kVectorSize);
                block.zone_map.max = vectors[max_row / kVectorSize]->get_value(max_row % kVectorSize);
            }
        }
        if constexpr (std::is_same_v<T, std::string_view>) {
            for (const auto& v : values) block.raw_size += v.size() + 4;
        } else {
            block.raw_size = count * sizeof(T);
        }
        if constexpr (std::is_same_v<T, std::string_view>) {
            std::string payload = encode_strings(values, block.encoding);
            out.write<uint8_t>(static_cast<uint8_t>(block.encoding));
            out.write_bytes(payload.data(), payload.size());
        } else if constexpr (std::is_same_v<T, int128_t> || std::is_same_v<T, Interval>) {
            bool constant = true;
            for (idx_t i = 1; i < count && constant; i++) constant = std::memcmp(&values[i], &values[0], sizeof(T)) == 0;
            block.encoding = constant ? Encoding::kConstant : Encoding::kPlain;
            out.write<uint8_t>(static_cast<uint8_t>(block.encoding));
            out.write_bytes(values.data(), (constant ? std::min<idx_t>(count, 1) : count) * sizeof(T));
        } else {
            std::vector<uint64_t> bits(count);
            for (idx_t i = 0; i < count; i++) bits[i] = to_bits<T>(values[i]);
            std::string payload = encode_integers(bits, block.encoding);
            out.write<uint8_t>(static_cast<uint8_t>(block.encoding));
            out.write_bytes(payload.data(), payload.size());
        }
    });
    block.encoded_size = static_cast<uint32_t>(out.size());
    block.bytes = std::move(out.buffer());
    if (compression == Compression::kNone || block.bytes.size() < 64) return block;
    std::string compressed;
    if (compression == Compression::kZstd) {
        compressed.resize(ZSTD_compressBound(block.bytes.size()));
        size_t n = ZSTD_compress(compressed.data(), compressed.size(), block.bytes.data(), block.bytes.size(), 3);
        if (ZSTD_isError(n)) return block;
        compressed.resize(n);
    } else {
        compressed.resize(static_cast<size_t>(LZ4_compressBound(static_cast<int>(block.bytes.size()))));
        int n = LZ4_compress_default(block.bytes.data(), compressed.data(), static_cast<int>(block.bytes.size()),
                                     static_cast<int>(compressed.size()));
        if (n <= 0) return block;
        compressed.resize(static_cast<size_t>(n));
    }
    if (compressed.size() < block.bytes.size()) {
        block.bytes = std::move(compressed);
        block.compression = compression;
    }
    return block;
}

std::vector<Vector> decode_block(std::string_view bytes, Encoding encoding, Compression compression, uint32_t encoded_size,
                                 const LogicalType& type, idx_t count, const std::string& source) {
    auto keep = std::make_shared<std::string>();
    if (compression == Compression::kNone) {
        keep->assign(bytes.data(), bytes.size());
    } else {
        keep->resize(encoded_size);
        bool ok;
        if (compression == Compression::kZstd) {
            size_t n = ZSTD_decompress(keep->data(), keep->size(), bytes.data(), bytes.size());
            ok = !ZSTD_isError(n) && n == encoded_size;
        } else if (compression == Compression::kLz4) {
            int n = LZ4_decompress_safe(bytes.data(), keep->data(), static_cast<int>(bytes.size()), static_cast<int>(encoded_size));
            ok = n == static_cast<int>(encoded_size);
        } else {
            ok = false;
        }
        if (!ok) BinaryReader(bytes, source).corrupt("a block that does not decompress");
    }
    BinaryReader in(*keep, source);
    bool has_nulls = in.read<uint8_t>() != 0;
    const char* bitmap = has_nulls ? in.take((count + 7) / 8) : nullptr;
    auto stored = static_cast<Encoding>(in.read<uint8_t>());
    if (stored != encoding) in.corrupt("a block whose encoding disagrees with the footer");
    std::vector<Vector> out;
    for (idx_t start = 0; start < count; start += kVectorSize) out.emplace_back(type, kVectorSize);
    dispatch_physical(type.physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, std::string_view>) {
            std::vector<std::string_view> values(count);
            decode_strings(in, encoding, count, values.data());
            for (idx_t i = 0; i < count; i++) out[i / kVectorSize].template data<std::string_view>()[i % kVectorSize] = values[i];
            for (auto& v : out) v.keep_alive(keep);
        } else if constexpr (std::is_same_v<T, int128_t> || std::is_same_v<T, Interval>) {
            if (encoding != Encoding::kPlain && encoding != Encoding::kConstant) in.corrupt("an encoding this type does not use");
            idx_t stored_rows = encoding == Encoding::kConstant ? std::min<idx_t>(count, 1) : count;
            const char* raw = in.take(stored_rows * sizeof(T));
            for (idx_t i = 0; i < count; i++) {
                std::memcpy(out[i / kVectorSize].template data<T>() + i % kVectorSize,
                            raw + (encoding == Encoding::kConstant ? 0 : i) * sizeof(T), sizeof(T));
            }
        } else {
            std::vector<uint64_t> bits(count);
            decode_integers(in, encoding, count, bits.data());
            for (idx_t i = 0; i < count; i++) out[i / kVectorSize].template data<T>()[i % kVectorSize] = from_bits<T>(bits[i]);
        }
    });
    if (!in.done()) in.corrupt("bytes left over after the block");
    if (has_nulls) {
        for (idx_t i = 0; i < count; i++) {
            if ((static_cast<uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1) out[i / kVectorSize].set_null(i % kVectorSize);
        }
    }
    return out;
}

}  // namespace basalt

// Encoding of one column block (up to kBlockRows rows) for column files. Every block is encoded each way that
// applies and the smallest result is kept (sizes are measured, not guessed): constant, dictionary, run-length,
// bit-packing with a frame of reference, delta (bit-packed differences), or plain. The chosen bytes are then
// compressed with zstd or lz4 when that makes them smaller.
//   (1) Fixed-width values of up to 8 bytes are encoded as 64-bit integers: signed types sign-extended (so
//       frame of reference works for negative numbers), floating point by bit pattern (constant, dictionary and
//       run-length still apply; arithmetic encodings stay lossless because they wrap modulo 2^64).
//   (2) NULL rows are kept in a bitmap; their value slots repeat the previous value so runs and deltas survive.
//   (3) Decoding never trusts the bytes: a block that does not decode to exactly `count` rows throws XX001.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "types/value.hpp"
#include "vector/vector.hpp"

namespace basalt {

inline constexpr idx_t kBlockVectors = 10;
inline constexpr idx_t kBlockRows = kBlockVectors * kVectorSize;  // 20,480 rows; 6 blocks per row group

enum class Encoding : uint8_t { kPlain = 0, kConstant = 1, kDictionary = 2, kRunLength = 3, kBitPacked = 4, kDelta = 5 };
enum class Compression : uint8_t { kNone = 0, kZstd = 1, kLz4 = 2 };

const char* encoding_name(Encoding encoding);
const char* compression_name(Compression compression);

// Zone map of a block: NULL count and, when the block has a non-NULL value, its min and max.
struct ZoneMap {
    uint64_t null_count = 0;
    bool has_min_max = false;
    Value min, max;
};

struct EncodedBlock {
    std::string bytes;  // what goes to the file
    Encoding encoding = Encoding::kPlain;
    Compression compression = Compression::kNone;
    uint32_t encoded_size = 0;  // size before compression
    uint64_t raw_size = 0;      // the values as plain bytes (strings: their bytes plus 4 per value), for ratios
    ZoneMap zone_map;
};

// Encodes `count` rows held in consecutive flat vectors of up to kVectorSize rows each.
EncodedBlock encode_block(const std::vector<const Vector*>& vectors, idx_t count, const LogicalType& type,
                          Compression compression);

// Decodes a block into ceil(count / kVectorSize) vectors. String values point into `keep`, which the vectors
// keep alive. source names the file in errors (invariant 3).
std::vector<Vector> decode_block(std::string_view bytes, Encoding encoding, Compression compression, uint32_t encoded_size,
                                 const LogicalType& type, idx_t count, const std::string& source);

}  // namespace basalt

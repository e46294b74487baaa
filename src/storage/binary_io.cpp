#include "storage/binary_io.hpp"

#include <xxhash.h>

#include "common/error.hpp"

namespace basalt {

uint64_t checksum64(const void* data, size_t size) { return XXH3_64bits(data, size); }

uint64_t BinaryReader::read_varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        auto byte = static_cast<uint8_t>(*take(1));
        value |= static_cast<uint64_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80)) return value;
    }
    corrupt("a varint longer than 10 bytes");
}

const char* BinaryReader::take(uint64_t n) {
    if (n > data_.size() - offset_) corrupt("a length runs past the end of the data");
    const char* p = data_.data() + offset_;
    offset_ += n;
    return p;
}

void BinaryReader::corrupt(const std::string& what) const {
    throw Error(sql_state::kDataCorrupted, "could not read \"" + source_ + "\": corrupt data (" + what + ")");
}

}  // namespace basalt

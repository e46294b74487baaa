#include "vector/string_heap.hpp"

#include <cstring>

namespace basalt {

char* StringHeap::allocate(size_t size) {
    if (size > remaining_) {
        size_t block = size > kBlockSize / 4 ? size : kBlockSize;
        blocks_.push_back(std::make_unique<char[]>(block));
        if (size > kBlockSize / 4) {
            total_ += size;
            return blocks_.back().get();  // an oversized string gets a block of its own
        }
        cursor_ = blocks_.back().get();
        remaining_ = block;
    }
    char* p = cursor_;
    cursor_ += size;
    remaining_ -= size;
    total_ += size;
    return p;
}

std::string_view StringHeap::add(std::string_view s) {
    if (s.empty()) return {};
    char* p = allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
}

}  // namespace basalt

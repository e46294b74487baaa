// Owns the bytes of strings created while executing (function results, parsed input). Vectors hold
// string_views into heaps and keep the heaps alive with shared pointers.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

namespace basalt {

class StringHeap {
public:
    std::string_view add(std::string_view s);
    char* allocate(size_t size);
    size_t bytes_used() const { return total_; }

private:
    static constexpr size_t kBlockSize = 64 * 1024;
    std::vector<std::unique_ptr<char[]>> blocks_;
    char* cursor_ = nullptr;
    size_t remaining_ = 0;
    size_t total_ = 0;
};

}  // namespace basalt

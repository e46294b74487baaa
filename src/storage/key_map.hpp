// A transaction's own unique keys (encoded as UniqueIndex encodes them) to their local row ids. A load keeps one
// entry per row until it commits, so the map is compact: open addressing with linear probing over 16-byte slots
// (a reference to the key and the row), the keys' bytes stored once in 1 MiB blocks. About 40 bytes per key
// where std::unordered_map<std::string, row_t> takes about 80 (TPC-H SF1 lineitem: 6M keys).
//   (1) A slot is empty when its reference is 0; otherwise the key lives at the reference (block << 32 | offset,
//       plus one) as a u32 length and its bytes. Erased keys leave their bytes behind (freed with the map).
//   (2) At most 3/4 of the slots are used; erase shifts later entries back, so no tombstones are needed and a
//       lookup stops at the first empty slot.
// Not thread safe: one transaction's map, used by its statements one at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "storage/version.hpp"

namespace basalt {

class KeyMap {
public:
    std::optional<row_t> find(std::string_view key) const;
    // Inserts key, or gives it a new row.
    void set(std::string_view key, row_t row);
    void erase(std::string_view key);
    size_t size() const { return size_; }

    // Calls f(key, row) for every entry, in no particular order.
    template <class F>
    void for_each(F&& f) const {
        for (const Slot& s : slots_) {
            if (s.ref != 0) f(key_at(s.ref), s.row);
        }
    }

private:
    struct Slot {
        uint64_t ref = 0;  // invariant 1
        row_t row = 0;
    };
    static uint64_t hash(std::string_view key);
    std::string_view key_at(uint64_t ref) const;
    uint64_t store(std::string_view key);
    // The slot holding key, or the empty slot where it would go.
    size_t probe(std::string_view key, uint64_t h) const;
    void grow();

    std::vector<Slot> slots_;  // a power of two in size, or empty
    size_t size_ = 0;
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::vector<size_t> block_sizes_;
    size_t used_in_last_ = 0;
};

}  // namespace basalt

#include "storage/key_map.hpp"

#include <cstring>
#include <functional>

namespace basalt {

namespace {

constexpr size_t kBlockSize = 1 << 20;

}  // namespace

uint64_t KeyMap::hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

std::string_view KeyMap::key_at(uint64_t ref) const {
    uint64_t at = ref - 1;
    const char* p = blocks_[at >> 32].get() + (at & 0xffffffffu);
    uint32_t length;
    std::memcpy(&length, p, sizeof(length));
    return {p + sizeof(length), length};
}

uint64_t KeyMap::store(std::string_view key) {
    size_t need = sizeof(uint32_t) + key.size();
    if (blocks_.empty() || used_in_last_ + need > block_sizes_.back()) {
        size_t size = std::max(kBlockSize, need);  // a key longer than a block gets one of its own
        blocks_.push_back(std::make_unique<char[]>(size));
        block_sizes_.push_back(size);
        used_in_last_ = 0;
    }
    char* p = blocks_.back().get() + used_in_last_;
    auto length = static_cast<uint32_t>(key.size());
    std::memcpy(p, &length, sizeof(length));
    if (!key.empty()) std::memcpy(p + sizeof(length), key.data(), key.size());
    uint64_t ref = ((static_cast<uint64_t>(blocks_.size() - 1) << 32) | used_in_last_) + 1;
    used_in_last_ += need;
    return ref;
}

size_t KeyMap::probe(std::string_view key, uint64_t h) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        if (slots_[i].ref == 0 || key_at(slots_[i].ref) == key) return i;
    }
}

std::optional<row_t> KeyMap::find(std::string_view key) const {
    if (slots_.empty()) return std::nullopt;
    const Slot& s = slots_[probe(key, hash(key))];
    if (s.ref == 0) return std::nullopt;
    return s.row;
}

void KeyMap::set(std::string_view key, row_t row) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();  // invariant 2
    Slot& s = slots_[probe(key, hash(key))];
    if (s.ref == 0) {
        s.ref = store(key);
        size_++;
    }
    s.row = row;
}

void KeyMap::erase(std::string_view key) {
    if (slots_.empty()) return;
    const size_t mask = slots_.size() - 1;
    size_t hole = probe(key, hash(key));
    if (slots_[hole].ref == 0) return;
    // Backward shift (invariant 2): an entry after the hole moves into it unless its home slot lies cyclically
    // in (hole, entry], where a lookup would still reach it.
    for (size_t j = (hole + 1) & mask; slots_[j].ref != 0; j = (j + 1) & mask) {
        size_t home = hash(key_at(slots_[j].ref)) & mask;
        bool reachable = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (reachable) continue;
        slots_[hole] = slots_[j];
        hole = j;
    }
    slots_[hole] = Slot{};
    size_--;
}

void KeyMap::grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
        if (s.ref == 0) continue;
        size_t i = hash(key_at(s.ref)) & mask;
        while (slots_[i].ref != 0) i = (i + 1) & mask;
        slots_[i] = s;
    }
}

}  // namespace basalt

#include "storage/buffer_cache.hpp"

namespace basalt {

namespace {

size_t block_bytes(const DecodedBlock& block) {
    size_t bytes = 0;
    for (const auto& v : block) {
        bytes += v.capacity() * static_cast<size_t>(physical_size(v.type().physical())) + v.capacity() / 8;
        if (v.type().physical() == PhysicalType::kString) {
            for (idx_t i = 0; i < v.capacity(); i++) bytes += v.data<std::string_view>()[i].size();
        }
    }
    return bytes;
}

}  // namespace

BufferCache::BufferCache(MemoryManager& memory) : memory_(memory) {
    memory_.set_cache([this] { return used(); }, [this](size_t bytes) { shrink_to(bytes); });
}

BufferCache::~BufferCache() { memory_.set_cache(nullptr, nullptr); }

std::shared_ptr<const DecodedBlock> BufferCache::get(const BlockKey& key,
                                                     const std::function<std::pair<DecodedBlock, size_t>()>& load) {
    {
        std::lock_guard guard(mutex_);
        auto it = entries_.find(key);
        if (it != entries_.end()) {
            lru_.splice(lru_.begin(), lru_, it->second.position);
            hits_++;
            return it->second.block;
        }
    }
    misses_++;
    auto [decoded, file_bytes] = load();
    bytes_read_ += file_bytes;
    auto block = std::make_shared<const DecodedBlock>(std::move(decoded));
    size_t bytes = block_bytes(*block);
    std::lock_guard guard(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second.block;  // another reader loaded it meanwhile
    lru_.push_front(key);
    entries_[key] = Entry{block, bytes, lru_.begin()};
    used_ += bytes;
    evict_locked(memory_.cache_allowance());
    return block;
}

void BufferCache::evict_locked(size_t keep) {
    while (used_ > keep && !lru_.empty()) {
        auto it = entries_.find(lru_.back());
        used_ -= it->second.bytes;
        entries_.erase(it);
        lru_.pop_back();
    }
}

void BufferCache::forget_file(uint64_t file) {
    std::lock_guard guard(mutex_);
    for (auto it = lru_.begin(); it != lru_.end();) {
        if (it->file != file) {
            ++it;
            continue;
        }
        auto entry = entries_.find(*it);
        used_ -= entry->second.bytes;
        entries_.erase(entry);
        it = lru_.erase(it);
    }
}

void BufferCache::shrink_to(size_t bytes) {
    std::lock_guard guard(mutex_);
    evict_locked(bytes);
}

size_t BufferCache::used() const {
    std::lock_guard guard(mutex_);
    return used_;
}

BufferCacheStats BufferCache::stats() const { return {hits_.load(), misses_.load(), bytes_read_.load()}; }

}  // namespace basalt

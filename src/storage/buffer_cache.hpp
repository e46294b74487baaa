// Decoded column blocks read from column files, kept while they fit in what queries leave of the memory limit
// (common/memory_manager.hpp) and evicted least recently used first; a query's reservation shrinks the cache at
// once. Scans hold a block through a shared_ptr, so eviction never pulls data from under a running query; it
// only stops the cache from keeping it.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "common/memory_manager.hpp"
#include "vector/vector.hpp"

namespace basalt {

using DecodedBlock = std::vector<Vector>;

struct BlockKey {
    uint64_t file = 0;  // the file's number in the database directory
    uint32_t column = 0;
    uint32_t block = 0;
    bool operator==(const BlockKey&) const = default;
};

struct BufferCacheStats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t bytes_read = 0;  // from files, before decoding
};

class BufferCache {
public:
    // Registers itself with memory as the memory that yields to queries.
    explicit BufferCache(MemoryManager& memory);
    ~BufferCache();

    // The block for key, loading it with load (outside the cache's lock) on a miss. load returns the block and
    // how many file bytes it read.
    std::shared_ptr<const DecodedBlock> get(const BlockKey& key,
                                            const std::function<std::pair<DecodedBlock, size_t>()>& load);
    // Drops every cached block of a file (the file is being deleted).
    void forget_file(uint64_t file);

    size_t used() const;
    // Evicts until at most `bytes` stay cached.
    void shrink_to(size_t bytes);
    BufferCacheStats stats() const;

private:
    struct KeyHash {
        size_t operator()(const BlockKey& k) const { return std::hash<uint64_t>()(k.file * 1000003 + k.column * 4099 + k.block); }
    };
    struct Entry {
        std::shared_ptr<const DecodedBlock> block;
        size_t bytes = 0;
        std::list<BlockKey>::iterator position;
    };
    void evict_locked(size_t keep);

    mutable std::mutex mutex_;
    MemoryManager& memory_;
    size_t used_ = 0;
    std::list<BlockKey> lru_;  // most recent first
    std::unordered_map<BlockKey, Entry, KeyHash> entries_;
    std::atomic<uint64_t> hits_{0}, misses_{0}, bytes_read_{0};
};

}  // namespace basalt

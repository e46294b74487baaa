// Decoded column blocks read from column files, kept while they fit in what queries leave of the memory limit
// (common/memory_manager.hpp); a query's reservation shrinks the cache at once. Scans hold a block through a
// shared_ptr, so eviction never pulls data from under a running query; it only stops the cache from keeping it.
//
// Scan resistant, after 2Q (Johnson & Shasha, VLDB 1994): a plain LRU let one full scan of a big table fill the
// cache with blocks nobody reads again (SF1 lineitem: 1 GB). A block must prove it is re-used before it may stay.
//   (1) A block read for the first time enters probation, a FIFO of at most probation_capacity(allowance) =
//       min(64 MB, allowance / 4) bytes. 64 MB holds about 18 blocks of every lineitem column (370K rows), enough
//       for queries scanning a table at the same time to share reads; a quarter of the allowance is the paper's Kin
//       and leaves most of a small memory_limit to proven blocks.
//   (2) A block leaving probation keeps its key in the ghost list (no data), bounded by the bytes of the blocks it
//       names (at most the allowance: remembering more than the cache could keep admits blocks that only push
//       each other out) and by kMaxGhosts keys (about 100 bytes each, not counted in memory_limit).
//   (3) A block is promoted to the main area, an LRU, when it is read again: a miss on a key in the ghost list, or
//       a hit in probation on a vector of the block that was already handed out. One pass reads each vector of a
//       block once (a scan asks for a block once per vector), so only a second pass (another query, or the same
//       query reading the table again) promotes; two pieces of one scan reading different vectors do not.
//   (4) Every key is in at most one of probation, main and the ghost list.
//   (5) After every call, probation + main <= the allowance (or the `bytes` of shrink_to). To get there the cache
//       evicts from probation while it is over its capacity (or main is empty), else from main's least recently
//       used end. So a one-off scan may displace at most probation_capacity of main, never more. We let it: keeping
//       probation's share even when main is full is what catches re-use by the next query in one read instead of
//       two; a scan that never touched main would leave probation empty whenever main is full, so re-use could be
//       seen only through the ghost list. shrink_to uses the same rule with the smaller target, so probation
//       (unproven) gives its excess first and main keeps three quarters.
//   (6) Thread-safe: one mutex guards the lists; loads run outside it (two readers may load the same block; the
//       first to finish is kept).
#pragma once

#include <algorithm>
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
    uint64_t promotions = 0;  // blocks admitted to the main area (3)
};

class BufferCache {
public:
    static constexpr size_t kMaxProbationBytes = size_t{64} << 20;
    static constexpr size_t kMaxGhosts = size_t{1} << 16;

    // Registers itself with memory as the memory that yields to queries.
    explicit BufferCache(MemoryManager& memory);
    ~BufferCache();

    // The block for key, loading it with load (outside the cache's lock) on a miss. load returns the block and
    // how many file bytes it read. vector: which vector of the block the caller reads (0..63), to tell a second
    // pass over the block from the next vector of the same pass (3).
    std::shared_ptr<const DecodedBlock> get(const BlockKey& key, idx_t vector,
                                            const std::function<std::pair<DecodedBlock, size_t>()>& load);
    // Drops every cached block and ghost key of a file (the file is being deleted).
    void forget_file(uint64_t file);

    size_t used() const;  // probation + main
    size_t probation_used() const;
    size_t main_used() const;
    size_t ghost_count() const;
    // Evicts until at most `bytes` stay cached (5).
    void shrink_to(size_t bytes);
    BufferCacheStats stats() const;

    static size_t probation_capacity(size_t allowance) { return std::min(kMaxProbationBytes, allowance / 4); }

private:
    struct KeyHash {
        size_t operator()(const BlockKey& k) const {
            return std::hash<uint64_t>()(k.file * 1000003 + k.column * 4099 + k.block);
        }
    };
    enum class Area { kProbation, kMain };
    struct Entry {
        std::shared_ptr<const DecodedBlock> block;
        size_t bytes = 0;
        Area area = Area::kProbation;
        std::list<BlockKey>::iterator position;  // in probation_ or main_, as area says
        uint64_t vectors_read = 0;               // probation only: a bit per vector handed out (3)
    };
    struct Ghost {
        std::list<BlockKey>::iterator position;
        size_t bytes = 0;  // of the block it names
    };

    // A hit: counts the vector read and promotes on a second pass (3).
    void touch_locked(Entry& entry, idx_t vector);
    void promote_locked(Entry& entry);
    void evict_locked(size_t keep);
    void remember_ghost_locked(const BlockKey& key, size_t bytes, size_t keep);

    mutable std::mutex mutex_;
    MemoryManager& memory_;
    size_t probation_used_ = 0, main_used_ = 0;
    std::list<BlockKey> probation_;  // oldest first
    std::list<BlockKey> main_;       // most recently used first
    std::unordered_map<BlockKey, Entry, KeyHash> entries_;
    std::list<BlockKey> ghost_;  // oldest first
    std::unordered_map<BlockKey, Ghost, KeyHash> ghosts_;
    size_t ghost_bytes_ = 0;
    std::atomic<uint64_t> hits_{0}, misses_{0}, bytes_read_{0}, promotions_{0};
};

}  // namespace basalt

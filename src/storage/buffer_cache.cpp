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

uint64_t vector_bit(idx_t vector) { return uint64_t{1} << (vector % 64); }

}  // namespace

BufferCache::BufferCache(MemoryManager& memory) : memory_(memory) {
    memory_.set_cache([this] { return used(); }, [this](size_t bytes) { shrink_to(bytes); });
}

BufferCache::~BufferCache() { memory_.set_cache(nullptr, nullptr); }

std::shared_ptr<const DecodedBlock> BufferCache::get(const BlockKey& key, idx_t vector,
                                                     const std::function<std::pair<DecodedBlock, size_t>()>& load) {
    {
        std::lock_guard guard(mutex_);
        auto it = entries_.find(key);
        if (it != entries_.end()) {
            hits_++;
            touch_locked(it->second, vector);
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
    if (it != entries_.end()) {  // another reader loaded it meanwhile
        touch_locked(it->second, vector);
        return it->second.block;
    }
    Entry entry{block, bytes, Area::kProbation, {}, 0};
    auto ghost = ghosts_.find(key);
    if (ghost != ghosts_.end()) {
        // Read before, evicted from probation since: a second pass, admitted to main (3).
        ghost_bytes_ -= ghost->second.bytes;
        ghost_.erase(ghost->second.position);
        ghosts_.erase(ghost);
        entry.area = Area::kMain;
        entry.position = main_.insert(main_.begin(), key);
        main_used_ += bytes;
        promotions_++;
    } else {
        entry.position = probation_.insert(probation_.end(), key);
        entry.vectors_read = vector_bit(vector);
        probation_used_ += bytes;
    }
    entries_.emplace(key, std::move(entry));
    evict_locked(memory_.cache_allowance());
    return block;
}

void BufferCache::touch_locked(Entry& entry, idx_t vector) {
    if (entry.area == Area::kMain) {
        main_.splice(main_.begin(), main_, entry.position);
        return;
    }
    if (entry.vectors_read & vector_bit(vector)) {
        promote_locked(entry);  // this vector was handed out before: a second pass (3)
    } else {
        entry.vectors_read |= vector_bit(vector);  // the same pass, one vector further
    }
}

void BufferCache::promote_locked(Entry& entry) {
    BlockKey key = *entry.position;
    probation_.erase(entry.position);
    probation_used_ -= entry.bytes;
    entry.area = Area::kMain;
    entry.position = main_.insert(main_.begin(), key);
    entry.vectors_read = 0;
    main_used_ += entry.bytes;
    promotions_++;
    // The total is unchanged, so nothing needs evicting (5).
}

void BufferCache::evict_locked(size_t keep) {
    size_t probation_limit = probation_capacity(keep);
    while (!probation_.empty() &&
           (probation_used_ > probation_limit || (probation_used_ + main_used_ > keep && main_.empty()))) {
        auto it = entries_.find(probation_.front());
        probation_used_ -= it->second.bytes;
        remember_ghost_locked(it->first, it->second.bytes, keep);
        entries_.erase(it);
        probation_.pop_front();
    }
    // Probation is within its share now; what is still too much comes from main's least recently used end (5).
    while (probation_used_ + main_used_ > keep && !main_.empty()) {
        auto it = entries_.find(main_.back());
        main_used_ -= it->second.bytes;
        entries_.erase(it);
        main_.pop_back();
    }
}

void BufferCache::remember_ghost_locked(const BlockKey& key, size_t bytes, size_t keep) {
    ghosts_.emplace(key, Ghost{ghost_.insert(ghost_.end(), key), bytes});
    ghost_bytes_ += bytes;
    while (!ghost_.empty() && (ghost_bytes_ > keep || ghost_.size() > kMaxGhosts)) {
        auto it = ghosts_.find(ghost_.front());
        ghost_bytes_ -= it->second.bytes;
        ghosts_.erase(it);
        ghost_.pop_front();
    }
}

void BufferCache::forget_file(uint64_t file) {
    std::lock_guard guard(mutex_);
    for (auto* list : {&probation_, &main_}) {
        for (auto it = list->begin(); it != list->end();) {
            if (it->file != file) {
                ++it;
                continue;
            }
            auto entry = entries_.find(*it);
            (entry->second.area == Area::kMain ? main_used_ : probation_used_) -= entry->second.bytes;
            entries_.erase(entry);
            it = list->erase(it);
        }
    }
    for (auto it = ghost_.begin(); it != ghost_.end();) {
        if (it->file != file) {
            ++it;
            continue;
        }
        auto ghost = ghosts_.find(*it);
        ghost_bytes_ -= ghost->second.bytes;
        ghosts_.erase(ghost);
        it = ghost_.erase(it);
    }
}

void BufferCache::shrink_to(size_t bytes) {
    std::lock_guard guard(mutex_);
    evict_locked(bytes);
}

size_t BufferCache::used() const {
    std::lock_guard guard(mutex_);
    return probation_used_ + main_used_;
}

size_t BufferCache::probation_used() const {
    std::lock_guard guard(mutex_);
    return probation_used_;
}

size_t BufferCache::main_used() const {
    std::lock_guard guard(mutex_);
    return main_used_;
}

size_t BufferCache::ghost_count() const {
    std::lock_guard guard(mutex_);
    return ghost_.size();
}

BufferCacheStats BufferCache::stats() const {
    return {hits_.load(), misses_.load(), bytes_read_.load(), promotions_.load()};
}

}  // namespace basalt

#include "common/memory_manager.hpp"

#include <fmt/format.h>
#include <malloc.h>

#include "common/error.hpp"

namespace basalt {

namespace {
std::string megabytes(size_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024.0 * 1024.0)); }
}  // namespace

void MemoryManager::set_limit(size_t bytes) {
    limit_.store(bytes, std::memory_order_relaxed);
    std::lock_guard lock(cache_mutex_);
    if (shrink_cache_) shrink_cache_(cache_allowance());
}

size_t MemoryManager::cache_allowance() const {
    size_t limit = limit_.load(std::memory_order_relaxed), reserved = reserved_.load(std::memory_order_relaxed);
    return reserved >= limit ? 0 : limit - reserved;
}

void MemoryManager::set_cache(std::function<size_t()> cache_used, std::function<void(size_t)> shrink) {
    std::lock_guard lock(cache_mutex_);
    cache_used_ = std::move(cache_used);
    shrink_cache_ = std::move(shrink);
}

bool MemoryManager::try_reserve(size_t bytes) {
    if (bytes == 0) return true;
    size_t current = reserved_.load(std::memory_order_relaxed);
    size_t limit = limit_.load(std::memory_order_relaxed);
    do {
        if (current + bytes > limit) return false;
    } while (!reserved_.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
    size_t now = current + bytes;
    size_t peak = peak_.load(std::memory_order_relaxed);
    while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
    // The cache gives back what the reservation took from its share.
    std::lock_guard lock(cache_mutex_);
    if (shrink_cache_ && cache_used_ && cache_used_() > cache_allowance()) shrink_cache_(cache_allowance());
    return true;
}

void MemoryManager::force_reserve(size_t bytes) {
    size_t now = reserved_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    size_t peak = peak_.load(std::memory_order_relaxed);
    while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
    std::lock_guard lock(cache_mutex_);
    if (shrink_cache_ && cache_used_ && cache_used_() > cache_allowance()) shrink_cache_(cache_allowance());
}

void MemoryManager::release(size_t bytes) { reserved_.fetch_sub(bytes, std::memory_order_relaxed); }

MemoryReservation::~MemoryReservation() {
    if (manager_ && size_ > 0) manager_->release(size_);
}

bool MemoryReservation::try_resize(size_t bytes) {
    if (!manager_) {
        size_ = bytes;
        return true;
    }
    if (bytes <= size_) {
        manager_->release(size_ - bytes);
        size_ = bytes;
        return true;
    }
    if (!manager_->try_reserve(bytes - size_)) return false;
    size_ = bytes;
    return true;
}

void MemoryReservation::resize(size_t bytes) {
    if (try_resize(bytes)) return;
    throw Error(sql_state::kOutOfMemory,
                fmt::format("out of memory: {} needs {} more, and queries already hold {} of memory_limit {} (SET memory_limit "
                            "to allow more)",
                            owner_, megabytes(bytes - size_), megabytes(manager_->reserved()), megabytes(manager_->limit())));
}

void MemoryReservation::resize_for_partition(size_t bytes) {
    if (try_resize(bytes)) return;
    if (bytes > manager_->limit() / 4) resize(bytes);  // 53200
    manager_->force_reserve(bytes - size_);
    size_ = bytes;
}

void release_freed_memory() { ::malloc_trim(0); }

}  // namespace basalt

// The database's memory budget (setting memory_limit), shared by what queries hold (hash tables, sort runs,
// materialized rows) and the buffer cache. Operators reserve before they grow; the cache keeps only what queries
// leave free and gives blocks back when a reservation needs room (it yields to queries). A reservation that cannot
// be met even with an empty cache fails: the operator spills to disk where it can, or the statement fails with
// 53200, never the process.
//   (1) Thread-safe. Reservations are counted, not allocated: the owner allocates after it reserved.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>

namespace basalt {

class MemoryManager {
public:
    explicit MemoryManager(size_t limit) : limit_(limit) {}

    size_t limit() const { return limit_.load(std::memory_order_relaxed); }
    // Lowering the limit shrinks the cache at once; reservations already made stay.
    void set_limit(size_t bytes);
    size_t reserved() const { return reserved_.load(std::memory_order_relaxed); }
    // The most that queries held at once since the database opened.
    size_t peak_reserved() const { return peak_.load(std::memory_order_relaxed); }
    // What the cache may keep now: the limit less what queries reserved.
    size_t cache_allowance() const;
    // How to make the cache give memory back: shrink(to_bytes) evicts until the cache holds at most that much.
    void set_cache(std::function<size_t()> cache_used, std::function<void(size_t)> shrink);

    // Reserves bytes when they fit under the limit (shrinking the cache for them); false when they do not.
    bool try_reserve(size_t bytes);
    // Reserves bytes even beyond the limit (the cache still gives way); the others then find less room.
    void force_reserve(size_t bytes);
    void release(size_t bytes);

private:
    std::atomic<size_t> limit_;
    std::atomic<size_t> reserved_{0};
    std::atomic<size_t> peak_{0};
    std::mutex cache_mutex_;
    std::function<size_t()> cache_used_;
    std::function<void(size_t)> shrink_cache_;
};

// What one owner (an operator's state, a worker's hash table) holds of the budget; released when it is destroyed.
class MemoryReservation {
public:
    // manager null: nothing is counted (internal work outside a database).
    MemoryReservation(MemoryManager* manager, std::string owner) : manager_(manager), owner_(std::move(owner)) {}
    ~MemoryReservation();
    MemoryReservation(const MemoryReservation&) = delete;
    MemoryReservation& operator=(const MemoryReservation&) = delete;

    size_t size() const { return size_; }
    // Grows or shrinks the reservation to `bytes`; false (unchanged) when growing does not fit.
    bool try_resize(size_t bytes);
    // As try_resize, but a reservation that does not fit fails the statement with 53200.
    void resize(size_t bytes);
    // For one partition of spilled data, which has to be in memory for the query to go on: when it does not fit
    // beside what others hold, it may still take up to a quarter of the limit (the others' next reservations
    // fail, and they spill); beyond that, 53200.
    void resize_for_partition(size_t bytes);

private:
    MemoryManager* manager_;
    std::string owner_;
    size_t size_ = 0;
};

// Gives memory the allocator keeps after frees back to the operating system. Called when a statement ends: a
// query's hash tables free many blocks at once, which the C library would otherwise hold for reuse, so the
// process would keep the peak of every query on top of memory_limit.
void release_freed_memory();

}  // namespace basalt

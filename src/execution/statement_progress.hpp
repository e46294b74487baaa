// How far the running statement has come, for a progress bar: work it will do and work done, in one unit per
// statement (rows table scans read; COPY FROM a file counts bytes). Every query a statement runs (INSERT ...
// SELECT's query, subqueries, a streamed SELECT until its result is read) adds to the same counters.
//   (1) Owned by the Connection; its statements' QueryContexts point to it.
//   (2) begin() and end() run on the statement's thread; add_*() on any worker; fraction() on any thread. All
//       members are atomics, so a reader may see a total a moment behind the work done: fraction() clamps.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

namespace basalt {

class StatementProgress {
public:
    // A statement starts: counts go back to zero.
    void begin() {
        total_.store(0, std::memory_order_relaxed);
        done_.store(0, std::memory_order_relaxed);
        running_.store(true, std::memory_order_release);
    }
    void end() { running_.store(false, std::memory_order_release); }

    void add_total(uint64_t units) { total_.fetch_add(units, std::memory_order_relaxed); }
    void add_done(uint64_t units) { done_.fetch_add(units, std::memory_order_relaxed); }

    // Done / total in [0, 1]; nullopt when no statement runs or none of its work is known yet.
    std::optional<double> fraction() const {
        if (!running_.load(std::memory_order_acquire)) return std::nullopt;
        uint64_t total = total_.load(std::memory_order_relaxed);
        if (total == 0) return std::nullopt;
        uint64_t done = done_.load(std::memory_order_relaxed);
        return done >= total ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
    }

private:
    std::atomic<bool> running_{false};
    std::atomic<uint64_t> total_{0};
    std::atomic<uint64_t> done_{0};
};

}  // namespace basalt

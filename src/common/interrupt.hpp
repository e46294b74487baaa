// Why a running statement must stop: a cancel request from another thread (Connection::interrupt, Ctrl-C, a
// client's CancelRequest) or its statement_timeout. One per session; each statement re-arms it. Work checks it
// between chunks and in long loops, and every wait a statement makes checks it too, so 57014 comes within
// milliseconds.
//   (1) request_cancel() may be called from any thread at any time; a request while no statement runs is
//       dropped at the next arm(), as PostgreSQL ignores a cancel that arrives between queries.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "common/error.hpp"

namespace basalt {

class InterruptState {
public:
    using Clock = std::chrono::steady_clock;

    // A statement starts: clears an old cancel request and sets the deadline (timeout_ms 0: none).
    void arm(int64_t timeout_ms) {
        cancelled_.store(false, std::memory_order_relaxed);
        deadline_ns_.store(timeout_ms > 0 ? now_ns() + timeout_ms * 1000000 : 0, std::memory_order_relaxed);
    }
    void disarm() { deadline_ns_.store(0, std::memory_order_relaxed); }
    void request_cancel() { cancelled_.store(true, std::memory_order_relaxed); }

    // True when the statement should stop (without throwing).
    bool stop_requested() const {
        if (cancelled_.load(std::memory_order_relaxed)) return true;
        int64_t deadline = deadline_ns_.load(std::memory_order_relaxed);
        return deadline != 0 && now_ns() >= deadline;
    }
    // Throws 57014 when the statement was cancelled or ran past its statement_timeout.
    void check() const {
        if (cancelled_.load(std::memory_order_relaxed)) {
            throw Error(sql_state::kQueryCanceled, "canceling statement due to user request");
        }
        int64_t deadline = deadline_ns_.load(std::memory_order_relaxed);
        if (deadline != 0 && now_ns() >= deadline) {
            throw Error(sql_state::kQueryCanceled, "canceling statement due to statement timeout");
        }
    }

private:
    static int64_t now_ns() {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
    }
    std::atomic<bool> cancelled_{false};
    std::atomic<int64_t> deadline_ns_{0};
};

}  // namespace basalt

// A reader-writer lock that does not starve its exclusive side: once a thread waits to lock it exclusively, new
// shared lockers wait behind it. (std::shared_mutex on glibc prefers readers: under a steady stream of
// overlapping statements a checkpoint waiting for the exclusive lock never got it, and the log grew without
// bound.) Meets the SharedMutex requirements, so std::unique_lock and std::shared_lock work with it.
//   (1) Not recursive: a thread holding it shared must not lock it shared again (a waiting exclusive locker
//       would deadlock them both).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "common/interrupt.hpp"

namespace basalt {

class FairSharedMutex {
public:
    void lock() {
        std::unique_lock guard(mutex_);
        waiting_exclusive_++;
        changed_.wait(guard, [this]() { return !exclusive_ && shared_ == 0; });
        waiting_exclusive_--;
        exclusive_ = true;
    }
    bool try_lock() {
        std::lock_guard guard(mutex_);
        if (exclusive_ || shared_ > 0) return false;
        exclusive_ = true;
        return true;
    }
    void unlock() {
        {
            std::lock_guard guard(mutex_);
            exclusive_ = false;
        }
        changed_.notify_all();
    }
    void lock_shared() {
        std::unique_lock guard(mutex_);
        changed_.wait(guard, [this]() { return !exclusive_ && waiting_exclusive_ == 0; });
        shared_++;
    }
    // As lock() and lock_shared(), but a statement that is cancelled or times out while waiting gives up (57014).
    void lock(const InterruptState& interrupt) {
        std::unique_lock guard(mutex_);
        waiting_exclusive_++;
        while (exclusive_ || shared_ > 0) {
            if (interrupt.stop_requested()) {
                waiting_exclusive_--;
                guard.unlock();
                changed_.notify_all();  // shared lockers held back by this waiter may go
                interrupt.check();
                guard.lock();
                waiting_exclusive_++;
            }
            changed_.wait_for(guard, std::chrono::milliseconds(10));
        }
        waiting_exclusive_--;
        exclusive_ = true;
    }
    void lock_shared(const InterruptState& interrupt) {
        std::unique_lock guard(mutex_);
        while (exclusive_ || waiting_exclusive_ > 0) {
            if (interrupt.stop_requested()) {
                guard.unlock();
                interrupt.check();
                guard.lock();
            }
            changed_.wait_for(guard, std::chrono::milliseconds(10));
        }
        shared_++;
    }
    bool try_lock_shared() {
        std::lock_guard guard(mutex_);
        if (exclusive_ || waiting_exclusive_ > 0) return false;
        shared_++;
        return true;
    }
    void unlock_shared() {
        bool last;
        {
            std::lock_guard guard(mutex_);
            last = --shared_ == 0;
        }
        if (last) changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int shared_ = 0;
    int waiting_exclusive_ = 0;
    bool exclusive_ = false;
};

}  // namespace basalt

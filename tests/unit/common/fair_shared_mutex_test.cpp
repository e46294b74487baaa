#include "common/fair_shared_mutex.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <shared_mutex>
#include <thread>

using basalt::FairSharedMutex;

// A waiting exclusive locker goes before shared lockers that come after it (no starvation), and gets the lock
// once the shared holders it waited for are gone.
TEST(FairSharedMutex, WaitingExclusiveLockerBlocksNewSharedLockers) {
    FairSharedMutex m;
    m.lock_shared();
    EXPECT_TRUE(m.try_lock_shared());  // shared holders share
    std::atomic<bool> acquired{false};
    std::thread writer([&]() {
        std::unique_lock guard(m);
        acquired = true;
    });
    // Once the writer waits, newcomers are turned away (a reader-preferring lock lets them in forever).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool refused = false;
    while (!refused && std::chrono::steady_clock::now() < deadline) {
        refused = !m.try_lock_shared();
        if (!refused) m.unlock_shared();
        std::this_thread::yield();
    }
    ASSERT_TRUE(refused);
    EXPECT_FALSE(acquired.load());
    m.unlock_shared();
    EXPECT_FALSE(acquired.load());  // one shared holder is left
    m.unlock_shared();
    writer.join();
    EXPECT_TRUE(acquired.load());
    std::shared_lock shared(m);  // free again
    EXPECT_FALSE(m.try_lock());
}

// The shared task scheduler: errors, and when a failed group's tasks are destroyed.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "common/task_scheduler.hpp"

namespace basalt {
namespace {

using namespace std::chrono_literals;

// A task whose states point into its owner: it must be destroyed before the owner hears that nothing runs.
class SlowYieldingTask final : public Task {
public:
    SlowYieldingTask(std::atomic<bool>& owner_gone, std::atomic<bool>& destroyed_late) : owner_gone_(owner_gone), destroyed_late_(destroyed_late) {}
    ~SlowYieldingTask() override {
        std::this_thread::sleep_for(50ms);  // a slow destructor (freeing a big hash table)
        if (owner_gone_.load()) destroyed_late_ = true;
    }
    TaskResult run() override {
        started = true;
        std::this_thread::sleep_for(100ms);
        return TaskResult::kYield;  // more to do, but its group has failed meanwhile
    }
    std::atomic<bool> started{false};

private:
    std::atomic<bool>& owner_gone_;
    std::atomic<bool>& destroyed_late_;
};

class FailingTask final : public Task {
public:
    TaskResult run() override { throw std::runtime_error("boom"); }
};

TEST(TaskScheduler, AFailedGroupsTasksAreGoneBeforeItsWaitReturns) {
    TaskScheduler scheduler(2);
    std::atomic<bool> owner_gone{false}, destroyed_late{false};
    {
        TaskGroup group(scheduler);
        auto slow = std::make_shared<SlowYieldingTask>(owner_gone, destroyed_late);
        group.submit(slow);
        while (!slow->started) std::this_thread::yield();  // the pool thread runs it
        slow.reset();
        group.submit(std::make_shared<FailingTask>());  // this thread runs it in wait()
        EXPECT_THROW(group.wait(), std::runtime_error);
        owner_gone = true;  // the owner frees what the tasks pointed to
    }
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(destroyed_late) << "a task of the failed group was destroyed after its owner was told nothing runs";
}

TEST(TaskScheduler, ParallelForRunsEveryIndexAndRethrows) {
    TaskScheduler scheduler(2);
    std::atomic<int> sum{0};
    scheduler.parallel_for(100, [&](int i) { sum += i; });
    EXPECT_EQ(sum.load(), 4950);
    EXPECT_THROW(scheduler.parallel_for(10, [&](int i) {
        if (i == 7) throw std::runtime_error("seven");
    }),
                 std::runtime_error);
}

}  // namespace
}  // namespace basalt

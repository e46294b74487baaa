// The worker pool every query of every session shares. Work comes as tasks: resumable slices that run a bounded
// amount (a few milliseconds of morsels) and then say whether more remains. Each query owns a TaskGroup (its
// producer); the pool takes turns between groups, one slice at a time, so a long query cannot starve a short
// one, and the thread that waits for a group runs that group's tasks itself (a query makes progress even when
// every pool thread is busy elsewhere).
//   (1) A task runs on one thread at a time; a task that yields is queued again at the back of its group.
//   (2) A task that returns kBlocked is parked until someone calls TaskGroup::unblock() (a result buffer with
//       room again).
//   (3) The first exception a task throws fails its group: queued and parked tasks are dropped, running ones
//       finish their slice, and wait() rethrows it.
//   (4) A group must outlive its tasks' runs: its destructor waits for running slices and drops the rest.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace basalt {

enum class TaskResult { kFinished, kYield, kBlocked };

class Task {
public:
    virtual ~Task() = default;
    virtual TaskResult run() = 0;
};

class TaskGroup;

class TaskScheduler {
public:
    // threads: how many threads work at most on one query, counting the thread that waits for it; the pool has
    // threads - 1 threads of its own.
    explicit TaskScheduler(int threads);
    ~TaskScheduler();
    TaskScheduler(const TaskScheduler&) = delete;
    TaskScheduler& operator=(const TaskScheduler&) = delete;

    int thread_count() const { return static_cast<int>(threads_.size()) + 1; }
    static int default_thread_count();

    // Runs work(i) for i in [0, count) as tasks of a new group and waits (the caller works too). For work that
    // is split up front (sorting runs, building partitions); a pipeline uses TaskGroup directly.
    void parallel_for(int count, const std::function<void(int)>& work);

private:
    friend class TaskGroup;
    void worker_loop();
    // Takes the next task round-robin over groups; called with mutex_ held.
    bool take_next(TaskGroup*& group, std::shared_ptr<Task>& task);
    // Runs one slice and files the task by its result; called without mutex_.
    void run_slice(TaskGroup& group, std::shared_ptr<Task> task);

    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<TaskGroup*> ready_;  // groups with queued tasks, in turn order
    bool stop_ = false;
};

class TaskGroup {
public:
    explicit TaskGroup(TaskScheduler& scheduler) : scheduler_(scheduler) {}
    ~TaskGroup();
    TaskGroup(const TaskGroup&) = delete;
    TaskGroup& operator=(const TaskGroup&) = delete;

    void submit(std::shared_ptr<Task> task);
    // Runs queued tasks of this group on the calling thread and waits until none is queued or running (parked
    // ones may remain). Rethrows the first error of any task.
    void wait();
    // Runs one queued slice on the calling thread, or else waits until a slice ends elsewhere or `timeout_ms`
    // passes. Returns false when no task is queued, running or parked. Rethrows the first error of any task.
    bool work_once(int timeout_ms);
    // Queues the parked tasks again.
    void unblock();
    // Whether a task failed (the others should stop at their next check).
    bool failed();
    // Drops queued and parked tasks (a query that stops early: LIMIT reached, result closed, cancelled).
    void drop_pending();
    TaskScheduler& scheduler() { return scheduler_; }

private:
    friend class TaskScheduler;
    void rethrow_locked();

    TaskScheduler& scheduler_;
    // Guarded by scheduler_.mutex_.
    std::deque<std::shared_ptr<Task>> queue_;
    std::vector<std::shared_ptr<Task>> parked_;
    int running_ = 0;
    bool in_ready_ = false;
    std::exception_ptr error_;
    std::condition_variable changed_;
};

}  // namespace basalt

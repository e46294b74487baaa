// The worker pool pipelines run on. A pipeline asks for N workers; each worker pulls morsels from the
// pipeline's source until it is exhausted (morsel-driven parallelism: load balances itself, no static split).
//   (1) run_workers() returns only after every worker has finished.
//   (2) The first exception thrown by any worker is rethrown on the calling thread; the others are dropped.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace basalt {

class TaskScheduler {
public:
    explicit TaskScheduler(int threads);
    ~TaskScheduler();
    TaskScheduler(const TaskScheduler&) = delete;
    TaskScheduler& operator=(const TaskScheduler&) = delete;

    int thread_count() const { return static_cast<int>(threads_.size()) + 1; }

    // Runs work(worker_index) on `workers` workers (the caller's thread is worker 0) and waits for all.
    void run_workers(int workers, const std::function<void(int)>& work);

    static int default_thread_count();

private:
    struct Job {
        const std::function<void(int)>* work = nullptr;
        int next_index = 0;
        int last_index = 0;
        int running = 0;
        std::exception_ptr error;
    };
    void worker_loop();

    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    std::mutex run_mutex_;  // one job at a time; nested run_workers calls execute inline
    Job* job_ = nullptr;
    bool stop_ = false;
};

}  // namespace basalt

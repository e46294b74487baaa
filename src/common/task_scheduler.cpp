#include "common/task_scheduler.hpp"

namespace basalt {

namespace {
thread_local bool tl_inside_job = false;
}

TaskScheduler::TaskScheduler(int threads) {
    for (int i = 1; i < threads; i++) threads_.emplace_back([this] { worker_loop(); });
}

TaskScheduler::~TaskScheduler() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

int TaskScheduler::default_thread_count() {
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

void TaskScheduler::worker_loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return stop_ || (job_ && job_->next_index < job_->last_index); });
        if (stop_) return;
        Job* job = job_;
        int index = job->next_index++;
        job->running++;
        lock.unlock();
        tl_inside_job = true;
        try {
            (*job->work)(index);
        } catch (...) {
            std::lock_guard guard(mutex_);
            if (!job->error) job->error = std::current_exception();
        }
        tl_inside_job = false;
        lock.lock();
        if (--job->running == 0 && job->next_index >= job->last_index) done_.notify_all();
    }
}

void TaskScheduler::run_workers(int workers, const std::function<void(int)>& work) {
    // A pipeline started from inside a worker (a nested subplan) runs on that worker alone: the pool is
    // busy with the outer pipeline and waiting for it would deadlock.
    if (workers <= 1 || threads_.empty() || tl_inside_job) {
        work(0);
        return;
    }
    std::lock_guard run_lock(run_mutex_);
    Job job;
    job.work = &work;
    job.next_index = 1;
    job.last_index = workers;
    {
        std::lock_guard lock(mutex_);
        job_ = &job;
    }
    wake_.notify_all();
    std::exception_ptr caller_error;
    tl_inside_job = true;
    try {
        work(0);
    } catch (...) {
        caller_error = std::current_exception();
    }
    tl_inside_job = false;
    {
        std::unique_lock lock(mutex_);
        // Workers that never started a slice are not waited for: take the unstarted slices back.
        job.last_index = job.next_index;
        done_.wait(lock, [&] { return job.running == 0; });
        job_ = nullptr;
    }
    if (caller_error) std::rethrow_exception(caller_error);
    if (job.error) std::rethrow_exception(job.error);
}

}  // namespace basalt

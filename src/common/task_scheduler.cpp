#include "common/task_scheduler.hpp"

#include <algorithm>
#include <chrono>

namespace basalt {

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

bool TaskScheduler::take_next(TaskGroup*& group, std::shared_ptr<Task>& task) {
    while (!ready_.empty()) {
        group = ready_.front();
        ready_.pop_front();
        if (group->queue_.empty()) {
            group->in_ready_ = false;
            continue;
        }
        task = std::move(group->queue_.front());
        group->queue_.pop_front();
        // Back of the line: the next slice goes to another query if one waits.
        if (group->queue_.empty()) {
            group->in_ready_ = false;
        } else {
            ready_.push_back(group);
        }
        group->running_++;
        return true;
    }
    return false;
}

void TaskScheduler::run_slice(TaskGroup& group, std::shared_ptr<Task> task) {
    TaskResult result = TaskResult::kFinished;
    std::exception_ptr error;
    try {
        result = task->run();
    } catch (...) {
        error = std::current_exception();
    }
    // Tasks' states (which point into the query's operators) are destroyed while this slice still counts as
    // running: the group's owner frees the operators as soon as nothing runs.
    if (error || result == TaskResult::kFinished) task.reset();
    std::vector<std::shared_ptr<Task>> dropped;
    {
        std::lock_guard lock(mutex_);
        if (error && !group.error_) group.error_ = error;
        if (group.error_) {
            dropped.insert(dropped.end(), group.queue_.begin(), group.queue_.end());
            dropped.insert(dropped.end(), group.parked_.begin(), group.parked_.end());
            group.queue_.clear();
            group.parked_.clear();
            if (task) dropped.push_back(std::move(task));
        } else if (result == TaskResult::kYield) {
            group.queue_.push_back(std::move(task));
            if (!group.in_ready_) {
                group.in_ready_ = true;
                ready_.push_back(&group);
            }
            wake_.notify_one();
        } else if (result == TaskResult::kBlocked) {
            group.parked_.push_back(std::move(task));
        }
    }
    dropped.clear();  // without the lock: destructors may take locks of their own
    std::lock_guard lock(mutex_);
    group.running_--;
    group.changed_.notify_all();
}

void TaskScheduler::worker_loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return stop_ || !ready_.empty(); });
        if (stop_) return;
        TaskGroup* group = nullptr;
        std::shared_ptr<Task> task;
        if (!take_next(group, task)) continue;
        lock.unlock();
        run_slice(*group, std::move(task));
        lock.lock();
    }
}

namespace {
class FunctionTask final : public Task {
public:
    FunctionTask(const std::function<void(int)>& work, int index) : work_(work), index_(index) {}
    TaskResult run() override {
        work_(index_);
        return TaskResult::kFinished;
    }

private:
    const std::function<void(int)>& work_;
    int index_;
};
}  // namespace

void TaskScheduler::parallel_for(int count, const std::function<void(int)>& work) {
    if (count <= 1) {
        if (count == 1) work(0);
        return;
    }
    TaskGroup group(*this);
    for (int i = 0; i < count; i++) group.submit(std::make_shared<FunctionTask>(work, i));
    group.wait();
}

TaskGroup::~TaskGroup() {
    std::vector<std::shared_ptr<Task>> dropped;
    {
        std::unique_lock lock(scheduler_.mutex_);
        if (in_ready_) {
            auto& ready = scheduler_.ready_;
            ready.erase(std::remove(ready.begin(), ready.end(), this), ready.end());
            in_ready_ = false;
        }
        dropped.insert(dropped.end(), queue_.begin(), queue_.end());
        dropped.insert(dropped.end(), parked_.begin(), parked_.end());
        queue_.clear();
        parked_.clear();
        changed_.wait(lock, [this] { return running_ == 0; });
    }
}

void TaskGroup::submit(std::shared_ptr<Task> task) {
    {
        std::lock_guard lock(scheduler_.mutex_);
        queue_.push_back(std::move(task));
        if (!in_ready_) {
            in_ready_ = true;
            scheduler_.ready_.push_back(this);
        }
        changed_.notify_all();
    }
    scheduler_.wake_.notify_one();
}

void TaskGroup::unblock() {
    bool any = false;
    {
        std::lock_guard lock(scheduler_.mutex_);
        if (parked_.empty()) return;
        for (auto& t : parked_) queue_.push_back(std::move(t));
        parked_.clear();
        any = true;
        if (!in_ready_) {
            in_ready_ = true;
            scheduler_.ready_.push_back(this);
        }
        changed_.notify_all();
    }
    if (any) scheduler_.wake_.notify_all();
}

bool TaskGroup::failed() {
    std::lock_guard lock(scheduler_.mutex_);
    return error_ != nullptr;
}

void TaskGroup::drop_pending() {
    std::vector<std::shared_ptr<Task>> dropped;
    std::lock_guard lock(scheduler_.mutex_);
    dropped.insert(dropped.end(), queue_.begin(), queue_.end());
    dropped.insert(dropped.end(), parked_.begin(), parked_.end());
    queue_.clear();
    parked_.clear();
    changed_.notify_all();
    // dropped is destroyed after the lock is released (declared first).
}

void TaskGroup::rethrow_locked() {
    if (error_) std::rethrow_exception(error_);
}

bool TaskGroup::work_once(int timeout_ms) {
    std::unique_lock lock(scheduler_.mutex_);
    if (error_) {
        changed_.wait(lock, [this] { return running_ == 0; });
        rethrow_locked();
    }
    if (!queue_.empty()) {
        auto task = std::move(queue_.front());
        queue_.pop_front();
        if (queue_.empty() && in_ready_) {
            auto& ready = scheduler_.ready_;
            ready.erase(std::remove(ready.begin(), ready.end(), this), ready.end());
            in_ready_ = false;
        }
        running_++;
        lock.unlock();
        scheduler_.run_slice(*this, std::move(task));
        return true;
    }
    if (running_ == 0 && parked_.empty()) return false;
    changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms));
    return true;
}

void TaskGroup::wait() {
    while (work_once(100)) {
    }
    std::lock_guard lock(scheduler_.mutex_);
    rethrow_locked();
}

}  // namespace basalt

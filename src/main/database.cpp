#include "main/database.hpp"

namespace basalt {

Database::Database(int threads) {
    if (threads <= 0) threads = TaskScheduler::default_thread_count();
    scheduler_ = std::make_unique<TaskScheduler>(threads);
}

Database::~Database() = default;

}  // namespace basalt

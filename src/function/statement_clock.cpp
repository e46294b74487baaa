#include "function/statement_clock.hpp"

#include <chrono>

namespace basalt {

int64_t current_time_micros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace basalt

#include "function/statement_clock.hpp"

#include <chrono>

namespace basalt {

namespace {
thread_local int64_t tl_statement_time = 0;
}

int64_t current_time_micros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void set_statement_time(int64_t micros) { tl_statement_time = micros; }

int64_t statement_time() { return tl_statement_time != 0 ? tl_statement_time : current_time_micros(); }

}  // namespace basalt

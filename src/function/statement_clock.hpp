// The time a statement started, fixed when the connection begins executing it: now() and current_date read it
// while the statement is bound, so every use within one statement sees the same instant (on the binding thread).
#pragma once

#include <cstdint>

namespace basalt {

void set_statement_time(int64_t micros_since_epoch);
int64_t statement_time();  // falls back to the current time when no statement set it
int64_t current_time_micros();

}  // namespace basalt

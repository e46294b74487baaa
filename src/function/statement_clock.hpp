// The wall clock in microseconds since the epoch. A session fixes now() at its transaction's start and hands it
// to the binder (SessionCatalog::transaction_time); nothing here is per thread.
#pragma once

#include <cstdint>

namespace basalt {

int64_t current_time_micros();

}  // namespace basalt

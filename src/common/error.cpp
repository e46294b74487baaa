#include "common/error.hpp"

#include <fmt/format.h>

namespace basalt {

void throw_internal_error(const char* condition, const char* message, const char* file, int line) {
    throw Error(sql_state::kInternalError,
                fmt::format("internal error: {} ({} failed at {}:{})", message, condition, file, line));
}

}  // namespace basalt

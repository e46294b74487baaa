// Errors: the engine throws an Error carrying a SQLSTATE and, for parser and binder errors, a 1-based
// character position in the statement text (PostgreSQL's P field). Errors are caught only at boundaries.
#pragma once

#include <stdexcept>
#include <string>

#include "common/sql_state.hpp"

namespace basalt {

class Error : public std::runtime_error {
public:
    Error(SqlState state, std::string message, int position = 0)
        : std::runtime_error(std::move(message)), state_(state), position_(position) {}

    const char* sql_state() const { return state_.code; }
    SqlState state() const { return state_; }
    // 1-based character offset into the statement text, 0 when unknown.
    int position() const { return position_; }
    void set_position(int position) { position_ = position; }
    // PostgreSQL's DETAIL field: a second line that explains (for example, which key is duplicated).
    const std::string& detail() const { return detail_; }
    void set_detail(std::string detail) { detail_ = std::move(detail); }

private:
    SqlState state_;
    int position_;
    std::string detail_;
};

[[noreturn]] void throw_internal_error(const char* condition, const char* message, const char* file, int line);

}  // namespace basalt

// Guards invariants no input can break. Throws XX000 naming the invariant; never aborts a server.
#define BASALT_ASSERT(condition, message)                                            \
    do {                                                                             \
        if (!(condition)) ::basalt::throw_internal_error(#condition, message, __FILE__, __LINE__); \
    } while (false)

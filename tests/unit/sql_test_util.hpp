// Helpers for unit tests that run SQL through a Connection: a fresh temporary directory, a result as text,
// and the SQLSTATE a statement fails with.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "main/connection.hpp"

namespace basalt::test {

// A path under the temporary directory, unique to this process, removed if it exists.
inline std::string temp_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("basalt-test-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    return dir.string();
}

// Rows as lines, columns separated by '|', NULL as NULL.
inline std::string text(Connection& c, const std::string& sql) {
    QueryResult r = c.query(sql);
    std::string out;
    for (const auto& chunk : r.chunks) {
        for (idx_t row = 0; row < chunk->size(); row++) {
            for (idx_t col = 0; col < chunk->column_count(); col++) {
                out += (col ? "|" : "") + (chunk->column(col).is_null(row) ? std::string("NULL") : chunk->column(col).get_value(row).to_string());
            }
            out += "\n";
        }
    }
    return out;
}

// The SQLSTATE the statement fails with, or "" when it succeeds.
inline std::string error_state(Connection& c, const std::string& sql) {
    try {
        c.query(sql);
    } catch (const Error& e) {
        return e.sql_state();
    }
    return "";
}

}  // namespace basalt::test

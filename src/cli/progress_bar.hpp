// The `basalt` command's progress bar: while a statement runs longer than a second, a thread of its own polls
// Connection::progress() and redraws one line on a terminal at most every 100 ms. The command creates one only
// when standard error is a terminal, so piped or redirected output never holds a bar.
//   (1) statement_started() and clear() are called by the thread running statements; the drawing thread only
//       reads the connection's progress (which any thread may) and writes to the bar's stream.
//   (2) clear() returns with the bar erased and none drawn until the next statement_started(): what the caller
//       prints after it (results, errors) never shares a line with the bar.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "main/connection.hpp"

namespace basalt {

class ProgressBar {
public:
    // Draws on `out` (the command's standard error, a terminal).
    ProgressBar(const Connection& connection, std::FILE* out);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    void statement_started();
    void clear();

    // The text of the bar for a fraction done (no line control characters): "[####......]  42%".
    static std::string render(double fraction);

private:
    void run();
    void erase_locked();

    const Connection& connection_;
    std::FILE* out_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    bool active_ = false;  // a statement runs
    std::chrono::steady_clock::time_point started_;
    size_t shown_width_ = 0;  // characters of the bar on the terminal now (0: none)
    std::string shown_;
    std::thread thread_;  // last: starts once the members above exist
};

}  // namespace basalt

#include "cli/progress_bar.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace basalt {

namespace {

// A statement shorter than this never shows a bar: quick ones would only flicker.
constexpr auto kDelay = std::chrono::seconds(1);
constexpr auto kRefresh = std::chrono::milliseconds(100);
constexpr int kWidth = 40;

}  // namespace

ProgressBar::ProgressBar(const Connection& connection, std::FILE* out)
    : connection_(connection), out_(out), thread_([this] { run(); }) {}

ProgressBar::~ProgressBar() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
        erase_locked();
    }
    wake_.notify_all();
    thread_.join();
}

std::string ProgressBar::render(double fraction) {
    fraction = std::clamp(fraction, 0.0, 1.0);
    int filled = static_cast<int>(std::floor(fraction * kWidth));
    int percent = static_cast<int>(std::floor(fraction * 100));
    return fmt::format("[{}{}] {:3d}%", std::string(static_cast<size_t>(filled), '#'), std::string(static_cast<size_t>(kWidth - filled), '.'),
                       percent);
}

void ProgressBar::statement_started() {
    {
        std::lock_guard lock(mutex_);
        active_ = true;
        started_ = std::chrono::steady_clock::now();
    }
    wake_.notify_all();
}

void ProgressBar::clear() {
    std::lock_guard lock(mutex_);
    active_ = false;
    erase_locked();
}

void ProgressBar::erase_locked() {
    if (shown_width_ == 0) return;
    // Spaces over the bar, then back to the line start: works on any terminal, unlike ANSI erase codes.
    std::fputs(("\r" + std::string(shown_width_, ' ') + "\r").c_str(), out_);
    std::fflush(out_);
    shown_width_ = 0;
    shown_.clear();
}

void ProgressBar::run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
        if (!active_) {
            wake_.wait(lock, [this] { return stop_ || active_; });
            continue;
        }
        auto now = std::chrono::steady_clock::now();
        if (now - started_ < kDelay) {
            // statement_started() may move started_ while this waits; the loop reads it again.
            wake_.wait_until(lock, started_ + kDelay);
            continue;
        }
        if (std::optional<double> fraction = connection_.progress()) {
            std::string text = render(*fraction);
            if (text != shown_) {
                std::fputs(("\r" + text).c_str(), out_);
                std::fflush(out_);
                shown_width_ = text.size();
                shown_ = std::move(text);
            }
        }
        wake_.wait_for(lock, kRefresh);
    }
}

}  // namespace basalt

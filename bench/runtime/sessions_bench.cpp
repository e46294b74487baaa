// Two sessions on one database: one runs a long query (TPC-H-shaped join and aggregation over lineitem, on every
// worker) while the other runs point queries; prints the point queries' latency percentiles, then how long a
// cancel of the long query took to come back with 57014.
// usage: basalt_sessions_bench DB_DIR [POINT_QUERIES]   (DB_DIR: a database with the TPC-H tables, e.g. SF1)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>
#include <vector>

#include "main/connection.hpp"

using namespace basalt;
using Clock = std::chrono::steady_clock;

namespace {
double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Joins lineitem with itself on the order key: seconds of work at SF1 on two threads.
const char* kLongQuery =
    "SELECT count(*), sum(a.l_quantity * b.l_discount) FROM lineitem a JOIN lineitem b ON a.l_orderkey = b.l_orderkey "
    "WHERE a.l_linenumber <> b.l_linenumber AND a.l_comment < b.l_comment";
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: basalt_sessions_bench DB_DIR [POINT_QUERIES]\n");
        return 2;
    }
    int points = argc > 2 ? std::atoi(argv[2]) : 100;
    Database db(0, argv[1]);
    Connection longer(db), point(db);
    // Alone first: the long query's duration, and point-query latency with nothing else running.
    auto start = Clock::now();
    longer.query(kLongQuery);
    double alone_ms = ms(Clock::now() - start);
    auto run_points = [&](std::vector<double>& out) {
        for (int i = 0; i < points; i++) {
            auto t = Clock::now();
            point.query("SELECT o_totalprice, o_orderdate FROM orders WHERE o_orderkey = " + std::to_string(1 + (i * 7919) % 6000000));
            out.push_back(ms(Clock::now() - t));
        }
        std::sort(out.begin(), out.end());
    };
    std::vector<double> quiet, busy;
    run_points(quiet);
    std::atomic<bool> started{false};
    auto long_run = std::async(std::launch::async, [&] {
        started = true;
        try {
            longer.query(kLongQuery);
            return std::string("finished");
        } catch (const Error& e) {
            return std::string(e.sql_state());
        }
    });
    while (!started) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    run_points(busy);
    auto cancel_at = Clock::now();
    longer.interrupt();
    std::string outcome = long_run.get();
    double cancel_ms = ms(Clock::now() - cancel_at);
    auto pct = [](const std::vector<double>& v, double p) { return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))]; };
    std::printf("long query alone: %.0f ms on %d threads\n", alone_ms, db.scheduler().thread_count());
    std::printf("point queries alone:          p50 %.2f ms  p95 %.2f ms  max %.2f ms\n", pct(quiet, 0.5), pct(quiet, 0.95), quiet.back());
    std::printf("point queries beside it:      p50 %.2f ms  p95 %.2f ms  max %.2f ms\n", pct(busy, 0.5), pct(busy, 0.95), busy.back());
    std::printf("cancel of the long query: %s after %.1f ms\n", outcome.c_str(), cancel_ms);
    return 0;
}

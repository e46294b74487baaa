// Commit throughput: W writer sessions on one database directory, each committing single-row INSERTs as fast
// as it can for S seconds (synchronous = full: every commit is durable before it returns). Prints commits per
// second and commit latencies (median, 99th percentile, maximum: the longest wait, e.g. behind a checkpoint); run
// it several times and quote the median (bench/storage/commits.sh does). CHECKPOINT_THRESHOLD (e.g. 4MB) sets
// checkpoint_threshold, so background checkpoints run during the measurement.
// Usage: basalt_commit_bench DIR WRITERS SECONDS
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "main/connection.hpp"

using namespace basalt;

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s DIR WRITERS SECONDS\n", argv[0]);
        return 2;
    }
    std::string dir = argv[1];
    int writers = std::atoi(argv[2]);
    double seconds = std::atof(argv[3]);
    std::filesystem::remove_all(dir);
    Database db(2, dir);
    {
        Connection setup(db);
        setup.query("CREATE TABLE events (writer INTEGER, seq INTEGER, payload VARCHAR, PRIMARY KEY (writer, seq))");
        if (const char* threshold = std::getenv("CHECKPOINT_THRESHOLD")) setup.query(std::string("SET checkpoint_threshold = '") + threshold + "'");
    }
    std::mutex latencies_mutex;
    std::vector<double> latencies;  // milliseconds, of every commit
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> commits{0}, failures{0};
    std::vector<std::thread> threads;
    auto start = std::chrono::steady_clock::now();
    for (int w = 0; w < writers; w++) {
        threads.emplace_back([&, w]() {
            Connection c(db);
            std::vector<double> mine;
            for (int seq = 0; !stop.load(std::memory_order_relaxed); seq++) {
                auto begin = std::chrono::steady_clock::now();
                try {
                    c.query("INSERT INTO events VALUES (" + std::to_string(w) + ", " + std::to_string(seq) + ", 'payload of a typical event row')");
                    commits++;
                    mine.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count());
                } catch (const Error&) {
                    failures++;
                }
            }
            std::lock_guard guard(latencies_mutex);
            latencies.insert(latencies.end(), mine.begin(), mine.end());
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::sort(latencies.begin(), latencies.end());
    auto at = [&](double q) { return latencies.empty() ? 0.0 : latencies[static_cast<size_t>(q * static_cast<double>(latencies.size() - 1))]; };
    std::printf("writers=%d commits=%llu failures=%llu seconds=%.2f commits_per_second=%.0f latency_ms_p50=%.2f p99=%.2f max=%.1f\n",
                writers, static_cast<unsigned long long>(commits.load()), static_cast<unsigned long long>(failures.load()), elapsed,
                static_cast<double>(commits.load()) / elapsed, at(0.5), at(0.99), latencies.empty() ? 0.0 : latencies.back());
    return 0;
}

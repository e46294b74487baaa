// Commit throughput: W writer sessions on one database directory, each committing single-row INSERTs as fast
// as it can for S seconds (synchronous = full: every commit is durable before it returns). Prints commits per
// second; run it several times and quote the median (bench/storage/commits.sh does).
// Usage: basalt_commit_bench DIR WRITERS SECONDS
#include <atomic>
#include <chrono>
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
    }
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> commits{0}, failures{0};
    std::vector<std::thread> threads;
    auto start = std::chrono::steady_clock::now();
    for (int w = 0; w < writers; w++) {
        threads.emplace_back([&, w]() {
            Connection c(db);
            for (int seq = 0; !stop.load(std::memory_order_relaxed); seq++) {
                try {
                    c.query("INSERT INTO events VALUES (" + std::to_string(w) + ", " + std::to_string(seq) + ", 'payload of a typical event row')");
                    commits++;
                } catch (const Error&) {
                    failures++;
                }
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("writers=%d commits=%llu failures=%llu seconds=%.2f commits_per_second=%.0f\n", writers,
                static_cast<unsigned long long>(commits.load()), static_cast<unsigned long long>(failures.load()), elapsed,
                static_cast<double>(commits.load()) / elapsed);
    return 0;
}

// The write-ahead log's framing and failure handling: records of any size (split into fragments), torn tails
// cut away, damage refused, and failed writes or syncs that leave the log as it was.
#include "storage/write_ahead_log.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "fault_injection_file_system.hpp"
#include "sql_test_util.hpp"

using namespace basalt;
using basalt::test::FaultInjectionFileSystem;
namespace fs = std::filesystem;

namespace {

std::string payload(size_t size, char seed) {
    std::string s(size, '\0');
    for (size_t i = 0; i < size; i++) s[i] = static_cast<char>(seed + i * 31 + (i >> 12));
    return s;
}

std::vector<std::string> replay(FileSystem& files, const std::string& path) {
    std::vector<std::string> out;
    auto log = WriteAheadLog::open(files, path, 7);
    log->replay([&](BinaryReader& r) {
        size_t n = r.remaining();
        out.emplace_back(r.take(n), n);
    });
    return out;
}

std::string sql_state_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.sql_state();
    }
    return "";
}

}  // namespace

TEST(WriteAheadLog, RecordsOfAnySizeRoundTripThroughFragments) {
    std::string dir = basalt::test::temp_dir("wal-sizes");
    fs::create_directories(dir);
    std::string path = dir + "/wal.log";
    auto files = FileSystem::local();
    // Empty, small, exactly one fragment, just over, and several fragments (a large commit).
    std::vector<std::string> records = {"", payload(10, 'a'), payload(1 << 20, 'b'), payload((1 << 20) + 1, 'c'),
                                        payload(9 * (1 << 20) + 12345, 'd'), payload(3, 'e')};
    {
        auto log = WriteAheadLog::create(*files, path, 7);
        for (const auto& r : records) log->append(r, true);
    }
    EXPECT_EQ(replay(*files, path), records);
    // A log of another checkpoint, or no log at all, is refused.
    EXPECT_EQ(sql_state_of([&] { WriteAheadLog::open(*files, path, 8); }), "XX001");
    fs::remove_all(dir);
}

TEST(WriteAheadLog, TornTailsAreCutAwayAtEveryLength) {
    std::string dir = basalt::test::temp_dir("wal-torn");
    fs::create_directories(dir);
    std::string path = dir + "/wal.log";
    auto files = FileSystem::local();
    std::vector<std::string> records = {payload(100, 'a'), payload(2 * (1 << 20) + 7, 'b')};
    uint64_t first_end = 0, full = 0;
    {
        auto log = WriteAheadLog::create(*files, path, 7);
        log->append(records[0], true);
        first_end = log->size();
        log->append(records[1], true);
        full = log->size();
    }
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    // Cut the second record (three fragments) at many points, including inside headers: only the first stays.
    for (uint64_t cut : {first_end + 1, first_end + 19, first_end + 20, first_end + 21, first_end + (1 << 20) + 20,
                         first_end + (1 << 20) + 40 + 5, full - 1}) {
        std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(cut));
        EXPECT_EQ(replay(*files, path), std::vector<std::string>{records[0]}) << "cut at " << cut;
        EXPECT_EQ(fs::file_size(path), first_end) << "the torn tail is truncated away";
    }
    // A tail of zeros (the file grew, its data never reached the disk) is torn too.
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(first_end));
    std::ofstream(path, std::ios::binary | std::ios::app) << std::string(5000, '\0');
    EXPECT_EQ(replay(*files, path), std::vector<std::string>{records[0]});
    // Damage inside a complete record is refused, never dropped.
    std::string damaged = bytes;
    damaged[first_end + 20 + 500] ^= 0x40;
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
    EXPECT_EQ(sql_state_of([&] { replay(*files, path); }), "XX001");
    damaged = bytes;
    damaged[first_end + 2] ^= 0x01;  // a header's length
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
    EXPECT_EQ(sql_state_of([&] { replay(*files, path); }), "XX001");
    fs::remove_all(dir);
}

TEST(WriteAheadLog, FailedWritesLeaveTheLogAsItWas) {
    std::string dir = basalt::test::temp_dir("wal-faults");
    fs::create_directories(dir);
    std::string path = dir + "/wal.log";
    auto faults = std::make_shared<FaultInjectionFileSystem>();
    auto log = WriteAheadLog::create(*faults, path, 7);
    log->append(payload(50, 'a'), true);
    uint64_t base = faults->write_points();
    // A full disk: the write is short, the error is 53100, the partial record is taken back.
    faults->fail(base + 1, ENOSPC, false);
    EXPECT_EQ(sql_state_of([&] { log->append(payload(3 << 20, 'x'), true); }), "53100");
    log->append(payload(20, 'b'), true);  // a shorter record after the failed one
    log->append(payload(30, 'c'), true);
    EXPECT_EQ(replay(*faults, path), (std::vector<std::string>{payload(50, 'a'), payload(20, 'b'), payload(30, 'c')}));
    // When the record cannot be taken back (every call fails), the log refuses all later writes.
    faults->fail(faults->write_points() + 1, EIO, true);
    EXPECT_EQ(sql_state_of([&] { log->append(payload(10, 'z'), true); }), "58030");
    EXPECT_TRUE(log->broken());
    faults->fail(0, 0, false);
    EXPECT_EQ(sql_state_of([&] { log->append(payload(10, 'w'), true); }), "58030");
    fs::remove_all(dir);
}

TEST(WriteAheadLog, OneSyncServesEveryRecordWrittenBeforeItAndAFailedSyncStopsTheLog) {
    std::string dir = basalt::test::temp_dir("wal-group");
    fs::create_directories(dir);
    std::string path = dir + "/wal.log";
    auto faults = std::make_shared<FaultInjectionFileSystem>();
    auto log = WriteAheadLog::create(*faults, path, 7);
    uint64_t a = log->append(payload(40, 'a'));
    uint64_t b = log->append(payload(40, 'b'));
    uint64_t before = faults->write_points();
    log->sync_to(a);
    log->sync_to(b);  // already durable: the first sync covered it
    EXPECT_EQ(faults->write_points(), before + 1);
    // A failed sync: the records waiting for it are cut away, and the log refuses everything until reopened.
    uint64_t c = log->append(payload(40, 'c'));
    faults->fail(faults->write_points() + 1, EIO, false);
    EXPECT_EQ(sql_state_of([&] { log->sync_to(c); }), "58030");
    EXPECT_TRUE(log->sync_failed());
    EXPECT_EQ(sql_state_of([&] { log->append(payload(10, 'd'), true); }), "58030");
    EXPECT_EQ(sql_state_of([&] { log->sync_to(b); }), "58030");
    log.reset();
    EXPECT_EQ(replay(*faults, path), (std::vector<std::string>{payload(40, 'a'), payload(40, 'b')}));
    fs::remove_all(dir);
}

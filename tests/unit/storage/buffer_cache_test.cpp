// The buffer cache is scan resistant (storage/buffer_cache.hpp): a one-off pass stays in probation, a block read
// again is promoted to the main area (from probation or from the ghost list) and outlives later one-off passes,
// and shrinking or forgetting a file reaches every area. Passes read each block vector by vector, as scans do.
#include "storage/buffer_cache.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "storage/column_encoding.hpp"

using namespace basalt;

namespace {

// A cache over a budget of kBudgetBlocks blocks, each a single bigint vector; counts the loads (misses).
class CacheFixture {
public:
    static constexpr size_t kBudgetBlocks = 64;  // probation: a quarter, 16 blocks

    CacheFixture() : memory_(kBudgetBlocks * block_size()), cache_(memory_) {}

    static size_t block_size() {
        MemoryManager memory(size_t{1} << 30);
        BufferCache probe(memory);
        probe.get({0, 0, 0}, 0, [] { return std::make_pair(make_block(), size_t{0}); });
        return probe.used();
    }
    static DecodedBlock make_block() {
        DecodedBlock block;
        block.emplace_back(LogicalType::bigint(), kVectorSize);
        return block;
    }

    // One pass over blocks [first, first + count) of a file, every vector of each block once.
    void pass(uint64_t file, uint32_t first, uint32_t count) {
        for (uint32_t b = first; b < first + count; b++) {
            for (idx_t v = 0; v < kBlockVectors; v++) read(file, b, v);
        }
    }
    void read(uint64_t file, uint32_t block, idx_t vector) {
        cache_.get({file, 0, block}, vector, [this] {
            loads_++;
            return std::make_pair(make_block(), size_t{100});
        });
    }
    // True when reading the block's first vector again needs no load.
    bool cached(uint64_t file, uint32_t block) {
        size_t before = loads_;
        read(file, block, 0);
        return loads_ == before;
    }

    MemoryManager memory_;
    BufferCache cache_;
    size_t loads_ = 0;
};

TEST(BufferCacheTest, AOnePassLargerThanProbationStaysInProbation) {
    CacheFixture f;
    size_t block = CacheFixture::block_size();
    f.pass(1, 0, 1000);
    EXPECT_EQ(f.loads_, 1000u) << "each block loaded once, its other vectors were hits";
    EXPECT_EQ(f.cache_.stats().misses, 1000u);
    EXPECT_EQ(f.cache_.stats().hits, 1000u * (kBlockVectors - 1));
    EXPECT_EQ(f.cache_.stats().bytes_read, 1000u * 100);
    EXPECT_EQ(f.cache_.stats().promotions, 0u) << "the next vectors of one pass are no re-use";
    EXPECT_EQ(f.cache_.main_used(), 0u);
    EXPECT_EQ(f.cache_.used(), 16 * block) << "the cache holds probation's capacity, not the budget";
    EXPECT_LE(f.cache_.ghost_count() * block, CacheFixture::kBudgetBlocks * block) << "the ghost list is bounded";
    EXPECT_GT(f.cache_.ghost_count(), 0u);
}

TEST(BufferCacheTest, ABlockReadAgainIsPromotedAndOutlivesSingleUsePasses) {
    CacheFixture f;
    f.pass(1, 0, 4);
    f.pass(1, 0, 4);  // a second query: hits in probation on vectors handed out before
    EXPECT_EQ(f.loads_, 4u);
    EXPECT_EQ(f.cache_.stats().promotions, 4u);
    EXPECT_EQ(f.cache_.main_used(), 4 * CacheFixture::block_size());
    f.pass(2, 0, 500);  // one-off passes flow through probation
    f.pass(3, 0, 500);
    for (uint32_t b = 0; b < 4; b++) EXPECT_TRUE(f.cached(1, b)) << "block " << b;
    EXPECT_FALSE(f.cached(2, 0)) << "a single-use block is gone";
    EXPECT_EQ(f.cache_.main_used(), 4 * CacheFixture::block_size());
}

TEST(BufferCacheTest, AGhostKeyAdmitsItsBlockToMainOnTheNextMiss) {
    CacheFixture f;
    f.pass(1, 0, 40);  // blocks 0..23 left probation, their keys are ghosts
    // The miss finds the key in the ghost list: the block is loaded again and admitted to main.
    ASSERT_FALSE(f.cached(1, 0));
    EXPECT_EQ(f.cache_.stats().promotions, 1u);
    EXPECT_EQ(f.cache_.main_used(), CacheFixture::block_size());
    f.pass(2, 0, 500);
    EXPECT_TRUE(f.cached(1, 0)) << "the admitted block outlived a one-off pass";
    EXPECT_FALSE(f.cached(1, 1)) << "a ghost pushed out by later passes is forgotten: loaded into probation again";
    EXPECT_EQ(f.cache_.stats().promotions, 1u);
}

TEST(BufferCacheTest, AReservationShrinksBothAreas) {
    CacheFixture f;
    size_t block = CacheFixture::block_size();
    f.pass(1, 0, 40);
    f.pass(1, 0, 40);  // all 40 promoted: 24 through the ghost list, 16 from probation
    f.pass(2, 0, 16);  // probation full
    ASSERT_EQ(f.cache_.main_used(), 40 * block);
    ASSERT_EQ(f.cache_.probation_used(), 16 * block);
    // A query reserves all but 16 blocks of the budget: the cache shrinks at once, probation to a quarter.
    MemoryReservation query(&f.memory_, "test");
    ASSERT_TRUE(query.try_resize((CacheFixture::kBudgetBlocks - 16) * block));
    EXPECT_EQ(f.cache_.probation_used(), 4 * block);
    EXPECT_EQ(f.cache_.main_used(), 12 * block);
    EXPECT_TRUE(f.cached(1, 39)) << "main kept its most recently used blocks";
    EXPECT_FALSE(f.cached(1, 0));
    f.pass(3, 0, 100);
    EXPECT_LE(f.cache_.used(), 16 * block) << "later reads stay within what the query left";
    f.cache_.shrink_to(0);
    EXPECT_EQ(f.cache_.used(), 0u);
}

TEST(BufferCacheTest, ForgetFileDropsItsBlocksFromEveryList) {
    CacheFixture f;
    size_t block = CacheFixture::block_size();
    f.pass(1, 0, 2);
    f.pass(1, 0, 2);   // file 1 blocks 0, 1 in main
    f.pass(1, 2, 30);  // blocks 2..15 ghosts, 16..31 in probation
    f.pass(2, 0, 2);
    f.pass(2, 0, 2);   // file 2 blocks 0, 1 in main
    f.pass(2, 10, 2);  // file 2 blocks 10, 11 in probation
    ASSERT_GT(f.cache_.ghost_count(), 0u);
    f.cache_.forget_file(1);
    EXPECT_EQ(f.cache_.main_used(), 2 * block);
    EXPECT_EQ(f.cache_.probation_used(), 2 * block) << "file 1's probation blocks are gone, two of file 2's remain";
    uint64_t promotions = f.cache_.stats().promotions;
    EXPECT_FALSE(f.cached(1, 2)) << "a forgotten block is loaded again";
    EXPECT_EQ(f.cache_.stats().promotions, promotions) << "its ghost key was forgotten too: it enters probation";
    EXPECT_TRUE(f.cached(2, 0));
}

TEST(BufferCacheTest, ConcurrentReadersAndShrinksKeepTheAccounts) {
    CacheFixture f;
    constexpr int kReaders = 4, kReads = 20000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kReaders; t++) {
        threads.emplace_back([&f, t] {
            for (int i = 0; i < kReads; i++) {
                // Overlapping blocks (some read by several threads at once, some twice), every vector in turn.
                auto block = static_cast<uint32_t>((i / kBlockVectors * 7 + t * 13) % 120);
                f.cache_.get({1, 0, block}, static_cast<idx_t>(i) % kBlockVectors,
                             [] { return std::make_pair(CacheFixture::make_block(), size_t{1}); });
            }
        });
    }
    threads.emplace_back([&f] {
        for (int i = 0; i < 2000; i++) f.cache_.shrink_to(i % 2 ? 0 : 20 * CacheFixture::block_size());
    });
    for (auto& t : threads) t.join();
    BufferCacheStats stats = f.cache_.stats();
    EXPECT_EQ(stats.hits + stats.misses, uint64_t{kReaders} * kReads);
    EXPECT_EQ(stats.bytes_read, stats.misses);
    EXPECT_EQ(f.cache_.used(), f.cache_.probation_used() + f.cache_.main_used());
    EXPECT_LE(f.cache_.used(), CacheFixture::kBudgetBlocks * CacheFixture::block_size());
    f.cache_.shrink_to(0);
    EXPECT_EQ(f.cache_.used(), 0u) << "the byte counts match the blocks held";
    EXPECT_EQ(f.cache_.probation_used(), 0u);
    EXPECT_EQ(f.cache_.main_used(), 0u);
}

}  // namespace

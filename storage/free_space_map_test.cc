#include "storage/free_space_map.h"

#include <gtest/gtest.h>

#include <ostream>
#include <random>
#include <vector>

namespace ruzu {

// Lets gtest print extents in failure messages (found by ADL).
void PrintTo(const PageExtent& e, std::ostream* os) { *os << "{" << e.first << ", " << e.count << "}"; }

namespace {

using Extents = std::vector<PageExtent>;

TEST(FreeSpaceMapTest, EmptyMapGrowsFromFirstDataPage) {
  FreeSpaceMap m;
  EXPECT_EQ(m.page_count(), kFirstDataPage);
  EXPECT_EQ(m.free_page_count(), 0u);
  EXPECT_TRUE(m.Extents().empty());
  EXPECT_EQ(m.Allocate(3), (PageExtent{2, 3}));
  EXPECT_EQ(m.Allocate(1), (PageExtent{5, 1}));
  EXPECT_EQ(m.page_count(), 6u);
  EXPECT_FALSE(m.IsFree(0));
  EXPECT_FALSE(m.IsFree(1));
  EXPECT_FALSE(m.IsFree(2));
  EXPECT_FALSE(m.IsFree(5));
  EXPECT_TRUE(m.IsFree(6));  // beyond page_count: implicitly free
}

TEST(FreeSpaceMapTest, FreeCoalescesWithBothNeighbours) {
  FreeSpaceMap m;
  for (int i = 0; i < 10; i++) ASSERT_EQ(m.Allocate(1).first, PageId(2 + i));
  m.Free({3, 1});
  m.Free({5, 1});
  EXPECT_EQ(m.Extents(), (Extents{{3, 1}, {5, 1}}));
  EXPECT_EQ(m.free_page_count(), 2u);
  m.Free({4, 1});  // joins both
  EXPECT_EQ(m.Extents(), (Extents{{3, 3}}));
  m.Free({6, 2});  // joins on the left
  EXPECT_EQ(m.Extents(), (Extents{{3, 5}}));
  m.Free({2, 1});  // joins on the right
  EXPECT_EQ(m.Extents(), (Extents{{2, 6}}));
  m.Free({10, 1});  // not adjacent
  EXPECT_EQ(m.Extents(), (Extents{{2, 6}, {10, 1}}));
  EXPECT_EQ(m.free_page_count(), 7u);
  EXPECT_TRUE(m.IsFree(2));
  EXPECT_TRUE(m.IsFree(7));
  EXPECT_FALSE(m.IsFree(8));
  EXPECT_FALSE(m.IsFree(9));
  EXPECT_TRUE(m.IsFree(10));
  EXPECT_FALSE(m.IsFree(11));
}

TEST(FreeSpaceMapTest, BestFit) {
  FreeSpaceMap m({{10, 5}, {20, 2}, {30, 3}, {50, 2}}, 60);
  EXPECT_EQ(m.free_page_count(), 12u);
  // Exact fits first; among equal sizes, the lowest page.
  EXPECT_EQ(m.Allocate(2), (PageExtent{20, 2}));
  EXPECT_EQ(m.Allocate(3), (PageExtent{30, 3}));
  // The smallest extent that is large enough, split from its start.
  EXPECT_EQ(m.Allocate(1), (PageExtent{50, 1}));
  EXPECT_EQ(m.Allocate(4), (PageExtent{10, 4}));
  EXPECT_EQ(m.Extents(), (Extents{{14, 1}, {51, 1}}));
  // Nothing fits: grow at the end.
  EXPECT_EQ(m.Allocate(2), (PageExtent{60, 2}));
  EXPECT_EQ(m.page_count(), 62u);
  EXPECT_EQ(m.free_page_count(), 2u);
}

TEST(FreeSpaceMapTest, GrowthExtendsAFreeTail) {
  FreeSpaceMap m({{4, 1}, {35, 5}}, 40);
  EXPECT_EQ(m.Allocate(8), (PageExtent{35, 8}));
  EXPECT_EQ(m.page_count(), 43u);
  EXPECT_EQ(m.Extents(), (Extents{{4, 1}}));
  // A free extent that does not reach the end is not extended.
  FreeSpaceMap n({{30, 5}}, 40);
  EXPECT_EQ(n.Allocate(8), (PageExtent{40, 8}));
  EXPECT_EQ(n.page_count(), 48u);
}

TEST(FreeSpaceMapTest, ConstructorSortsAndCoalesces) {
  FreeSpaceMap m({{20, 4}, {5, 3}, {8, 2}, {24, 1}}, 30);
  EXPECT_EQ(m.Extents(), (Extents{{5, 5}, {20, 5}}));
  EXPECT_EQ(m.free_page_count(), 10u);
  EXPECT_EQ(m.page_count(), 30u);
  // Round trip through Extents().
  FreeSpaceMap copy(m.Extents(), m.page_count());
  EXPECT_EQ(copy.Extents(), m.Extents());
}

TEST(FreeSpaceMapTest, ValidateRejectsBadExtents) {
  EXPECT_TRUE(FreeSpaceMap::Validate({}, 2).ok());
  EXPECT_TRUE(FreeSpaceMap::Validate({{2, 8}}, 10).ok());
  EXPECT_TRUE(FreeSpaceMap::Validate({{5, 1}, {2, 3}}, 10).ok());
  EXPECT_TRUE(FreeSpaceMap::Validate({}, 1).IsCorruption());
  EXPECT_TRUE(FreeSpaceMap::Validate({{1, 2}}, 10).IsCorruption());   // header page
  EXPECT_TRUE(FreeSpaceMap::Validate({{5, 0}}, 10).IsCorruption());   // empty
  EXPECT_TRUE(FreeSpaceMap::Validate({{8, 3}}, 10).IsCorruption());   // past end
  EXPECT_TRUE(FreeSpaceMap::Validate({{11, 1}}, 10).IsCorruption());  // past end
  EXPECT_TRUE(FreeSpaceMap::Validate({{5, ~uint64_t{0}}}, 10).IsCorruption());  // overflow
  EXPECT_TRUE(FreeSpaceMap::Validate({{2, 4}, {5, 1}}, 10).IsCorruption());     // overlap
  EXPECT_TRUE(FreeSpaceMap::Validate({{5, 1}, {5, 1}}, 10).IsCorruption());     // duplicate
}

TEST(FreeSpaceMapDeathTest, MisuseIsChecked) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        FreeSpaceMap m({{5, 3}}, 10);
        m.Free({6, 1});
      },
      "double free");
  EXPECT_DEATH(
      {
        FreeSpaceMap m({{5, 3}}, 10);
        m.Free({3, 3});  // overlaps the start of [5, 8)
      },
      "double free");
  EXPECT_DEATH(
      {
        FreeSpaceMap m({{5, 3}}, 10);
        m.Free({7, 2});  // overlaps the end of [5, 8)
      },
      "double free");
  EXPECT_DEATH(
      {
        FreeSpaceMap m({}, 10);
        m.Free({9, 2});
      },
      "past page count");
  EXPECT_DEATH(
      {
        FreeSpaceMap m({}, 10);
        m.Free({0, 1});
      },
      "header page");
  EXPECT_DEATH({ FreeSpaceMap m({{4, 2}, {5, 2}}, 10); }, "overlaps");
}

// Random allocate/free against a bitmap model.
TEST(FreeSpaceMapTest, RandomAgainstModel) {
  std::mt19937_64 rng(7);
  FreeSpaceMap m;
  std::vector<bool> used(kFirstDataPage, true);  // header pages
  std::vector<PageExtent> live;
  for (int step = 0; step < 20000; step++) {
    if (live.empty() || rng() % 100 < 55) {
      uint64_t count = 1 + rng() % 8;
      // Model best fit: smallest free run of length >= count, lowest first.
      PageId best = kInvalidPageId;
      uint64_t best_len = ~uint64_t{0};
      for (size_t p = kFirstDataPage; p < used.size();) {
        if (used[p]) {
          p++;
          continue;
        }
        size_t q = p;
        while (q < used.size() && !used[q]) q++;
        uint64_t len = q - p;
        if (len >= count && len < best_len) {
          best = p;
          best_len = len;
        }
        p = q;
      }
      PageExtent e = m.Allocate(count);
      ASSERT_EQ(e.count, count);
      if (best != kInvalidPageId) {
        ASSERT_EQ(e.first, best) << "step " << step;
      } else {
        // Grows: either at the old end or from a free tail.
        size_t tail = used.size();
        while (tail > kFirstDataPage && !used[tail - 1]) tail--;
        ASSERT_EQ(e.first, tail) << "step " << step;
      }
      if (used.size() < e.first + e.count) used.resize(e.first + e.count, false);
      for (uint64_t p = e.first; p < e.first + e.count; p++) {
        ASSERT_FALSE(used[p]) << "page " << p << " handed out twice";
        used[p] = true;
      }
      ASSERT_EQ(m.page_count(), used.size());
      live.push_back(e);
    } else {
      size_t k = rng() % live.size();
      PageExtent e = live[k];
      live[k] = live.back();
      live.pop_back();
      m.Free(e);
      for (uint64_t p = e.first; p < e.first + e.count; p++) used[p] = false;
    }
    if (step % 97 == 0) {
      // Extents are sorted, coalesced, and match the model exactly.
      Extents expect;
      for (size_t p = kFirstDataPage; p < used.size(); p++) {
        if (used[p]) continue;
        if (!expect.empty() && expect.back().first + expect.back().count == p) {
          expect.back().count++;
        } else {
          expect.push_back({p, 1});
        }
      }
      ASSERT_EQ(m.Extents(), expect) << "step " << step;
      uint64_t free_pages = 0;
      for (const PageExtent& e : expect) free_pages += e.count;
      ASSERT_EQ(m.free_page_count(), free_pages);
      for (size_t p = 0; p < used.size() + 2; p++) {
        ASSERT_EQ(m.IsFree(p), p >= used.size() || !used[p]) << p;
      }
    }
  }
}

}  // namespace
}  // namespace ruzu

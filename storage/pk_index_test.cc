#include "storage/pk_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "storage/file_system.h"

namespace ruzu {
namespace {

class PkIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir();
    auto file = FileSystem::Default()->Open(dir + "/pk_index_test.db", OpenOptions{false, true, false});
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ASSERT_TRUE((*file)->Truncate(0).ok());
    pager_ = std::make_unique<PageFile>(std::move(*file), 42);
    pool_ = std::make_unique<BufferPool>(pager_.get(), BufferPool::kMinBytes);
  }
  std::unique_ptr<PageFile> pager_;
  std::unique_ptr<BufferPool> pool_;
  FreeSpaceMap space_;
};

TEST_F(PkIndexTest, FindsEveryCodeIncludingRunsThatSpanPages) {
  // Codes with long duplicate runs (as hash collisions would make), crossing
  // page boundaries (255 entries per page), plus gaps.
  std::vector<PkEntry> entries;
  std::multimap<uint64_t, uint64_t> model;
  std::mt19937_64 rng(7);
  uint64_t offset = 0;
  for (uint64_t code = 10; code < 5000; code += 1 + rng() % 5) {
    uint64_t copies = code % 97 == 0 ? 300 : 1 + rng() % 3;
    for (uint64_t i = 0; i < copies; i++) {
      entries.push_back(PkEntry{code, offset});
      model.emplace(code, offset++);
    }
  }
  std::sort(entries.begin(), entries.end());
  auto extent = WritePkIndex(entries, &space_, pool_.get());
  ASSERT_TRUE(extent.ok()) << extent.status().ToString();
  PkIndex index(*extent, entries.size());
  ASSERT_TRUE(index.Fits());
  for (uint64_t code = 0; code < 5010; code++) {
    std::vector<uint64_t> found;
    ASSERT_TRUE(index.Lookup(pool_.get(), code, &found).ok());
    std::vector<uint64_t> expected;
    for (auto [it, end] = model.equal_range(code); it != end; ++it) expected.push_back(it->second);
    std::sort(found.begin(), found.end());
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(found, expected) << "code " << code;
  }
  std::vector<PkEntry> all;
  ASSERT_TRUE(index.ReadAll(pool_.get(), &all).ok());
  EXPECT_EQ(all.size(), entries.size());
}

TEST_F(PkIndexTest, EmptyIndexAndOversizedMetadata) {
  PkIndex empty;
  std::vector<uint64_t> found;
  EXPECT_TRUE(empty.Lookup(pool_.get(), 5, &found).ok());
  EXPECT_TRUE(found.empty());
  PkIndex too_big(PageExtent{2, 1}, 1000);
  EXPECT_FALSE(too_big.Fits());
  EXPECT_EQ(too_big.Lookup(pool_.get(), 5, &found).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace ruzu

#include "storage/csr.h"

#include <gtest/gtest.h>

#include <random>

#include "storage/file_system.h"

namespace ruzu {
namespace {

class CsrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto file = FileSystem::Default()->Open(::testing::TempDir() + "/csr_test.db", OpenOptions{false, true, false});
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ASSERT_TRUE((*file)->Truncate(0).ok());
    pager_ = std::make_unique<PageFile>(std::move(*file), 9);
    pool_ = std::make_unique<BufferPool>(pager_.get(), BufferPool::kMinBytes);
  }

  // A group whose neighbour and id values reach up to `max_value`.
  CsrGroupData MakeGroup(uint64_t nodes, uint64_t edges_per_node, uint64_t max_value, uint64_t seed) {
    std::mt19937_64 rng(seed);
    CsrGroupData g;
    for (uint64_t n = 0; n < nodes; n++) {
      uint64_t k = (n % 3 == 0) ? 0 : edges_per_node;
      auto draw = [&]() { return max_value == ~uint64_t{0} ? rng() : rng() % (max_value + 1); };
      for (uint64_t e = 0; e < k; e++) g.edges.push_back(CsrEdge{draw(), draw()});
      if (n == 1 && !g.edges.empty()) g.edges.back() = CsrEdge{max_value, max_value};
      g.offsets.push_back(g.edges.size());
    }
    return g;
  }

  std::unique_ptr<PageFile> pager_;
  std::unique_ptr<BufferPool> pool_;
  FreeSpaceMap space_;
};

TEST_F(CsrTest, RoundTripsAtEveryIntegerWidth) {
  for (uint64_t max_value : {uint64_t{0}, uint64_t{255}, uint64_t{256}, uint64_t{65535}, uint64_t{65536},
                             uint64_t{0xFFFFFFFF}, uint64_t{0x100000000}, ~uint64_t{0}}) {
    CsrGroupData group = MakeGroup(300, 7, max_value, max_value);
    auto meta = WriteCsrGroup(group, &space_, pool_.get());
    ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    CsrGroupData back;
    ASSERT_TRUE(ReadCsrGroup(pool_.get(), *meta, &back).ok());
    EXPECT_EQ(back.offsets, group.offsets) << max_value;
    EXPECT_EQ(back.edges, group.edges) << max_value;
    for (uint64_t n = 0; n < group.num_nodes(); n++) {
      std::vector<CsrEdge> edges;
      ASSERT_TRUE(ReadCsrNode(pool_.get(), *meta, n, &edges).ok());
      std::vector<CsrEdge> expected(group.edges.begin() + group.offsets[n], group.edges.begin() + group.offsets[n + 1]);
      ASSERT_EQ(edges, expected) << max_value << " node " << n;
    }
  }
}

TEST_F(CsrTest, NarrowValuesTakeFewerPages) {
  auto narrow = WriteCsrGroup(MakeGroup(4096, 10, 200, 1), &space_, pool_.get());
  auto wide = WriteCsrGroup(MakeGroup(4096, 10, uint64_t{1} << 40, 1), &space_, pool_.get());
  ASSERT_TRUE(narrow.ok() && wide.ok());
  EXPECT_LT(narrow->page_count() * 3, wide->page_count());
}

TEST_F(CsrTest, BadWidthsAreCorruption) {
  auto meta = WriteCsrGroup(MakeGroup(10, 2, 1000, 3), &space_, pool_.get());
  ASSERT_TRUE(meta.ok());
  format::CsrGroupMeta bad(meta->first_page(), meta->page_count(), meta->num_nodes(), meta->num_edges(), 0x903, 0);  // width 9
  CsrGroupData out;
  Status s = ReadCsrGroup(pool_.get(), bad, &out);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("invalid integer widths"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace ruzu

#include "storage/column_chunk.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "storage/file_system.h"

namespace ruzu {
namespace {

class ColumnChunkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto file =
        FileSystem::Default()->Open(::testing::TempDir() + "/column_chunk_test.db", OpenOptions{false, true, false});
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ASSERT_TRUE((*file)->Truncate(0).ok());
    pager_ = std::make_unique<PageFile>(std::move(*file), 9);
    pool_ = std::make_unique<BufferPool>(pager_.get(), BufferPool::kMinBytes);
  }

  // Writes `values`, then reads every value alone and a few ranges back.
  void RoundTrip(const std::vector<Value>& values, LogicalType type, uint32_t expected_width) {
    auto meta = WriteChunk(values, type, &space_, pool_.get());
    ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    ASSERT_TRUE(ValidateChunk(*meta, type).ok());
    EXPECT_EQ(meta->flags() >> 8 & 0xFF, expected_width) << LogicalTypeName(type);
    std::vector<Value> all;
    ASSERT_TRUE(ReadChunk(pool_.get(), *meta, type, 0, values.size(), &all).ok());
    EXPECT_EQ(all, values);
    for (uint64_t begin : {uint64_t{0}, uint64_t{1}, uint64_t{values.size() / 2}, uint64_t{values.size() - 1}}) {
      std::vector<Value> one;
      ASSERT_TRUE(ReadChunk(pool_.get(), *meta, type, begin, 1, &one).ok());
      EXPECT_EQ(one[0], values[begin]) << begin;
    }
  }

  std::unique_ptr<PageFile> pager_;
  std::unique_ptr<BufferPool> pool_;
  FreeSpaceMap space_;
};

TEST_F(ColumnChunkTest, IntegersUseTheFewestBytesAboveTheirMinimum) {
  std::vector<Value> years;
  for (int i = 0; i < 4096; i++) years.push_back(Value::Int64(1990 + i % 36));
  years[7] = Value::Null(LogicalType::kInt64);
  RoundTrip(years, LogicalType::kInt64, 1);
  std::vector<Value> same(100, Value::Int32(-5));
  RoundTrip(same, LogicalType::kInt32, 0);  // no value bytes at all
  std::vector<Value> extremes = {Value::Int64(std::numeric_limits<int64_t>::min()), Value::Int64(0),
                                 Value::Int64(std::numeric_limits<int64_t>::max()), Value::Null(LogicalType::kInt64)};
  RoundTrip(extremes, LogicalType::kInt64, 8);
  std::vector<Value> ids;
  for (int64_t i = 0; i < 3000; i++) ids.push_back(Value::Int64(1000000 + i * 3));
  RoundTrip(ids, LogicalType::kInt64, 2);
  std::vector<Value> dates = {Value::Date(-719162), Value::Date(2932896), Value::Date(0)};
  RoundTrip(dates, LogicalType::kDate, 3);
  std::vector<Value> small = {Value::Int8(-128), Value::Int8(127), Value::Int8(0)};
  RoundTrip(small, LogicalType::kInt8, 1);
  std::vector<Value> stamps = {Value::Timestamp(1700000000000000), Value::Timestamp(1700000000000001)};
  RoundTrip(stamps, LogicalType::kTimestamp, 1);
}

TEST_F(ColumnChunkTest, StringOffsetsUseTheFewestBytes) {
  std::vector<Value> names;
  for (int i = 0; i < 4096; i++) names.push_back(i % 5 == 0 ? Value::Null(LogicalType::kString)
                                                             : Value::String("name" + std::to_string(i)));
  names[3] = Value::String("");
  RoundTrip(names, LogicalType::kString, 2);
  std::vector<Value> empty(10, Value::String(""));
  RoundTrip(empty, LogicalType::kString, 0);
  std::vector<Value> long_strings = {Value::String(std::string(70000, 'x')), Value::String("y")};
  RoundTrip(long_strings, LogicalType::kString, 3);
}

TEST_F(ColumnChunkTest, PackedChunkWithBadWidthIsCorruption) {
  auto meta = WriteChunk({Value::Int64(1), Value::Int64(300)}, LogicalType::kInt64, &space_, pool_.get());
  ASSERT_TRUE(meta.ok());
  format::ChunkMeta bad(meta->first_page(), meta->page_count(), kChunkPacked | 9 << 8, meta->num_values());
  EXPECT_EQ(ValidateChunk(bad, LogicalType::kInt64).code(), StatusCode::kCorruption);
  format::ChunkMeta wrong_type(meta->first_page(), meta->page_count(), meta->flags(), meta->num_values());
  EXPECT_EQ(ValidateChunk(wrong_type, LogicalType::kDouble).code(), StatusCode::kCorruption);
  format::ChunkMeta too_many(meta->first_page(), meta->page_count(), kChunkPacked | 8 << 8, 4096);
  EXPECT_EQ(ValidateChunk(too_many, LogicalType::kInt64).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace ruzu

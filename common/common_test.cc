#include <gtest/gtest.h>

#include "common/checksum.h"
#include "common/status.h"
#include "common/types.h"

namespace ruzu {
namespace {

TEST(Crc32cTest, KnownVector) {
  // The standard check value of CRC-32C.
  EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u);
  // Extending in pieces equals one pass.
  uint32_t c = Crc32c("1234", 4);
  EXPECT_EQ(Crc32c("56789", 5, c), 0xE3069283u);
}

TEST(Crc32cTest, DetectsEveryBitFlip) {
  std::string data(300, 'x');
  uint32_t good = Crc32c(data.data(), data.size());
  for (size_t bit = 0; bit < data.size() * 8; bit++) {
    std::string copy = data;
    copy[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    EXPECT_NE(Crc32c(copy.data(), copy.size()), good) << bit;
  }
}

TEST(StatusTest, ResultCarriesValueOrError) {
  Result<int> ok = 5;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 5);
  Result<int> bad = Corruption("page 3: checksum mismatch");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "Corruption: page 3: checksum mismatch");
}

TEST(TypesTest, DateRoundTrip) {
  for (const char* s : {"1970-01-01", "2024-01-31", "2000-02-29", "1900-03-01", "0001-01-01", "9999-12-31"}) {
    auto d = ParseDate(s);
    ASSERT_TRUE(d.ok()) << s;
    EXPECT_EQ(FormatDate(*d), s);
  }
  EXPECT_EQ(*ParseDate("1970-01-02"), 1);
  EXPECT_FALSE(ParseDate("2023-02-29").ok());
  EXPECT_FALSE(ParseDate("2023-13-01").ok());
  EXPECT_FALSE(ParseDate("2023-1-01").ok());
  EXPECT_EQ(ParseDate("x").status().message(), "invalid DATE 'x' (expected YYYY-MM-DD)");
}

TEST(TypesTest, TimestampRoundTrip) {
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2024-01-31 12:00:00")), "2024-01-31 12:00:00");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2024-01-31T12:00:00.5Z")), "2024-01-31 12:00:00.500000");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("1969-12-31 23:59:59")), "1969-12-31 23:59:59");
  EXPECT_EQ(*ParseTimestamp("1970-01-01"), 0);
  EXPECT_FALSE(ParseTimestamp("2024-01-31 25:00:00").ok());
}

TEST(TypesTest, ValuePrintingMatchesKuzu) {
  EXPECT_EQ(Value::Bool(true).ToString(), "True");
  EXPECT_EQ(Value::Double(0.1).ToString(), "0.1");
  EXPECT_EQ(Value::Null(LogicalType::kString).ToString(), "");
  EXPECT_EQ(Value::Date(0).ToString(), "1970-01-01");
}

TEST(TypesTest, CompositeValuesPrintLikeKuzu) {
  EXPECT_EQ(Value::InternalId(0, 5).ToString(), "0:5");
  EXPECT_EQ(Value::List({Value::Int64(1), Value::String("a")}).ToString(), "[1,a]");
  NodeValue n;
  n.table = 0;
  n.offset = 1;
  n.label = "Person";
  n.properties = {{"name", Value::String("Alice")}, {"age", Value::Int64(30)}};
  EXPECT_EQ(Value::Node(n).ToString(), "{_ID: 0:1, _LABEL: Person, name: Alice, age: 30}");
  RelValue r;
  r.table = 2;
  r.id = 0;
  r.src_offset = 1;
  r.dst_offset = 2;
  r.label = "Knows";
  r.properties = {{"since", Value::Int64(2020)}};
  EXPECT_EQ(Value::Rel(r).ToString(), "(0:1)-{_LABEL: Knows, _ID: 2:0, since: 2020}->(0:2)");
  EXPECT_EQ(Value::List({Value::Int64(1)}), Value::List({Value::Int64(1)}));
  EXPECT_NE(Value::InternalId(0, 1), Value::InternalId(1, 1));
}

TEST(TypesTest, CastsAreExactOrErrors) {
  EXPECT_EQ(*Value::Int64(3).CastTo(LogicalType::kInt8), Value::Int8(3));
  auto r = Value::Int64(300).CastTo(LogicalType::kInt8);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "cannot convert INT64 value 300 to INT8");
  EXPECT_FALSE(Value::String("a").CastTo(LogicalType::kInt64).ok());
  EXPECT_TRUE(Value::Null(LogicalType::kInt64).CastTo(LogicalType::kString)->is_null());
}

}  // namespace
}  // namespace ruzu

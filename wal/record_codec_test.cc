#include "wal/record_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"

namespace ruzu {
namespace {

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

std::vector<Value> SampleValues() {
  return {
      Value::Int64(0),
      Value::Int64(-1),
      Value::Int64(kI64Min),
      Value::Int64(kI64Max),
      Value::Int32(std::numeric_limits<int32_t>::min()),
      Value::Int32(123456),
      Value::Int16(-32768),
      Value::Int16(32767),
      Value::Int8(-128),
      Value::Int8(127),
      Value::Double(0.1),
      Value::Double(-1e300),
      Value::Double(std::numeric_limits<double>::infinity()),
      Value::Double(std::nan("")),
      Value::Float(1.5f),
      Value::Float(-3.4e38f),
      Value::Bool(true),
      Value::Bool(false),
      Value::String(""),
      Value::String("hello, world"),
      Value::String(std::string(300, 'x')),
      Value::String(std::string("nul\0inside", 10)),
      Value::Date(19753),
      Value::Date(-1),
      Value::Timestamp(1700000000123456),
      Value::Timestamp(kI64Min),
      Value::Null(LogicalType::kInt64),
      Value::Null(LogicalType::kString),
      Value::Null(LogicalType::kDouble),
      Value::Null(LogicalType::kTimestamp),
  };
}

// Encodes one of everything.
std::string EncodeSample() {
  std::string buf;
  WalEncoder e(&buf);
  e.PutU8(0xab);
  e.PutU32(0xdeadbeef);
  e.PutU64(0x0123456789abcdefULL);
  e.PutVarint64(0);
  e.PutVarint64(127);
  e.PutVarint64(128);
  e.PutVarint64(kU64Max);
  e.PutI64(0);
  e.PutI64(-1);
  e.PutI64(kI64Min);
  e.PutI64(kI64Max);
  e.PutDouble(-2.5);
  e.PutString("");
  e.PutString("abc");
  for (const Value& v : SampleValues()) e.PutValue(v);
  return buf;
}

// Decodes what EncodeSample wrote; false at the first failure.
bool DecodeSample(std::string_view in, bool check_values) {
  WalDecoder d(in);
  uint8_t u8;
  uint32_t u32;
  uint64_t u64;
  int64_t i64;
  double dbl;
  std::string str;
  if (!d.GetU8(&u8) || (check_values && u8 != 0xab)) return false;
  if (!d.GetU32(&u32) || (check_values && u32 != 0xdeadbeef)) return false;
  if (!d.GetU64(&u64) || (check_values && u64 != 0x0123456789abcdefULL)) return false;
  for (uint64_t want : {uint64_t{0}, uint64_t{127}, uint64_t{128}, kU64Max}) {
    if (!d.GetVarint64(&u64) || (check_values && u64 != want)) return false;
  }
  for (int64_t want : {int64_t{0}, int64_t{-1}, kI64Min, kI64Max}) {
    if (!d.GetI64(&i64) || (check_values && i64 != want)) return false;
  }
  if (!d.GetDouble(&dbl) || (check_values && dbl != -2.5)) return false;
  if (!d.GetString(&str) || (check_values && !str.empty())) return false;
  if (!d.GetString(&str) || (check_values && str != "abc")) return false;
  for (const Value& want : SampleValues()) {
    Result<Value> v = d.GetValue();
    if (!v.ok()) {
      EXPECT_EQ(v.status().code(), StatusCode::kCorruption);
      return false;
    }
    if (check_values && *v != want) {
      ADD_FAILURE() << "value " << want.ToString() << " came back as " << v->ToString();
      return false;
    }
  }
  return d.done();
}

TEST(RecordCodecTest, RoundTrip) {
  const std::string buf = EncodeSample();
  EXPECT_TRUE(DecodeSample(buf, /*check_values=*/true));
}

TEST(RecordCodecTest, EncoderAppends) {
  std::string buf = "prefix";
  WalEncoder e(&buf);
  e.PutU32(1);
  EXPECT_EQ(buf.size(), 10u);
  EXPECT_EQ(buf.substr(0, 6), "prefix");
  EXPECT_EQ(buf.substr(6), std::string("\x01\x00\x00\x00", 4));
}

TEST(RecordCodecTest, OwnBufferAndBoolGetValue) {
  WalEncoder e;
  e.PutValue(Value::String("abc"));
  e.PutValue(Value::Null(LogicalType::kBool));
  e.PutU8(99);  // not a type
  WalDecoder d(e.data());
  Value v;
  ASSERT_TRUE(d.GetValue(&v));
  EXPECT_EQ(v, Value::String("abc"));
  ASSERT_TRUE(d.GetValue(&v));
  EXPECT_EQ(v, Value::Null(LogicalType::kBool));
  EXPECT_FALSE(d.GetValue(&v));
  EXPECT_EQ(v, Value::Null(LogicalType::kBool)) << "a failed Get leaves its output alone";
  EXPECT_EQ(d.remaining(), 1u);
}

TEST(RecordCodecTest, FixedWidthIsLittleEndian) {
  std::string buf;
  WalEncoder e(&buf);
  e.PutU64(0x0807060504030201ULL);
  EXPECT_EQ(buf, std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
}

TEST(RecordCodecTest, VarintSizes) {
  struct Case {
    uint64_t v;
    size_t bytes;
  };
  for (const Case& c : {Case{0, 1}, Case{127, 1}, Case{128, 2}, Case{16383, 2}, Case{16384, 3},
                        Case{uint64_t{1} << 63, 10}, Case{kU64Max, 10}}) {
    std::string buf;
    WalEncoder(&buf).PutVarint64(c.v);
    EXPECT_EQ(buf.size(), c.bytes) << c.v;
    WalDecoder d(buf);
    uint64_t got;
    ASSERT_TRUE(d.GetVarint64(&got));
    EXPECT_EQ(got, c.v);
    EXPECT_TRUE(d.done());
  }
}

TEST(RecordCodecTest, ZigzagKeepsSmallNegativesShort) {
  for (int64_t v : {-1, 1, -64, 63}) {
    std::string buf;
    WalEncoder(&buf).PutI64(v);
    EXPECT_EQ(buf.size(), 1u) << v;
  }
}

// Every strict prefix of a valid encoding fails cleanly (never reads out of
// bounds: run under --config=asan to check).
TEST(RecordCodecTest, RejectsEveryTruncation) {
  const std::string buf = EncodeSample();
  for (size_t n = 0; n < buf.size(); n++) {
    // Copy into an exactly sized heap buffer so ASan sees any overread.
    std::vector<char> prefix(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(DecodeSample(std::string_view(prefix.data(), prefix.size()), false)) << "prefix " << n;
  }
}

TEST(RecordCodecTest, EveryValueRejectsEveryTruncation) {
  for (const Value& v : SampleValues()) {
    std::string buf;
    WalEncoder(&buf).PutValue(v);
    for (size_t n = 0; n < buf.size(); n++) {
      std::vector<char> prefix(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      WalDecoder d(std::string_view(prefix.data(), prefix.size()));
      Result<Value> got = d.GetValue();
      ASSERT_FALSE(got.ok()) << v.ToString() << " prefix " << n;
      EXPECT_EQ(got.status().code(), StatusCode::kCorruption);
      EXPECT_EQ(d.position(), 0u) << "a failed Get must not consume input";
    }
  }
}

TEST(RecordCodecTest, FailedGetConsumesNothing) {
  std::string buf;
  WalEncoder e(&buf);
  e.PutVarint64(5);  // a string length of 5 ...
  buf += "abc";      // ... with only 3 bytes behind it
  WalDecoder d(buf);
  std::string s;
  EXPECT_FALSE(d.GetString(&s));
  EXPECT_EQ(d.position(), 0u);
  uint32_t u32;
  ASSERT_TRUE(d.GetU32(&u32));
  EXPECT_EQ(u32, 0x63626105u);  // "\x05abc"
}

TEST(RecordCodecTest, RejectsOverlongVarint) {
  // Eleven continuation bytes.
  std::string eleven(10, '\x80');
  eleven.push_back('\x01');
  uint64_t v;
  EXPECT_FALSE(WalDecoder(eleven).GetVarint64(&v));
  // Ten bytes whose last one overflows 64 bits.
  std::string overflow(9, '\xff');
  overflow.push_back('\x02');
  EXPECT_FALSE(WalDecoder(overflow).GetVarint64(&v));
  // The largest legal ten-byte encoding.
  std::string max(9, '\xff');
  max.push_back('\x01');
  ASSERT_TRUE(WalDecoder(max).GetVarint64(&v));
  EXPECT_EQ(v, kU64Max);
}

TEST(RecordCodecTest, RejectsHugeStringLength) {
  std::string buf;
  WalEncoder e(&buf);
  e.PutVarint64(kU64Max);
  buf += "xyz";
  std::string s;
  EXPECT_FALSE(WalDecoder(buf).GetString(&s));
  std::string_view view;
  EXPECT_FALSE(WalDecoder(buf).GetStringView(&view));
}

Status DecodeValueBytes(const std::string& bytes) {
  WalDecoder d(bytes);
  Result<Value> v = d.GetValue();
  return v.ok() ? Status::OK() : v.status();
}

TEST(RecordCodecTest, RejectsMalformedValues) {
  auto bytes = [](std::initializer_list<int> b) {
    std::string s;
    for (int c : b) s.push_back(static_cast<char>(c));
    return s;
  };
  // Unknown type bytes.
  EXPECT_EQ(DecodeValueBytes(bytes({0, 1})).code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeValueBytes(bytes({11, 1})).code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeValueBytes(bytes({255, 0, 0})).code(), StatusCode::kCorruption);
  // Null flag other than 0/1.
  EXPECT_EQ(DecodeValueBytes(bytes({1, 2, 0})).code(), StatusCode::kCorruption);
  // BOOL byte 2.
  EXPECT_EQ(DecodeValueBytes(bytes({7, 0, 2})).code(), StatusCode::kCorruption);
  // INT8 300 (zigzag 600 = 0xd8 0x04).
  EXPECT_EQ(DecodeValueBytes(bytes({4, 0, 0xd8, 0x04})).code(), StatusCode::kCorruption);
  // INT8 100 is fine.
  EXPECT_TRUE(DecodeValueBytes(bytes({4, 0, 200, 1})).ok());
  // INT32 / DATE out of range.
  std::string big;
  WalEncoder e(&big);
  e.PutU8(static_cast<uint8_t>(LogicalType::kDate));
  e.PutU8(0);
  e.PutI64(int64_t{1} << 40);
  EXPECT_EQ(DecodeValueBytes(big).code(), StatusCode::kCorruption);
  big[0] = static_cast<char>(LogicalType::kInt32);
  EXPECT_EQ(DecodeValueBytes(big).code(), StatusCode::kCorruption);
  big[0] = static_cast<char>(LogicalType::kInt64);
  EXPECT_TRUE(DecodeValueBytes(big).ok());
  // Valid NULLs of every type.
  for (uint8_t t = 1; t <= 10; t++) {
    EXPECT_TRUE(DecodeValueBytes(bytes({t, 1})).ok()) << int{t};
  }
}

// Random bytes never crash the decoder.
TEST(RecordCodecTest, SurvivesRandomInput) {
  uint64_t x = 88172645463325252ULL;
  for (int round = 0; round < 2000; round++) {
    std::vector<char> buf(static_cast<size_t>(round % 40));
    for (char& c : buf) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      c = static_cast<char>(x);
    }
    WalDecoder d(std::string_view(buf.data(), buf.size()));
    while (!d.done()) {
      size_t before = d.position();
      Result<Value> v = d.GetValue();
      if (!v.ok()) {
        EXPECT_EQ(d.position(), before);
        break;
      }
      EXPECT_GT(d.position(), before);
    }
  }
}

}  // namespace
}  // namespace ruzu

#include "wal/record_codec.h"

#include "common/logging.h"

#include <cstring>
#include <limits>
#include <utility>

namespace ruzu {

void WalEncoder::PutU32(uint32_t v) {
  char buf[4];
  for (int i = 0; i < 4; i++) buf[i] = static_cast<char>(v >> (8 * i));
  dst_->append(buf, sizeof buf);
}

void WalEncoder::PutU64(uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; i++) buf[i] = static_cast<char>(v >> (8 * i));
  dst_->append(buf, sizeof buf);
}

void WalEncoder::PutVarint64(uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  dst_->append(buf, static_cast<size_t>(n));
}

void WalEncoder::PutI64(int64_t v) {
  const uint64_t u = static_cast<uint64_t>(v);
  PutVarint64((u << 1) ^ (v < 0 ? ~uint64_t{0} : uint64_t{0}));
}

void WalEncoder::PutDouble(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  PutU64(bits);
}

void WalEncoder::PutString(std::string_view s) {
  PutVarint64(s.size());
  dst_->append(s.data(), s.size());
}

void WalEncoder::PutValue(const Value& v) {
  PutU8(static_cast<uint8_t>(v.type()));
  PutU8(v.is_null() ? 1 : 0);
  if (v.is_null()) return;
  switch (v.type()) {
    case LogicalType::kInt64:
    case LogicalType::kInt32:
    case LogicalType::kInt16:
    case LogicalType::kInt8:
    case LogicalType::kDate:
    case LogicalType::kTimestamp:
      PutI64(v.int_value());
      return;
    case LogicalType::kDouble:
      PutDouble(v.double_value());
      return;
    case LogicalType::kFloat: {
      float f = static_cast<float>(v.double_value());
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof bits);
      PutU32(bits);
      return;
    }
    case LogicalType::kBool:
      PutU8(v.bool_value() ? 1 : 0);
      return;
    case LogicalType::kString:
      PutString(v.string_value());
      return;
    default:
      // Query-time types never reach the WAL: rows are converted to their
      // property types before they are logged. Writing one would make the
      // log unreplayable, so this is a broken invariant.
      CHECK(false) << "cannot log a " << LogicalTypeName(v.type()) << " value";
  }
}

bool WalDecoder::GetU8(uint8_t* v) {
  if (remaining() < 1) return false;
  *v = static_cast<uint8_t>(input_[pos_]);
  pos_ += 1;
  return true;
}

bool WalDecoder::GetU32(uint32_t* v) {
  if (remaining() < 4) return false;
  uint32_t r = 0;
  for (int i = 0; i < 4; i++) r |= static_cast<uint32_t>(static_cast<uint8_t>(input_[pos_ + i])) << (8 * i);
  *v = r;
  pos_ += 4;
  return true;
}

bool WalDecoder::GetU64(uint64_t* v) {
  if (remaining() < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; i++) r |= static_cast<uint64_t>(static_cast<uint8_t>(input_[pos_ + i])) << (8 * i);
  *v = r;
  pos_ += 8;
  return true;
}

bool WalDecoder::GetVarint64(uint64_t* v) {
  uint64_t r = 0;
  size_t p = pos_;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p >= input_.size()) return false;
    const uint8_t byte = static_cast<uint8_t>(input_[p++]);
    // The 10th byte may only hold the top bit of a 64-bit value.
    if (shift == 63 && byte > 1) return false;
    r |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = r;
      pos_ = p;
      return true;
    }
  }
  return false;  // more than 10 bytes
}

bool WalDecoder::GetI64(int64_t* v) {
  uint64_t u;
  if (!GetVarint64(&u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

bool WalDecoder::GetDouble(double* v) {
  uint64_t bits;
  if (!GetU64(&bits)) return false;
  std::memcpy(v, &bits, sizeof bits);
  return true;
}

bool WalDecoder::GetStringView(std::string_view* s) {
  const size_t start = pos_;
  uint64_t n;
  if (!GetVarint64(&n)) return false;
  if (n > remaining()) {
    pos_ = start;
    return false;
  }
  *s = input_.substr(pos_, static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return true;
}

bool WalDecoder::GetString(std::string* s) {
  std::string_view view;
  if (!GetStringView(&view)) return false;
  s->assign(view.data(), view.size());
  return true;
}

Result<Value> WalDecoder::GetValue() {
  const size_t start = pos_;
  auto fail = [&](const std::string& why) -> Status {
    pos_ = start;
    return Corruption("malformed WAL value at byte " + std::to_string(start) + ": " + why);
  };
  uint8_t raw_type, null_flag;
  if (!GetU8(&raw_type) || !GetU8(&null_flag)) return fail("truncated");
  if (!IsValidLogicalType(raw_type)) return fail("unknown type " + std::to_string(raw_type));
  if (null_flag > 1) return fail("bad null flag " + std::to_string(null_flag));
  const LogicalType type = static_cast<LogicalType>(raw_type);
  if (null_flag == 1) return Value::Null(type);

  auto get_int = [&](int64_t lo, int64_t hi, int64_t* out) -> bool {
    return GetI64(out) && *out >= lo && *out <= hi;
  };
  int64_t i = 0;
  switch (type) {
    case LogicalType::kInt64:
      if (!GetI64(&i)) return fail("truncated INT64");
      return Value::Int64(i);
    case LogicalType::kTimestamp:
      if (!GetI64(&i)) return fail("truncated TIMESTAMP");
      return Value::Timestamp(i);
    case LogicalType::kInt32:
      if (!get_int(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), &i)) {
        return fail("bad INT32");
      }
      return Value::Int32(static_cast<int32_t>(i));
    case LogicalType::kDate:
      if (!get_int(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), &i)) {
        return fail("bad DATE");
      }
      return Value::Date(static_cast<int32_t>(i));
    case LogicalType::kInt16:
      if (!get_int(std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max(), &i)) {
        return fail("bad INT16");
      }
      return Value::Int16(static_cast<int16_t>(i));
    case LogicalType::kInt8:
      if (!get_int(std::numeric_limits<int8_t>::min(), std::numeric_limits<int8_t>::max(), &i)) {
        return fail("bad INT8");
      }
      return Value::Int8(static_cast<int8_t>(i));
    case LogicalType::kDouble: {
      double d;
      if (!GetDouble(&d)) return fail("truncated DOUBLE");
      return Value::Double(d);
    }
    case LogicalType::kFloat: {
      uint32_t bits;
      if (!GetU32(&bits)) return fail("truncated FLOAT");
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return Value::Float(f);
    }
    case LogicalType::kBool: {
      uint8_t b;
      if (!GetU8(&b) || b > 1) return fail("bad BOOL");
      return Value::Bool(b == 1);
    }
    case LogicalType::kString: {
      std::string s;
      if (!GetString(&s)) return fail("bad STRING");
      return Value::String(std::move(s));
    }
    default:
      break;
  }
  return fail("unknown type");
}

bool WalDecoder::GetValue(Value* v) {
  Result<Value> r = GetValue();
  if (!r.ok()) return false;
  *v = std::move(r).value();
  return true;
}

}  // namespace ruzu

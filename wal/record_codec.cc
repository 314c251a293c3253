#include "wal/record_codec.h"

#include <cstring>

namespace ruzu {

void WalEncoder::PutU32(uint32_t v) {
  for (int i = 0; i < 4; i++) out_.push_back(static_cast<char>(v >> (8 * i)));
}

void WalEncoder::PutU64(uint64_t v) {
  for (int i = 0; i < 8; i++) out_.push_back(static_cast<char>(v >> (8 * i)));
}

void WalEncoder::PutVarint64(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void WalEncoder::PutI64(int64_t v) {
  PutVarint64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void WalEncoder::PutDouble(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  PutU64(bits);
}

void WalEncoder::PutString(std::string_view s) {
  PutVarint64(s.size());
  out_.append(s.data(), s.size());
}

void WalEncoder::PutValue(const Value& v) {
  PutU8(static_cast<uint8_t>(v.type()));
  PutU8(v.is_null() ? 1 : 0);
  if (v.is_null()) return;
  switch (v.type()) {
    case LogicalType::kDouble: case LogicalType::kFloat: PutDouble(v.double_value()); break;
    case LogicalType::kString: PutString(v.string_value()); break;
    case LogicalType::kBool: PutU8(v.bool_value() ? 1 : 0); break;
    default: PutI64(v.int_value()); break;
  }
}

bool WalDecoder::GetU8(uint8_t* v) {
  if (remaining() < 1) return false;
  *v = static_cast<uint8_t>(in_[pos_++]);
  return true;
}

bool WalDecoder::GetU32(uint32_t* v) {
  if (remaining() < 4) return false;
  uint32_t x = 0;
  for (int i = 0; i < 4; i++) x |= uint32_t{static_cast<uint8_t>(in_[pos_ + i])} << (8 * i);
  pos_ += 4;
  *v = x;
  return true;
}

bool WalDecoder::GetU64(uint64_t* v) {
  if (remaining() < 8) return false;
  uint64_t x = 0;
  for (int i = 0; i < 8; i++) x |= uint64_t{static_cast<uint8_t>(in_[pos_ + i])} << (8 * i);
  pos_ += 8;
  *v = x;
  return true;
}

bool WalDecoder::GetVarint64(uint64_t* v) {
  uint64_t x = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= in_.size()) return false;
    uint8_t b = static_cast<uint8_t>(in_[pos_++]);
    if (shift == 63 && b > 1) return false;  // would overflow 64 bits
    x |= uint64_t{b & 0x7Fu} << shift;
    if (!(b & 0x80)) {
      *v = x;
      return true;
    }
  }
  return false;
}

bool WalDecoder::GetI64(int64_t* v) {
  uint64_t z;
  if (!GetVarint64(&z)) return false;
  *v = static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
  return true;
}

bool WalDecoder::GetDouble(double* v) {
  uint64_t bits;
  if (!GetU64(&bits)) return false;
  std::memcpy(v, &bits, 8);
  return true;
}

bool WalDecoder::GetString(std::string* s) {
  uint64_t n;
  if (!GetVarint64(&n) || n > remaining()) return false;
  s->assign(in_.data() + pos_, n);
  pos_ += n;
  return true;
}

bool WalDecoder::GetValue(Value* v) {
  uint8_t type_byte, null_flag;
  if (!GetU8(&type_byte) || !GetU8(&null_flag) || !IsValidLogicalType(type_byte) || null_flag > 1) return false;
  const LogicalType type = static_cast<LogicalType>(type_byte);
  if (null_flag) {
    *v = Value::Null(type);
    return true;
  }
  switch (type) {
    case LogicalType::kDouble: case LogicalType::kFloat: {
      double d;
      if (!GetDouble(&d)) return false;
      *v = type == LogicalType::kDouble ? Value::Double(d) : Value::Float(static_cast<float>(d));
      return true;
    }
    case LogicalType::kString: {
      std::string s;
      if (!GetString(&s)) return false;
      *v = Value::String(std::move(s));
      return true;
    }
    case LogicalType::kBool: {
      uint8_t b;
      if (!GetU8(&b) || b > 1) return false;
      *v = Value::Bool(b != 0);
      return true;
    }
    default: break;
  }
  int64_t x;
  if (!GetI64(&x)) return false;
  switch (type) {
    case LogicalType::kInt64: *v = Value::Int64(x); return true;
    case LogicalType::kInt32:
      if (x < INT32_MIN || x > INT32_MAX) return false;
      *v = Value::Int32(static_cast<int32_t>(x));
      return true;
    case LogicalType::kInt16:
      if (x < INT16_MIN || x > INT16_MAX) return false;
      *v = Value::Int16(static_cast<int16_t>(x));
      return true;
    case LogicalType::kInt8:
      if (x < INT8_MIN || x > INT8_MAX) return false;
      *v = Value::Int8(static_cast<int8_t>(x));
      return true;
    case LogicalType::kDate:
      if (x < INT32_MIN || x > INT32_MAX) return false;
      *v = Value::Date(static_cast<int32_t>(x));
      return true;
    case LogicalType::kTimestamp: *v = Value::Timestamp(x); return true;
    default: return false;
  }
}

}  // namespace ruzu

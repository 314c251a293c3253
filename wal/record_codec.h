// Byte codecs for WAL record payloads. The WAL itself treats payloads as
// opaque bytes; the db layer builds them with WalEncoder and parses them with
// WalDecoder during recovery.
//
// Encodings (all little-endian):
//   U8, U32, U64   fixed width
//   Varint64       LEB128: 7 bits per byte, low bits first, high bit set on
//                  every byte but the last; at most 10 bytes
//   I64            zigzag ((v << 1) ^ (v >> 63)) then Varint64
//   Double         the IEEE-754 bit pattern as U64
//   String         Varint64 length, then the bytes
//   Value          U8 LogicalType, U8 null flag (0 = value, 1 = NULL), then
//                  unless NULL: INT8/16/32/64, DATE, TIMESTAMP as I64;
//                  DOUBLE as Double; FLOAT as its 32-bit IEEE-754 pattern
//                  (U32); BOOL as U8 0/1; STRING as String.
//
// WalDecoder reads the same encodings from a string_view. It never reads past
// its input: every Get returns false (or a kCorruption Result) on truncated
// or malformed input and then leaves the read position where it was.
#ifndef RUZU_WAL_RECORD_CODEC_H_
#define RUZU_WAL_RECORD_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/types.h"

namespace ruzu {

// Appends encoded values to a string: its own (see data()) or the caller's.
class WalEncoder {
 public:
  // Encodes into a buffer of its own.
  WalEncoder() : dst_(&own_) {}
  // Appends to `*dst`, which must outlive the encoder.
  explicit WalEncoder(std::string* dst) : dst_(dst) {}
  WalEncoder(const WalEncoder&) = delete;
  WalEncoder& operator=(const WalEncoder&) = delete;

  void PutU8(uint8_t v) { dst_->push_back(static_cast<char>(v)); }
  void PutU32(uint32_t v);
  void PutU64(uint64_t v);
  void PutVarint64(uint64_t v);
  // Zigzag varint: small magnitudes of either sign take few bytes.
  void PutI64(int64_t v);
  void PutDouble(double v);
  // Varint64 length, then the bytes.
  void PutString(std::string_view s);
  // Type byte, null flag, then the value (see the file comment).
  void PutValue(const Value& v);

  // Everything encoded so far (the whole destination string).
  const std::string& data() const { return *dst_; }

 private:
  std::string own_;
  std::string* dst_;
};

// Reads encoded values from a byte range the caller keeps alive.
class WalDecoder {
 public:
  explicit WalDecoder(std::string_view input) : input_(input) {}

  // Each returns false, consuming nothing, when the input is truncated or
  // malformed.
  bool GetU8(uint8_t* v);
  bool GetU32(uint32_t* v);
  bool GetU64(uint64_t* v);
  // Rejects encodings longer than 10 bytes or overflowing 64 bits.
  bool GetVarint64(uint64_t* v);
  bool GetI64(int64_t* v);
  bool GetDouble(double* v);
  // The length must not exceed the remaining bytes.
  bool GetString(std::string* s);
  // Like GetString, but `s` points into the input (no copy).
  bool GetStringView(std::string_view* s);
  // kCorruption (consuming nothing) on truncation, an unknown type byte, a
  // null flag other than 0/1, an integer out of its type's range or a BOOL
  // byte other than 0/1.
  Result<Value> GetValue();
  // The same, reporting failure as false.
  bool GetValue(Value* v);

  size_t position() const { return pos_; }
  size_t remaining() const { return input_.size() - pos_; }
  bool done() const { return pos_ == input_.size(); }

 private:
  std::string_view input_;
  size_t pos_ = 0;
};

}  // namespace ruzu

#endif  // RUZU_WAL_RECORD_CODEC_H_

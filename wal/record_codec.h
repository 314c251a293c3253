// Byte encoding of WAL record payloads. Decoders never read past their input
// and report malformed input by returning false.
#ifndef RUZU_WAL_RECORD_CODEC_H_
#define RUZU_WAL_RECORD_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/types.h"

namespace ruzu {

class WalEncoder {
 public:
  void PutU8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void PutU32(uint32_t v);
  void PutU64(uint64_t v);
  void PutVarint64(uint64_t v);
  void PutI64(int64_t v);  // zigzag varint
  void PutDouble(double v);
  void PutString(std::string_view s);  // varint length + bytes
  // Type byte, null flag, then the value in its natural encoding.
  void PutValue(const Value& v);

  const std::string& data() const { return out_; }

 private:
  std::string out_;
};

class WalDecoder {
 public:
  explicit WalDecoder(std::string_view in) : in_(in) {}

  bool GetU8(uint8_t* v);
  bool GetU32(uint32_t* v);
  bool GetU64(uint64_t* v);
  bool GetVarint64(uint64_t* v);
  bool GetI64(int64_t* v);
  bool GetDouble(double* v);
  bool GetString(std::string* s);
  bool GetValue(Value* v);

  bool done() const { return pos_ == in_.size(); }
  size_t remaining() const { return in_.size() - pos_; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace ruzu

#endif  // RUZU_WAL_RECORD_CODEC_H_

// Helpers shared by the fuzz targets (fuzz/*_fuzzer.cc): reading structured
// choices from the fuzzer's bytes, the oracle check, and quiet logging.
#ifndef RUZU_FUZZ_FUZZ_UTIL_H_
#define RUZU_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/types.h"

namespace ruzu::fuzz {

// Consumes bytes from the front of the input. Past the end every read gives
// zero, so a short input is still a valid (if boring) one.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  uint8_t U8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t U16() { return static_cast<uint16_t>(U8() | (U8() << 8)); }
  uint32_t U24() { return static_cast<uint32_t>(U8()) | (static_cast<uint32_t>(U16()) << 8); }
  bool Bool() { return (U8() & 1) != 0; }
  // One of `n` choices (n > 0).
  size_t Pick(size_t n) { return U8() % n; }
  // The rest of the input.
  std::string_view Rest() {
    std::string_view rest(reinterpret_cast<const char*>(data_ + pos_), size_ - pos_);
    pos_ = size_;
    return rest;
  }
  size_t remaining() const { return size_ - pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Reports a broken oracle and aborts, so libFuzzer saves the input (and a
// regression test replaying it fails).
[[noreturn]] void Fail(const char* file, int line, const std::string& what);

#define RUZU_FUZZ_CHECK(cond, what)                              \
  do {                                                           \
    if (!(cond)) ::ruzu::fuzz::Fail(__FILE__, __LINE__, (what)); \
  } while (0)

// Whether `code` is one the API may return for bad input, file contents or
// exhausted limits. kInternal (a broken invariant noticed at run time) and
// kOk are not.
bool IsTypedError(StatusCode code);

// The same value: type, NULL-ness and contents, with NaN equal to NaN and
// 0.0 different from -0.0 (bitwise comparison of doubles).
bool SameValue(const Value& a, const Value& b);
// Type name and printed form, for messages.
std::string Describe(const Value& v);

// Silences glog below FATAL (the engine logs warnings for damaged files,
// which would flood the fuzzer's output). Idempotent.
void QuietLogging();

}  // namespace ruzu::fuzz

#endif  // RUZU_FUZZ_FUZZ_UTIL_H_

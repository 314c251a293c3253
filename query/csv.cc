#include "query/csv.h"

#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>
#include <type_traits>

#include "common/logging.h"

namespace ruzu::query {
namespace {

constexpr size_t kNpos = std::string::npos;
constexpr size_t kMaxBatchRows = 65536;
// Blocks handed to workers but not yet taken by Next(): two being parsed and
// two ready keeps both cores busy while bounding memory.
constexpr size_t kMaxBlocksInFlight = 4;
constexpr size_t kNumWorkers = 2;
// Values longer than this are cut short in error messages.
constexpr size_t kMaxValueInMessage = 100;
constexpr size_t kWriteBufferBytes = size_t{1} << 20;

std::string CharName(char c) {
  switch (c) {
    case '\t': return "'\\t'";
    case '\n': return "'\\n'";
    case '\r': return "'\\r'";
    default: return std::string("'") + c + "'";
  }
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string QuoteForMessage(std::string_view value) {
  if (value.size() <= kMaxValueInMessage) return "\"" + std::string(value) + "\"";
  return "\"" + std::string(value.substr(0, kMaxValueInMessage)) + "...\"";
}

// "persons.csv:12:3: " (no column part when column is 0).
std::string Location(const std::string& file, uint64_t line, uint32_t column) {
  std::string out = file + ":" + std::to_string(line);
  if (column != 0) out += ":" + std::to_string(column);
  return out + ": ";
}

// ---------------------------------------------------------------------------
// Record structure. RecordScanner (used to cut blocks) and Tokenizer (used to
// parse them) implement the same grammar and must agree on where every record
// ends, even in malformed input, so that the cut never changes the result.

// A problem with one record, located relative to the block it is in.
struct RowIssue {
  uint64_t line = 0;    // newlines before the record in its block
  uint32_t column = 0;  // 1-based field; 0 for the whole record
  std::string detail;
};

class RecordScanner {
 public:
  explicit RecordScanner(const CsvOptions& options)
      : delimiter_(options.delimiter), quote_(options.quote), escape_(options.escape) {}

  void Reset() {
    state_ = kFieldStart;
    field_ = 0;
  }
  bool in_quotes() const { return state_ == kQuoted || state_ == kQuotedEscape; }
  // 0-based index of the field being scanned.
  uint32_t field() const { return field_; }

  // Runs the state machine over data[begin, end). Returns the offset just past
  // the first (stop_at_first) or last '\n' that ends a record, or kNpos.
  size_t Scan(const char* data, size_t begin, size_t end, bool stop_at_first) {
    if (begin >= end) return kNpos;
    if (!stop_at_first && (state_ == kFieldStart || state_ == kUnquoted) &&
        std::memchr(data + begin, quote_, end - begin) == nullptr) {
      // Without quotes every '\n' ends a record: no need to look at each byte.
      const void* last_newline = memrchr(data + begin, '\n', end - begin);
      size_t tail = begin;
      if (last_newline != nullptr) {
        tail = static_cast<size_t>(static_cast<const char*>(last_newline) - data) + 1;
        field_ = 0;
      }
      field_ += static_cast<uint32_t>(std::count(data + tail, data + end, delimiter_));
      state_ = tail == end || data[end - 1] == delimiter_ ? kFieldStart : kUnquoted;
      return last_newline == nullptr ? kNpos : tail;
    }
    size_t last = kNpos;
    for (size_t i = begin; i < end; ++i) {
      const char c = data[i];
      if (state_ == kQuoted) {
        if (c == quote_) {
          state_ = kAfterQuote;
        } else if (c == escape_) {
          state_ = kQuotedEscape;
        }
        continue;
      }
      if (state_ == kQuotedEscape) {
        state_ = kQuoted;
        continue;
      }
      if ((state_ == kFieldStart && c == quote_) || (state_ == kAfterQuote && c == quote_ && escape_ == quote_)) {
        state_ = kQuoted;  // a quoted field starts, or a doubled quote continues one
        continue;
      }
      // Outside quotes. After a closing quote, anything but the delimiter or
      // '\n' is an error the tokenizer reports; the field goes on unquoted.
      if (c == '\n') {
        Reset();
        last = i + 1;
        if (stop_at_first) return last;
      } else if (c == delimiter_) {
        state_ = kFieldStart;
        ++field_;
      } else {
        state_ = kUnquoted;
      }
    }
    return last;
  }

 private:
  enum State : uint8_t { kFieldStart, kUnquoted, kQuoted, kQuotedEscape, kAfterQuote };

  const char delimiter_, quote_, escape_;
  State state_ = kFieldStart;
  uint32_t field_ = 0;
};

struct Field {
  std::string_view text;
  bool quoted = false;
};

class Tokenizer {
 public:
  explicit Tokenizer(const CsvOptions& options)
      : delimiter_(options.delimiter), quote_(options.quote), escape_(options.escape) {}

  // Splits the record starting at `p` into fields[0, capacity), unescaping
  // quoted fields in place (the text only shrinks), and sets *count to the
  // number of fields (which may exceed capacity). Returns the start of the
  // next record and adds the newlines consumed to *newlines. On malformed
  // input sets *issue (column and detail of the first problem) and still ends
  // the record where RecordScanner does.
  char* Next(char* p, char* end, Field* fields, size_t capacity, size_t* count, uint64_t* newlines,
             std::optional<RowIssue>* issue) const {
    size_t n = 0;
    auto flag = [&](size_t column, const char* detail) {
      if (!issue->has_value()) *issue = RowIssue{0, static_cast<uint32_t>(column), detail};
    };
    auto add = [&](std::string_view text, bool quoted) {
      if (n < capacity) fields[n] = Field{text, quoted};
      ++n;
    };
    while (true) {
      const size_t column = n + 1;
      bool continues_field = false;
      if (p < end && *p == quote_) {
        char* const start = ++p;
        char* out = start;
        bool closed = false;
        while (p < end) {
          const char c = *p;
          if (c == quote_) {
            if (escape_ == quote_ && p + 1 < end && p[1] == quote_) {
              *out++ = c;
              p += 2;
              continue;
            }
            ++p;
            closed = true;
            break;
          }
          if (c == escape_) {  // only reached when escape differs from quote
            if (p + 1 == end) {
              p = end;
              break;
            }
            const char escaped = p[1];
            if (escaped != quote_ && escaped != escape_) {
              flag(column, "escape character must be followed by a quote or another escape character");
            }
            if (escaped == '\n') ++*newlines;
            *out++ = escaped;
            p += 2;
            continue;
          }
          if (c == '\n') ++*newlines;
          *out++ = c;
          ++p;
        }
        add(std::string_view(start, static_cast<size_t>(out - start)), true);
        *count = n;
        if (!closed) {
          flag(column, "unterminated quoted field");
          return end;
        }
        if (p == end) return end;
        if (*p == delimiter_) {
          ++p;
          continue;
        }
        if (*p == '\n') {
          ++*newlines;
          return p + 1;
        }
        if (*p == '\r' && (p + 1 == end || p[1] == '\n')) {
          if (p + 1 == end) return end;
          ++*newlines;
          return p + 2;
        }
        flag(column, "closing quote must be followed by the delimiter or the end of the line");
        continues_field = true;  // the rest of the field is scanned as unquoted text
      }
      char* const start = p;
      while (p < end && *p != delimiter_ && *p != '\n') ++p;
      if (!continues_field) {
        std::string_view text(start, static_cast<size_t>(p - start));
        if (!text.empty() && text.back() == '\r' && (p == end || *p == '\n')) text.remove_suffix(1);
        add(text, false);
        *count = n;
      }
      if (p == end) return end;
      if (*p == delimiter_) {
        ++p;
        continue;
      }
      ++*newlines;
      return p + 1;
    }
  }

 private:
  const char delimiter_, quote_, escape_;
};

bool IsEmptyLine(const Field* fields, size_t count) {
  return count == 1 && !fields[0].quoted && fields[0].text.empty();
}

// Counts '\n' eight bytes at a time (std::count is not vectorized at -O2).
uint64_t CountNewlines(const char* begin, const char* end) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  uint64_t count = 0;
  const char* p = begin;
  for (; end - p >= 8; p += 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);
    const uint64_t x = word ^ (kOnes * '\n');  // zero bytes where '\n' was
    // High bit set in every byte of x that is zero, exactly (no borrows).
    const uint64_t zero = ~(((x & kLow7) + kLow7) | x | kLow7);
    count += ((zero >> 7) * kOnes) >> 56;  // sums the bytes' 0/1 (no popcnt in baseline x86-64)
  }
  for (; p < end; ++p) count += *p == '\n';
  return count;
}

// ---------------------------------------------------------------------------
// Values.

enum class NumberParse { kOk, kInvalid, kOutOfRange };

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

NumberParse ParseInteger(std::string_view text, int64_t* value) {
  const char* begin = text.data();
  const char* const end = begin + text.size();
  if (begin < end && *begin == '+') {  // from_chars takes no '+'
    ++begin;
    if (begin == end || !IsDigit(*begin)) return NumberParse::kInvalid;
  }
  auto [ptr, ec] = std::from_chars(begin, end, *value);
  if (ptr != end || begin == end) return NumberParse::kInvalid;
  if (ec == std::errc::result_out_of_range) return NumberParse::kOutOfRange;
  return ec == std::errc() ? NumberParse::kOk : NumberParse::kInvalid;
}

template <typename F>
NumberParse ParseFloating(std::string_view text, F* value) {
  const char* begin = text.data();
  const char* const end = begin + text.size();
  if (begin < end && *begin == '+') {
    ++begin;
    if (begin == end || *begin == '+' || *begin == '-') return NumberParse::kInvalid;
  }
  auto [ptr, ec] = std::from_chars(begin, end, *value);
  if (ptr != end || begin == end) return NumberParse::kInvalid;
  if (ec == std::errc::result_out_of_range) {
    // from_chars reports underflow as out of range too; strtod tells the two
    // apart and rounds an underflow to zero or a subnormal, as KuzuDB does.
    std::string copy(begin, end);
    const F v = std::is_same_v<F, float> ? std::strtof(copy.c_str(), nullptr) : std::strtod(copy.c_str(), nullptr);
    if (std::isinf(v)) return NumberParse::kOutOfRange;
    *value = v;
    return NumberParse::kOk;
  }
  return ec == std::errc() ? NumberParse::kOk : NumberParse::kInvalid;
}

template <typename I>
bool FitsInType(int64_t v) {
  return v >= std::numeric_limits<I>::min() && v <= std::numeric_limits<I>::max();
}

bool FitsIn(int64_t v, LogicalType type) {
  switch (type) {
    case LogicalType::kInt32: return FitsInType<int32_t>(v);
    case LogicalType::kInt16: return FitsInType<int16_t>(v);
    case LogicalType::kInt8: return FitsInType<int8_t>(v);
    default: return true;
  }
}

Value IntegerValue(int64_t v, LogicalType type) {
  switch (type) {
    case LogicalType::kInt32: return Value::Int32(static_cast<int32_t>(v));
    case LogicalType::kInt16: return Value::Int16(static_cast<int16_t>(v));
    case LogicalType::kInt8: return Value::Int8(static_cast<int8_t>(v));
    default: return Value::Int64(v);
  }
}

// Converts fields to the columns' types.
class RowConverter {
 public:
  RowConverter(const std::vector<LogicalType>* types, const std::vector<std::string>* names)
      : types_(types), names_(names) {}

  // Appends one value per column to batch->columns. On a bad value removes
  // what it appended and sets *issue.
  bool Append(const Field* fields, CsvBatch* batch, std::optional<RowIssue>* issue) const {
    for (size_t i = 0; i < types_->size(); ++i) {
      std::string detail;
      if (!Convert(fields[i], i, &batch->columns[i], &detail)) {
        for (size_t j = 0; j < i; ++j) batch->columns[j].pop_back();
        *issue = RowIssue{0, static_cast<uint32_t>(i + 1), std::move(detail)};
        return false;
      }
    }
    return true;
  }

 private:
  bool Convert(const Field& field, size_t column, std::vector<Value>* out, std::string* error) const {
    const LogicalType type = (*types_)[column];
    const std::string_view text = field.text;
    if (text.empty()) {
      out->push_back(type == LogicalType::kString && field.quoted ? Value::String(std::string())
                                                                  : Value::Null(type));
      return true;
    }
    auto cannot_convert = [&](const char* hint) {
      *error = "cannot convert " + QuoteForMessage(text) + " to " + LogicalTypeName(type) + " for column '" +
               (*names_)[column] + "'" + hint;
      return false;
    };
    auto out_of_range = [&]() {
      *error = "value " + std::string(text.substr(0, kMaxValueInMessage)) + " is out of range for " +
               LogicalTypeName(type) + " column '" + (*names_)[column] + "'";
      return false;
    };
    switch (type) {
      case LogicalType::kInt64:
      case LogicalType::kInt32:
      case LogicalType::kInt16:
      case LogicalType::kInt8: {
        int64_t v = 0;
        const NumberParse parsed = ParseInteger(text, &v);
        if (parsed == NumberParse::kInvalid) return cannot_convert("");
        if (parsed == NumberParse::kOutOfRange || !FitsIn(v, type)) return out_of_range();
        out->push_back(IntegerValue(v, type));
        return true;
      }
      case LogicalType::kDouble: {
        double v = 0;
        const NumberParse parsed = ParseFloating(text, &v);
        if (parsed == NumberParse::kInvalid) return cannot_convert("");
        if (parsed == NumberParse::kOutOfRange) return out_of_range();
        out->push_back(Value::Double(v));
        return true;
      }
      case LogicalType::kFloat: {
        float v = 0;
        const NumberParse parsed = ParseFloating(text, &v);
        if (parsed == NumberParse::kInvalid) return cannot_convert("");
        if (parsed == NumberParse::kOutOfRange) return out_of_range();
        out->push_back(Value::Float(v));
        return true;
      }
      case LogicalType::kBool:
        if (EqualsIgnoreCase(text, "true")) {
          out->push_back(Value::Bool(true));
        } else if (EqualsIgnoreCase(text, "false")) {
          out->push_back(Value::Bool(false));
        } else {
          return cannot_convert(" (expected true or false)");
        }
        return true;
      case LogicalType::kString:
        out->push_back(Value::String(std::string(text)));
        return true;
      case LogicalType::kDate: {
        Result<int32_t> days = ParseDate(text);
        if (!days.ok()) return cannot_convert(" (expected YYYY-MM-DD)");
        out->push_back(Value::Date(*days));
        return true;
      }
      case LogicalType::kTimestamp: {
        Result<int64_t> micros = ParseTimestamp(text);
        if (!micros.ok()) return cannot_convert(" (expected YYYY-MM-DD hh:mm:ss[.ffffff])");
        out->push_back(Value::Timestamp(*micros));
        return true;
      }
      default:
        return cannot_convert("");  // Open admits storable types only
    }
  }

  const std::vector<LogicalType>* types_;
  const std::vector<std::string>* names_;
};

// ---------------------------------------------------------------------------
// Splitting files into blocks of whole records.

struct Block {
  size_t file_index = 0;
  uint64_t source_bytes = 0;  // bytes of the file the block covers
  std::string data;           // whole records
  uint64_t newlines = 0;      // lines covered by a block without data (header, skipped records)
  std::optional<RowIssue> issue;  // found while splitting
  bool issue_is_fatal = false;    // even with ignore_errors (a bad header)
};

// Keeps a few released buffers so that their capacity is reused: freeing them
// on one thread and allocating afresh on another costs page faults. Thread-safe.
template <typename T>
class SparePool {
 public:
  explicit SparePool(size_t capacity) : capacity_(capacity) {}

  // A released item, or a new one when none is left.
  T Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (items_.empty()) return T();
    T item = std::move(items_.back());
    items_.pop_back();
    return item;
  }
  void Give(T item) {
    std::lock_guard<std::mutex> lock(mu_);
    if (items_.size() < capacity_) items_.push_back(std::move(item));
  }  // a dropped item is freed after the lock is released

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::vector<T> items_;
};

// Reads the files in order and cuts them into blocks that start and end at
// record boundaries. Not thread-safe.
class Splitter {
 public:
  Splitter(FileSystem* fs, const std::vector<std::string>* files, const CsvOptions& options, size_t num_columns,
           SparePool<std::string>* spare_buffers)
      : fs_(fs),
        files_(files),
        options_(options),
        num_columns_(num_columns),
        spare_buffers_(spare_buffers),
        scanner_(options) {}

  // The next block in file order; false at the end and after an error.
  Result<bool> Next(Block* block) {
    *block = Block();
    if (done_) return false;
    Status s = NextImpl(block);
    if (!s.ok()) {
      done_ = true;
      return s;
    }
    if (block->issue_is_fatal) done_ = true;
    return !done_ || block->issue_is_fatal;
  }

 private:
  Status NextImpl(Block* block) {
    while (true) {
      if (file_ == nullptr) {
        if (file_index_ == files_->size()) {
          done_ = true;
          return Status::OK();
        }
        ASSIGN_OR_RETURN(file_, fs_->Open((*files_)[file_index_], OpenOptions{true, false, false}));
        offset_ = 0;
        eof_ = false;
        buf_.clear();
        scan_pos_ = 0;
        last_end_ = kNpos;
        scanner_.Reset();
        preamble_pending_ = options_.header || options_.skip > 0;
      }
      block->file_index = file_index_;
      if (preamble_pending_) {
        preamble_pending_ = false;
        return ReadPreamble(block);
      }
      RETURN_IF_ERROR(Fill(options_.block_bytes));
      if (buf_.empty()) {  // this file is done
        file_.reset();
        ++file_index_;
        continue;
      }
      ScanNewBytes();
      while (last_end_ == kNpos && !eof_) {
        if (buf_.size() >= options_.max_record_bytes) return SkipOverlongRecord(block);
        RETURN_IF_ERROR(Fill(buf_.size() + options_.block_bytes));
        ScanNewBytes();
      }
      const size_t cut = eof_ ? buf_.size() : last_end_;
      TakeFront(cut, &block->data);
      block->source_bytes = cut;
      return Status::OK();
    }
  }

  // Reads until buf_ holds `target` bytes or the file ends.
  Status Fill(size_t target) {
    while (buf_.size() < target && !eof_) {
      const size_t old_size = buf_.size();
      const size_t want = target - old_size;
      buf_.resize(target);
      size_t got = 0;
      Status s = file_->ReadAt(offset_, want, buf_.data() + old_size, &got);
      buf_.resize(old_size + (s.ok() ? got : 0));
      RETURN_IF_ERROR(s);
      offset_ += got;
      if (got < want) eof_ = true;  // a short read is the end of the file
    }
    return Status::OK();
  }

  void ScanNewBytes() {
    const size_t end = scanner_.Scan(buf_.data(), scan_pos_, buf_.size(), /*stop_at_first=*/false);
    if (end != kNpos) last_end_ = end;
    scan_pos_ = buf_.size();
  }

  // Moves buf_[0, n) to *out and keeps the rest.
  void TakeFront(size_t n, std::string* out) {
    std::string rest = spare_buffers_->Take();
    rest.assign(buf_, n, kNpos);
    buf_.resize(n);
    *out = std::move(buf_);
    buf_ = std::move(rest);
    scan_pos_ -= n;
    last_end_ = kNpos;
  }

  // Consumes the header and the `skip` records at the start of a file into a
  // block without data, checking the header's width.
  Status ReadPreamble(Block* block) {
    uint64_t records_left = options_.skip + (options_.header ? 1 : 0);
    bool header_pending = options_.header;
    uint64_t dropped_newlines = 0;  // in preamble bytes already dropped from buf_
    uint64_t dropped_bytes = 0;
    size_t pos = 0;  // start of the next record in buf_
    RETURN_IF_ERROR(Fill(options_.block_bytes));
    while (records_left > 0) {
      if (pos >= options_.block_bytes) {  // a large skip must not pile up in memory
        dropped_newlines += Newlines(0, pos);
        dropped_bytes += pos;
        DropFront(pos);
        pos = 0;
      }
      size_t end = kNpos;
      while (true) {
        if (scan_pos_ < buf_.size()) {
          end = scanner_.Scan(buf_.data(), scan_pos_, buf_.size(), /*stop_at_first=*/true);
          scan_pos_ = end == kNpos ? buf_.size() : end;
          if (end != kNpos) break;
        }
        if (eof_) break;
        if (buf_.size() - pos >= options_.max_record_bytes) {
          block->issue = RowIssue{dropped_newlines + Newlines(0, pos), 0, RecordTooLong()};
          block->issue_is_fatal = true;
          return Status::OK();
        }
        RETURN_IF_ERROR(Fill(buf_.size() + options_.block_bytes));
      }
      if (end == kNpos) {  // the file ends inside or right after this record
        end = buf_.size();
        if (end == pos) break;
      }
      std::string_view record(buf_.data() + pos, end - pos);
      std::string_view content = record;
      if (!content.empty() && content.back() == '\n') content.remove_suffix(1);
      if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
      if (!content.empty()) {
        if (header_pending) {
          header_pending = false;
          std::optional<RowIssue> issue = CheckHeader(record);
          if (issue.has_value()) {
            issue->line = dropped_newlines + Newlines(0, pos);
            block->issue = std::move(issue);
            block->issue_is_fatal = true;
            return Status::OK();
          }
        }
        --records_left;
      }
      pos = end;
    }
    block->newlines = dropped_newlines + Newlines(0, pos);
    block->source_bytes = dropped_bytes + pos;
    DropFront(pos);
    return Status::OK();
  }

  void DropFront(size_t n) {
    buf_.erase(0, n);
    scan_pos_ -= n;
    last_end_ = kNpos;
  }

  std::optional<RowIssue> CheckHeader(std::string_view record) const {
    std::string copy(record);
    uint64_t newlines = 0;
    size_t count = 0;
    std::optional<RowIssue> issue;
    Tokenizer(options_).Next(copy.data(), copy.data() + copy.size(), nullptr, 0, &count, &newlines, &issue);
    if (issue.has_value()) return issue;
    if (count != num_columns_) {
      return RowIssue{0, 0,
                      "header has " + std::to_string(count) + " fields, expected " +
                          std::to_string(num_columns_)};
    }
    return std::nullopt;
  }

  // buf_ holds the start of a record longer than max_record_bytes, all
  // scanned. Reads on to its end without keeping it and reports it.
  Status SkipOverlongRecord(Block* block) {
    uint64_t newlines = Newlines(0, buf_.size());
    uint64_t bytes = buf_.size();
    buf_.clear();
    scan_pos_ = 0;
    size_t end = kNpos;
    while (end == kNpos && !eof_) {
      RETURN_IF_ERROR(Fill(options_.block_bytes));
      end = scanner_.Scan(buf_.data(), 0, buf_.size(), /*stop_at_first=*/true);
      const size_t taken = end == kNpos ? buf_.size() : end;
      newlines += Newlines(0, taken);
      bytes += taken;
      buf_.erase(0, taken);
    }
    if (end == kNpos && scanner_.in_quotes()) {
      block->issue = RowIssue{0, scanner_.field() + 1, "unterminated quoted field"};
    } else {
      block->issue = RowIssue{0, 0, RecordTooLong()};
    }
    if (end == kNpos) scanner_.Reset();
    block->newlines = newlines;
    block->source_bytes = bytes;
    return Status::OK();
  }

  std::string RecordTooLong() const {
    return "record is longer than " + std::to_string(options_.max_record_bytes) + " bytes";
  }

  uint64_t Newlines(size_t begin, size_t end) const {
    return CountNewlines(buf_.data() + begin, buf_.data() + end);
  }

  FileSystem* const fs_;
  const std::vector<std::string>* const files_;
  const CsvOptions options_;
  const size_t num_columns_;
  SparePool<std::string>* const spare_buffers_;

  size_t file_index_ = 0;
  std::unique_ptr<File> file_;
  uint64_t offset_ = 0;  // next byte to read from file_
  bool eof_ = false;
  bool done_ = false;
  bool preamble_pending_ = false;
  std::string buf_;  // bytes read but not yet handed out; starts at a record boundary
  RecordScanner scanner_;
  size_t scan_pos_ = 0;       // buf_[0, scan_pos_) has been scanned
  size_t last_end_ = kNpos;   // last record end found in the scanned part
};

// A block parsed into batches. Lines are relative to the block's first line
// and skipped rows' reasons lack the "file:line:column: " prefix until Next()
// knows where the block starts.
struct ParsedBlock {
  size_t file_index = 0;
  uint64_t source_bytes = 0;
  uint64_t newlines = 0;
  std::vector<CsvBatch> batches;
  std::optional<RowIssue> error;  // stops the read
  Status status;                  // an I/O error while splitting
};

}  // namespace

// ---------------------------------------------------------------------------
// Options and paths.

Status ValidateCsvOptions(const CsvOptions& options) {
  auto is_newline = [](char c) { return c == '\n' || c == '\r'; };
  if (is_newline(options.delimiter) || is_newline(options.quote) || is_newline(options.escape)) {
    return InvalidArgument("the CSV delimiter, quote and escape characters cannot be '\\n' or '\\r'");
  }
  if (options.delimiter == options.quote) {
    return InvalidArgument("the CSV delimiter and quote character must differ (both are " +
                           CharName(options.delimiter) + ")");
  }
  if (options.delimiter == options.escape) {
    return InvalidArgument("the CSV delimiter and escape character must differ (both are " +
                           CharName(options.delimiter) + ")");
  }
  if (options.block_bytes == 0 || options.max_record_bytes == 0) {
    return InvalidArgument("CSV block_bytes and max_record_bytes must be positive");
  }
  return Status::OK();
}

namespace {

Status OptionTypeError(const std::string& name, const char* expected, const Value& value) {
  std::string got = value.is_null() ? "NULL" : std::string(LogicalTypeName(value.type())) + " " + value.ToString();
  return InvalidArgument("COPY option " + name + " expects " + expected + ", got " + got);
}

Result<bool> BoolOption(const std::string& name, const Value& value) {
  if (value.is_null() || value.type() != LogicalType::kBool) return OptionTypeError(name, "a BOOL", value);
  return value.bool_value();
}

Result<char> CharOption(const std::string& name, const Value& value) {
  if (value.is_null() || value.type() != LogicalType::kString) {
    return OptionTypeError(name, "a one-character STRING", value);
  }
  const std::string& s = value.string_value();
  if (s.size() == 1) return s[0];
  if (s.size() == 2 && s[0] == '\\') {  // an escape the query text did not resolve, e.g. '\t'
    switch (s[1]) {
      case 't': return '\t';
      case '\\': return '\\';
      case '\'': return '\'';
      case '"': return '"';
      default: break;
    }
  }
  return InvalidArgument("COPY option " + name + " expects a one-character STRING, got '" + s + "'");
}

Result<uint64_t> CountOption(const std::string& name, const Value& value) {
  const LogicalType t = value.type();
  const bool is_integer =
      t == LogicalType::kInt64 || t == LogicalType::kInt32 || t == LogicalType::kInt16 || t == LogicalType::kInt8;
  if (value.is_null() || !is_integer || value.int_value() < 0) {
    return OptionTypeError(name, "an integer >= 0", value);
  }
  return static_cast<uint64_t>(value.int_value());
}

bool HasGlob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

}  // namespace

Result<CsvOptions> CsvOptionsFrom(const std::vector<std::pair<std::string, Value>>& options) {
  CsvOptions out;
  std::set<std::string> seen;
  for (const auto& [given_name, value] : options) {
    std::string name = ToUpper(given_name);
    if (name == "DELIMITER") name = "DELIM";
    if (!seen.insert(name).second) return InvalidArgument("COPY option " + name + " is given more than once");
    if (name == "HEADER") {
      ASSIGN_OR_RETURN(out.header, BoolOption(name, value));
    } else if (name == "DELIM") {
      ASSIGN_OR_RETURN(out.delimiter, CharOption(name, value));
    } else if (name == "QUOTE") {
      ASSIGN_OR_RETURN(out.quote, CharOption(name, value));
    } else if (name == "ESCAPE") {
      ASSIGN_OR_RETURN(out.escape, CharOption(name, value));
    } else if (name == "SKIP") {
      ASSIGN_OR_RETURN(out.skip, CountOption(name, value));
    } else if (name == "IGNORE_ERRORS") {
      ASSIGN_OR_RETURN(out.ignore_errors, BoolOption(name, value));
    } else if (name == "PARALLEL") {
      ASSIGN_OR_RETURN(out.parallel, BoolOption(name, value));
    } else {
      return InvalidArgument("unknown COPY option '" + given_name +
                             "' (expected HEADER, DELIM, QUOTE, ESCAPE, SKIP, IGNORE_ERRORS or PARALLEL)");
    }
  }
  RETURN_IF_ERROR(ValidateCsvOptions(out));
  return out;
}

Result<std::vector<std::string>> ExpandCsvPaths(FileSystem* fs, const std::vector<std::string>& patterns) {
  if (patterns.empty()) return InvalidArgument("no CSV file given");
  std::vector<std::string> files;
  std::set<std::string> seen;
  for (const std::string& pattern : patterns) {
    const size_t slash = pattern.find_last_of('/');
    const std::string dir_prefix = slash == kNpos ? "" : pattern.substr(0, slash + 1);  // keeps the '/'
    const std::string name_pattern = slash == kNpos ? pattern : pattern.substr(slash + 1);
    std::vector<std::string> matches;
    if (!HasGlob(name_pattern)) {
      Result<FileInfo> info = fs->Stat(pattern);
      if (!info.ok()) {
        if (info.status().IsNotFound()) return NotFound("no such file: '" + pattern + "'");
        return info.status();
      }
      if (info->kind == FileKind::kDirectory) return InvalidArgument("'" + pattern + "' is a directory, not a file");
      if (info->kind != FileKind::kRegular) return InvalidArgument("'" + pattern + "' is not a regular file");
      matches.push_back(pattern);
    } else {
      if (HasGlob(dir_prefix)) {
        return Unsupported("'" + pattern + "': wildcards are supported in the file name only, not in directories");
      }
      const std::string dir = dir_prefix.empty() ? "." : dir_prefix == "/" ? "/" : dir_prefix.substr(0, slash);
      Result<std::vector<std::string>> names = fs->List(dir);
      if (!names.ok()) {
        if (names.status().IsNotFound()) {
          return NotFound("no file matches '" + pattern + "': no directory '" + dir + "'");
        }
        return names.status();
      }
      for (const std::string& name : *names) {
        if (::fnmatch(name_pattern.c_str(), name.c_str(), FNM_PERIOD) != 0) continue;
        const std::string path = dir_prefix + name;
        Result<FileInfo> info = fs->Stat(path);
        if (info.ok() && info->kind == FileKind::kRegular) matches.push_back(path);
      }
      if (matches.empty()) return NotFound("no file matches '" + pattern + "'");
      std::sort(matches.begin(), matches.end());
    }
    for (std::string& path : matches) {
      if (seen.insert(path).second) files.push_back(std::move(path));
    }
  }
  return files;
}

// ---------------------------------------------------------------------------
// CsvReader.

struct CsvReader::Impl {
  Impl(FileSystem* fs, std::vector<std::string> files_in, CsvOptions options_in, std::vector<LogicalType> types_in,
       std::vector<std::string> names_in)
      : files(std::move(files_in)),
        options(options_in),
        types(std::move(types_in)),
        names(std::move(names_in)),
        splitter(fs, &files, options, types.size(), &spare_buffers),
        converter(&types, &names) {}

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    work_cv.notify_all();
    for (std::thread& worker : workers) worker.join();
  }

  // Parses a block, unescaping its data in place. Safe to run on several
  // threads at once.
  ParsedBlock Parse(Block* block) {
    ParsedBlock out;
    out.file_index = block->file_index;
    out.source_bytes = block->source_bytes;
    out.newlines = block->newlines;
    const size_t num_columns = types.size();
    auto new_batch = [&](size_t expected_rows) {
      CsvBatch& batch = out.batches.emplace_back(spare_batches.Take());
      // Clearing a recycled batch here rather than in Next() keeps the
      // caller's thread free for its own work.
      for (std::vector<Value>& column : batch.columns) column.clear();
      batch.lines.clear();
      batch.skipped.clear();
      batch.file_index = 0;
      batch.columns.resize(num_columns);
      // Rounded up so that a recycled batch usually has room already.
      const size_t capacity = std::min(kMaxBatchRows, (expected_rows + 8191) / 8192 * 8192);
      for (std::vector<Value>& column : batch.columns) column.reserve(capacity);
      batch.lines.reserve(capacity);
      return &batch;
    };
    if (block->issue.has_value()) {
      if (block->issue_is_fatal || !options.ignore_errors) {
        out.error = std::move(block->issue);
      } else {
        const RowIssue& issue = *block->issue;
        new_batch(0)->skipped.push_back(CsvSkippedRow{"", issue.line, issue.column, issue.detail});
      }
      return out;
    }
    if (block->data.empty()) return out;

    char* p = block->data.data();
    char* const end = p + block->data.size();
    // Rows are at most the lines; reserving avoids regrowing the columns.
    size_t rows_estimate = static_cast<size_t>(CountNewlines(p, end)) + 1;
    CsvBatch* batch = new_batch(std::min(rows_estimate, kMaxBatchRows));
    Tokenizer tokenizer(options);
    std::vector<Field> fields(num_columns);
    uint64_t line = 0;
    while (p < end) {
      const uint64_t row_line = line;
      std::optional<RowIssue> issue;
      size_t count = 0;
      p = tokenizer.Next(p, end, fields.data(), fields.size(), &count, &line, &issue);
      if (!issue.has_value()) {
        if (IsEmptyLine(fields.data(), count)) continue;
        if (count != num_columns) {
          issue = RowIssue{0, 0,
                           "expected " + std::to_string(num_columns) + " fields, found " + std::to_string(count)};
        } else {
          if (batch->num_rows() == kMaxBatchRows) {
            rows_estimate = rows_estimate > kMaxBatchRows ? rows_estimate - kMaxBatchRows : 1;
            batch = new_batch(std::min(rows_estimate, kMaxBatchRows));
          }
          if (converter.Append(fields.data(), batch, &issue)) {
            batch->lines.push_back(row_line);
            continue;
          }
        }
      }
      issue->line = row_line;
      if (!options.ignore_errors) {
        out.error = std::move(issue);
        return out;
      }
      batch->skipped.push_back(CsvSkippedRow{"", issue->line, issue->column, std::move(issue->detail)});
    }
    out.newlines = line;
    out.batches.erase(std::remove_if(out.batches.begin(), out.batches.end(),
                                     [](const CsvBatch& b) { return b.num_rows() == 0 && b.skipped.empty(); }),
                      out.batches.end());
    return out;
  }

  // Keeps a parsed block's buffer for a later block, unless a long record
  // made it large.
  void ReleaseBuffer(std::string data) {
    if (data.capacity() <= 2 * options.block_bytes) spare_buffers.Give(std::move(data));
  }

  // Keeps the capacity of a batch the caller is done with for a later block.
  void Recycle(CsvBatch batch) {
    if (batch.columns.size() == types.size()) spare_batches.Give(std::move(batch));
  }

  // The next parsed block in file order; false at the end.
  Result<bool> TakeNextBlock(ParsedBlock* out) {
    if (workers.empty()) {
      Block block;
      ASSIGN_OR_RETURN(bool more, splitter.Next(&block));
      if (!more) return false;
      *out = Parse(&block);
      ReleaseBuffer(std::move(block.data));
      return true;
    }
    std::unique_lock<std::mutex> lock(mu);
    ready_cv.wait(lock, [&] { return ready.count(deliver_seq) > 0 || deliver_seq >= end_seq; });
    auto it = ready.find(deliver_seq);
    if (it == ready.end()) return false;
    *out = std::move(it->second);
    ready.erase(it);
    ++deliver_seq;
    --in_flight;
    work_cv.notify_one();
    return true;
  }

  // Each worker takes turns at the splitter (so blocks are numbered in file
  // order) and parses its block in parallel with the other.
  void WorkerLoop() {
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mu);
        work_cv.wait(lock, [&] { return stop || split_done || in_flight < kMaxBlocksInFlight; });
        if (stop || split_done) return;
        ++in_flight;
      }
      Block block;
      Result<bool> more = false;
      uint64_t seq = 0;
      {
        std::lock_guard<std::mutex> split_lock(split_mu);
        more = splitter.Next(&block);
        seq = next_seq;
        if (!more.ok() || *more) ++next_seq;
      }
      if (more.ok() && !*more) {
        std::lock_guard<std::mutex> lock(mu);
        --in_flight;
        split_done = true;
        end_seq = seq;
        work_cv.notify_all();
        ready_cv.notify_all();
        return;
      }
      ParsedBlock parsed;
      if (more.ok()) {
        parsed = Parse(&block);
        ReleaseBuffer(std::move(block.data));
      } else {
        parsed.status = more.status();
      }
      std::lock_guard<std::mutex> lock(mu);
      ready.emplace(seq, std::move(parsed));
      ready_cv.notify_all();
    }
  }

  const std::vector<std::string> files;
  const CsvOptions options;
  const std::vector<LogicalType> types;
  const std::vector<std::string> names;
  uint64_t total_bytes = 0;
  std::atomic<uint64_t> bytes_done{0};

  // Capacity handed back for reuse: block buffers by Parse, batches by Next().
  SparePool<std::string> spare_buffers{kMaxBlocksInFlight};
  SparePool<CsvBatch> spare_batches{kMaxBlocksInFlight};

  // Guarded by split_mu when workers run.
  Splitter splitter;
  uint64_t next_seq = 0;
  std::mutex split_mu;

  const RowConverter converter;

  // Block hand-over between workers and Next(), guarded by mu.
  std::mutex mu;
  std::condition_variable work_cv;   // workers wait for room
  std::condition_variable ready_cv;  // Next() waits for its block
  std::map<uint64_t, ParsedBlock> ready;
  uint64_t deliver_seq = 0;
  uint64_t end_seq = std::numeric_limits<uint64_t>::max();
  size_t in_flight = 0;
  bool split_done = false;
  bool stop = false;
  std::vector<std::thread> workers;

  // Next()'s own state.
  std::optional<ParsedBlock> current;
  size_t next_batch = 0;
  size_t current_file = kNpos;
  uint64_t base_line = 1;  // line number of the current block's first line
  Status failed;
  bool finished = false;
};

CsvReader::CsvReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvReader::~CsvReader() = default;

Result<std::unique_ptr<CsvReader>> CsvReader::Open(FileSystem* fs, std::vector<std::string> files,
                                                   CsvOptions options, std::vector<LogicalType> column_types,
                                                   std::vector<std::string> column_names) {
  RETURN_IF_ERROR(ValidateCsvOptions(options));
  if (files.empty()) return InvalidArgument("no CSV file to read");
  if (column_types.empty()) return InvalidArgument("reading CSV needs at least one column");
  if (column_names.size() != column_types.size()) {
    return InvalidArgument("CSV reader got " + std::to_string(column_types.size()) + " column types but " +
                           std::to_string(column_names.size()) + " names");
  }
  for (size_t i = 0; i < column_types.size(); ++i) {
    if (!IsValidLogicalType(static_cast<uint8_t>(column_types[i]))) {
      return InvalidArgument("column '" + column_names[i] + "' of type " + LogicalTypeName(column_types[i]) +
                             " cannot be read from CSV");
    }
  }
  uint64_t total_bytes = 0;
  for (const std::string& file : files) {
    ASSIGN_OR_RETURN(FileInfo info, fs->Stat(file));
    if (info.kind != FileKind::kRegular) return InvalidArgument("'" + file + "' is not a regular file");
    total_bytes += info.size;
  }
  auto impl = std::make_unique<Impl>(fs, std::move(files), options, std::move(column_types), std::move(column_names));
  impl->total_bytes = total_bytes;
  if (options.parallel) {
    // Without threads (or with one) the reader still works: TakeNextBlock
    // parses on the caller's thread when no worker runs.
    try {
      for (size_t i = 0; i < kNumWorkers; ++i) impl->workers.emplace_back([p = impl.get()] { p->WorkerLoop(); });
    } catch (const std::system_error& e) {
      LOG(WARNING) << "CSV reader runs with " << impl->workers.size() << " worker threads: " << e.what();
    }
  }
  return std::unique_ptr<CsvReader>(new CsvReader(std::move(impl)));
}

Result<bool> CsvReader::Next(CsvBatch* batch) {
  Impl& m = *impl_;
  if (!m.failed.ok()) return m.failed;
  if (m.finished) return false;
  while (true) {
    if (m.current.has_value() && m.next_batch < m.current->batches.size()) {
      CsvBatch& next = m.current->batches[m.next_batch++];
      const std::string& file = m.files[m.current->file_index];
      next.file_index = m.current->file_index;
      for (uint64_t& line : next.lines) line += m.base_line;
      for (CsvSkippedRow& row : next.skipped) {
        row.line += m.base_line;
        row.file = file;
        row.reason = Location(file, row.line, row.column) + row.reason;
      }
      CsvBatch old = std::move(*batch);
      *batch = std::move(next);
      m.Recycle(std::move(old));
      return true;
    }
    if (m.current.has_value()) {
      m.base_line += m.current->newlines;
      m.current.reset();
    }
    ParsedBlock block;
    Result<bool> more = m.TakeNextBlock(&block);
    if (!more.ok()) {
      m.failed = more.status();
      return m.failed;
    }
    if (!*more) {
      m.finished = true;
      return false;
    }
    if (!block.status.ok()) {
      m.failed = block.status;
      return m.failed;
    }
    if (block.file_index != m.current_file) {
      m.current_file = block.file_index;
      m.base_line = 1;
    }
    m.bytes_done.fetch_add(block.source_bytes, std::memory_order_relaxed);
    if (block.error.has_value()) {
      const std::string& file = m.files[block.file_index];
      m.failed = InvalidArgument(Location(file, m.base_line + block.error->line, block.error->column) +
                                 block.error->detail);
      return m.failed;
    }
    m.current = std::move(block);
    m.next_batch = 0;
  }
}

const std::vector<std::string>& CsvReader::files() const { return impl_->files; }
uint64_t CsvReader::total_bytes() const { return impl_->total_bytes; }
uint64_t CsvReader::bytes_done() const { return impl_->bytes_done.load(std::memory_order_relaxed); }

// ---------------------------------------------------------------------------
// CsvWriter.

CsvWriter::CsvWriter(FileSystem* fs, std::string path, std::unique_ptr<File> file, CsvOptions options)
    : fs_(fs), path_(std::move(path)), file_(std::move(file)), options_(options) {
  buffer_.reserve(kWriteBufferBytes + 4096);
}

Result<std::unique_ptr<CsvWriter>> CsvWriter::Create(FileSystem* fs, const std::string& path, CsvOptions options) {
  RETURN_IF_ERROR(ValidateCsvOptions(options));
  OpenOptions open_options;
  open_options.create = true;
  ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs->Open(path, open_options));
  RETURN_IF_ERROR(file->Truncate(0));
  return std::unique_ptr<CsvWriter>(new CsvWriter(fs, path, std::move(file), options));
}

void CsvWriter::AppendField(std::string_view text, bool force_quotes) {
  const char quote = options_.quote;
  const char escape = options_.escape;
  bool needs_quotes = force_quotes;
  for (size_t i = 0; i < text.size() && !needs_quotes; ++i) {
    const char c = text[i];
    needs_quotes = c == options_.delimiter || c == quote || c == escape || c == '\n' || c == '\r';
  }
  if (!needs_quotes) {
    buffer_.append(text);
    return;
  }
  buffer_ += quote;
  for (char c : text) {
    if (c == quote || c == escape) buffer_ += escape;
    buffer_ += c;
  }
  buffer_ += quote;
}

void CsvWriter::AppendValue(const Value& value) {
  if (value.is_null()) return;  // NULL is the empty unquoted field
  char digits[64];
  switch (value.type()) {
    case LogicalType::kInt64:
    case LogicalType::kInt32:
    case LogicalType::kInt16:
    case LogicalType::kInt8: {
      auto result = std::to_chars(digits, digits + sizeof digits, value.int_value());
      AppendField(std::string_view(digits, static_cast<size_t>(result.ptr - digits)), false);
      return;
    }
    case LogicalType::kFloat: {
      // Shortest text that reads back as the same float.
      auto result = std::to_chars(digits, digits + sizeof digits, static_cast<float>(value.double_value()));
      AppendField(std::string_view(digits, static_cast<size_t>(result.ptr - digits)), false);
      return;
    }
    case LogicalType::kDouble: AppendField(FormatDouble(value.double_value()), false); return;
    case LogicalType::kBool: AppendField(value.bool_value() ? "true" : "false", false); return;
    case LogicalType::kString: AppendField(value.string_value(), value.string_value().empty()); return;
    case LogicalType::kDate: AppendField(FormatDate(static_cast<int32_t>(value.int_value())), false); return;
    case LogicalType::kTimestamp: AppendField(FormatTimestamp(value.int_value()), false); return;
    default: {
      const std::string text = value.ToString();
      AppendField(text, text.empty());
      return;
    }
  }
}

Status CsvWriter::FlushBuffer() {
  if (buffer_.empty()) return Status::OK();
  RETURN_IF_ERROR(file_->WriteAt(file_offset_, buffer_.data(), buffer_.size()));
  file_offset_ += buffer_.size();
  buffer_.clear();
  return Status::OK();
}

Status CsvWriter::WriteHeader(const std::vector<std::string>& names) {
  if (!status_.ok()) return status_;
  if (finished_) return InvalidArgument("CSV writer for '" + path_ + "' is already finished");
  if (!options_.header) return Status::OK();
  if (wrote_line_) return InvalidArgument("the CSV header must come before the rows");
  if (names.empty()) return InvalidArgument("a CSV header needs at least one name");
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) buffer_ += options_.delimiter;
    AppendField(names[i], names[i].empty());
  }
  buffer_ += '\n';
  wrote_line_ = true;
  row_width_ = names.size();
  return Status::OK();
}

Status CsvWriter::WriteRow(const std::vector<Value>& row) {
  if (!status_.ok()) return status_;
  if (finished_) return InvalidArgument("CSV writer for '" + path_ + "' is already finished");
  if (row.empty()) return InvalidArgument("a CSV row needs at least one value");
  if (row_width_ == 0) row_width_ = row.size();
  if (row.size() != row_width_) {
    return InvalidArgument("CSV row has " + std::to_string(row.size()) + " values, expected " +
                           std::to_string(row_width_));
  }
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) buffer_ += options_.delimiter;
    AppendValue(row[i]);
  }
  buffer_ += '\n';
  wrote_line_ = true;
  if (buffer_.size() >= kWriteBufferBytes) {
    status_ = FlushBuffer();
    return status_;
  }
  return Status::OK();
}

Status CsvWriter::Finish() {
  if (!status_.ok()) return status_;
  if (finished_) return Status::OK();
  status_ = FlushBuffer();
  if (status_.ok()) status_ = file_->Sync();
  if (!status_.ok()) return status_;
  file_.reset();
  finished_ = true;
  // A new file's directory entry must be durable too.
  status_ = fs_->SyncDir(DirName(path_));
  return status_;
}

}  // namespace ruzu::query

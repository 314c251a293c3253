#include "query/csv.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "common/test_util.h"
#include "common/types.h"
#include "storage/file_system.h"
#include "storage/testing/fault_injection_file_system.h"

namespace ruzu::query {
namespace {

using T = LogicalType;

// Everything a read produced, row by row, in order.
struct ReadResult {
  std::vector<std::vector<Value>> rows;
  std::vector<uint64_t> lines;
  std::vector<size_t> file_of_row;
  std::vector<CsvSkippedRow> skipped;
  std::vector<size_t> batch_sizes;

  bool operator==(const ReadResult& o) const {
    if (rows != o.rows || lines != o.lines || file_of_row != o.file_of_row || batch_sizes != o.batch_sizes ||
        skipped.size() != o.skipped.size()) {
      return false;
    }
    for (size_t i = 0; i < skipped.size(); ++i) {
      const CsvSkippedRow& a = skipped[i];
      const CsvSkippedRow& b = o.skipped[i];
      if (a.file != b.file || a.line != b.line || a.column != b.column || a.reason != b.reason) return false;
    }
    return true;
  }
};

std::string Describe(const ReadResult& r) {
  std::string out = std::to_string(r.rows.size()) + " rows, " + std::to_string(r.skipped.size()) + " skipped";
  for (size_t i = 0; i < r.rows.size() && i < 5; ++i) {
    out += "\n  line " + std::to_string(r.lines[i]) + ":";
    for (const Value& v : r.rows[i]) out += " [" + v.ToString() + "]";
  }
  for (size_t i = 0; i < r.skipped.size() && i < 5; ++i) out += "\n  skipped: " + r.skipped[i].reason;
  return out;
}

std::vector<std::string> Names(size_t n) {
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i) names.push_back("c" + std::to_string(i + 1));
  return names;
}

Result<ReadResult> ReadFiles(FileSystem* fs, const std::vector<std::string>& files, const CsvOptions& options,
                             const std::vector<LogicalType>& types, std::vector<std::string> names = {}) {
  if (names.empty()) names = Names(types.size());
  ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Open(fs, files, options, types, names));
  ReadResult result;
  CsvBatch batch;
  size_t last_file = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&batch));
    if (!more) break;
    if (batch.num_rows() == 0 && batch.skipped.empty()) return InternalError("empty batch returned");
    if (batch.num_rows() > 65536) return InternalError("batch too large");
    if (batch.file_index < last_file) return InternalError("files out of order");
    last_file = batch.file_index;
    if (batch.columns.size() != types.size()) return InternalError("wrong number of columns");
    for (size_t c = 0; c < types.size(); ++c) {
      if (batch.columns[c].size() != batch.num_rows()) return InternalError("ragged batch");
      for (const Value& v : batch.columns[c]) {
        if (v.type() != types[c]) return InternalError("value of the wrong type");
      }
    }
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      std::vector<Value> row;
      for (size_t c = 0; c < types.size(); ++c) row.push_back(batch.columns[c][r]);
      result.rows.push_back(std::move(row));
      result.lines.push_back(batch.lines[r]);
      result.file_of_row.push_back(batch.file_index);
    }
    for (CsvSkippedRow& s : batch.skipped) result.skipped.push_back(std::move(s));
    result.batch_sizes.push_back(batch.num_rows());
  }
  // The end is sticky.
  ASSIGN_OR_RETURN(bool again, reader->Next(&batch));
  if (again) return InternalError("Next returned rows after the end");
  if (reader->bytes_done() != reader->total_bytes()) return InternalError("bytes_done != total_bytes at the end");
  return result;
}

class CsvTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // Writes `text` to `name` in the test directory and returns its path.
  std::string File(const std::string& name, const std::string& text) {
    std::string path = Path(name);
    OpenOptions create;
    create.create = true;
    Result<std::unique_ptr<ruzu::File>> file = fs_->Open(path, create);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    if (!file.ok()) return path;
    EXPECT_TRUE((*file)->Truncate(0).ok());
    EXPECT_TRUE((*file)->WriteAt(0, text.data(), text.size()).ok());
    return path;
  }

  std::string Contents(const std::string& path) {
    Result<std::unique_ptr<ruzu::File>> file = fs_->Open(path, OpenOptions{true, false, false});
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    if (!file.ok()) return "";
    std::string out(*(*file)->Size(), '\0');
    size_t n = 0;
    EXPECT_TRUE((*file)->ReadAt(0, out.size(), out.data(), &n).ok());
    out.resize(n);
    return out;
  }

  // Reads `text` (as file "t.csv") serially and in parallel, checks both agree
  // and returns the result.
  Result<ReadResult> Read(const std::string& text, const std::vector<LogicalType>& types, CsvOptions options = {},
                          std::vector<std::string> names = {}) {
    std::string path = File("t.csv", text);
    options.parallel = false;
    Result<ReadResult> serial = ReadFiles(fs_, {path}, options, types, names);
    options.parallel = true;
    Result<ReadResult> parallel = ReadFiles(fs_, {path}, options, types, names);
    EXPECT_EQ(serial.ok(), parallel.ok());
    if (serial.ok() && parallel.ok()) {
      EXPECT_TRUE(*serial == *parallel) << Describe(*serial) << "\nvs\n" << Describe(*parallel);
    } else if (!serial.ok() && !parallel.ok()) {
      EXPECT_EQ(serial.status().ToString(), parallel.status().ToString());
    }
    return serial;
  }

  // The message of the error reading `text` must be exactly `expected`
  // (with the path of t.csv in front).
  void ExpectError(const std::string& text, const std::vector<LogicalType>& types, const std::string& expected,
                   CsvOptions options = {}, std::vector<std::string> names = {}) {
    Result<ReadResult> r = Read(text, types, options, names);
    ASSERT_FALSE(r.ok()) << "no error for: " << text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), Path("t.csv") + ":" + expected);
  }

  FileSystem* fs_ = FileSystem::Default();
  std::string dir_;
};

std::vector<Value> Row(std::vector<Value> values) { return values; }
Value S(const std::string& s) { return Value::String(s); }
Value I(int64_t v) { return Value::Int64(v); }
Value Null(LogicalType t) { return Value::Null(t); }

// --- Basics, records and quoting ---------------------------------------------

TEST_F(CsvTest, ReadsRowsWithLineNumbers) {
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("1,alice\n2,bob\n3,carol\n", {T::kInt64, T::kString}));
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0], Row({I(1), S("alice")}));
  EXPECT_EQ(r.rows[2], Row({I(3), S("carol")}));
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_TRUE(r.skipped.empty());
}

TEST_F(CsvTest, LastLineWithoutNewlineIsARecord) {
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("1,a\n2,b", {T::kInt64, T::kString}));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1], Row({I(2), S("b")}));
  ASSERT_OK_AND_ASSIGN(r, Read("1,\"a\"", {T::kInt64, T::kString}));
  EXPECT_EQ(r.rows, std::vector<std::vector<Value>>{Row({I(1), S("a")})});
}

TEST_F(CsvTest, EmptyFileHasNoRows) {
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("", {T::kInt64}));
  EXPECT_TRUE(r.rows.empty());
  ASSERT_OK_AND_ASSIGN(r, Read("\n\n\r\n", {T::kInt64, T::kInt64}));
  EXPECT_TRUE(r.rows.empty());
}

TEST_F(CsvTest, EmptyLinesAreSkippedButCounted) {
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("\n1,a\n\n\r\n2,b\n\n", {T::kInt64, T::kString}));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{2, 5}));
}

TEST_F(CsvTest, CrLfLineEndings) {
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("1,a\r\n2,\"b\"\r\n3,c\r", {T::kInt64, T::kString}));
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0], Row({I(1), S("a")}));
  EXPECT_EQ(r.rows[1], Row({I(2), S("b")}));
  EXPECT_EQ(r.rows[2], Row({I(3), S("c")}));
  // A '\r' that does not end the line is data.
  ASSERT_OK_AND_ASSIGN(r, Read("a\rb,c\r\n", {T::kString, T::kString}));
  EXPECT_EQ(r.rows[0], Row({S("a\rb"), S("c")}));
  // A quoted '\r' at the end of a field is kept.
  ASSERT_OK_AND_ASSIGN(r, Read("x,\"c\r\"\r\n", {T::kString, T::kString}));
  EXPECT_EQ(r.rows[0], Row({S("x"), S("c\r")}));
}

TEST_F(CsvTest, QuotedFields) {
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("\"a,b\",\"say \"\"hi\"\"\",\"line1\nline2\"\n\"\",\"\"\"\",x\"y\n",
                                          {T::kString, T::kString, T::kString}));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0], Row({S("a,b"), S("say \"hi\""), S("line1\nline2")}));
  // "" is the empty string, """" a lone quote, and a quote inside an
  // unquoted field is literal.
  EXPECT_EQ(r.rows[1], Row({S(""), S("\""), S("x\"y")}));
  // The second record starts on line 3 because of the quoted newline.
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{1, 3}));
}

TEST_F(CsvTest, NewlinesInQuotesShiftLineNumbers) {
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("\"a\n\n\nb\",1\n\"c\r\nd\",2\ne,3\n", {T::kString, T::kInt64}));
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0], Row({S("a\n\n\nb"), I(1)}));
  EXPECT_EQ(r.rows[1], Row({S("c\r\nd"), I(2)}));
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{1, 5, 7}));
}

TEST_F(CsvTest, WhitespaceIsKept) {
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read(" a , \"b\"x\n", {T::kString, T::kString}, {}));
  // ` "b"x` is unquoted (the quote is not the first character).
  EXPECT_EQ(r.rows[0], Row({S(" a "), S(" \"b\"x")}));
  ExpectError(" 1,2\n", {T::kInt64, T::kInt64}, "1:1: cannot convert \" 1\" to INT64 for column 'c1'");
}

TEST_F(CsvTest, BackslashEscape) {
  CsvOptions options;
  options.escape = '\\';
  ASSERT_OK_AND_ASSIGN(ReadResult r,
                       Read("\"a\\\"b\",\"c\\\\d\"\n\"\\\\\",\"x\ny\"\n", {T::kString, T::kString}, options));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0], Row({S("a\"b"), S("c\\d")}));
  EXPECT_EQ(r.rows[1], Row({S("\\"), S("x\ny")}));
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{1, 2}));
  // Unquoted, a backslash is just a character.
  ASSERT_OK_AND_ASSIGN(r, Read("a\\,b\\\\\n", {T::kString, T::kString}, options));
  EXPECT_EQ(r.rows[0], Row({S("a\\"), S("b\\\\")}));
  // With a separate escape, "" closes the field and the second quote is an error.
  ExpectError("\"a\"\"b\",x\n", {T::kString, T::kString},
              "1:1: closing quote must be followed by the delimiter or the end of the line", options);
  ExpectError("\"a\\b\",x\n", {T::kString, T::kString},
              "1:1: escape character must be followed by a quote or another escape character", options);
  ExpectError("x,\"ab\\", {T::kString, T::kString}, "1:2: unterminated quoted field", options);
}

TEST_F(CsvTest, OtherDelimiterAndQuote) {
  CsvOptions options;
  options.delimiter = '|';
  options.quote = '\'';
  options.escape = '\'';
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("1|'a|b'|x,y\n2|'it''s'|\"q\"\n", {T::kInt64, T::kString, T::kString},
                                          options));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0], Row({I(1), S("a|b"), S("x,y")}));
  EXPECT_EQ(r.rows[1], Row({I(2), S("it's"), S("\"q\"")}));
  options = CsvOptions();
  options.delimiter = '\t';
  ASSERT_OK_AND_ASSIGN(r, Read("1\ta b\t\n", {T::kInt64, T::kString, T::kString}, options));
  EXPECT_EQ(r.rows[0], Row({I(1), S("a b"), Null(T::kString)}));
}

// --- Types and NULLs ------------------------------------------------------------

TEST_F(CsvTest, EveryType) {
  std::vector<LogicalType> types = {T::kInt64, T::kInt32, T::kInt16,  T::kInt8, T::kDouble,
                                    T::kFloat, T::kBool,  T::kString, T::kDate, T::kTimestamp};
  ASSERT_OK_AND_ASSIGN(
      ReadResult r,
      Read("-9223372036854775808,2147483647,-32768,127,1.5,0.1,true,hello,2024-02-29,2024-01-31 12:34:56.789\n"
           "+42,-2147483648,32767,-128,-1e300,-2.5e10,FALSE,\"\",1970-01-01,1970-01-01T00:00:00Z\n"
           ",,,,,,,,,\n"
           "\"7\",\"8\",\"9\",\"10\",\"\",\"\",\"\",,\"\",\"\"\n"
           "007,0,0,0,inf,-inf,True,x,0001-01-01,9999-12-31 23:59:59.999999\n",
           types));
  ASSERT_EQ(r.rows.size(), 5u);
  ASSERT_OK_AND_ASSIGN(int32_t leap_day, ParseDate("2024-02-29"));
  ASSERT_OK_AND_ASSIGN(int64_t ts, ParseTimestamp("2024-01-31 12:34:56.789"));
  EXPECT_EQ(r.rows[0], Row({I(std::numeric_limits<int64_t>::min()), Value::Int32(2147483647), Value::Int16(-32768),
                            Value::Int8(127), Value::Double(1.5), Value::Float(0.1f), Value::Bool(true), S("hello"),
                            Value::Date(leap_day), Value::Timestamp(ts)}));
  EXPECT_EQ(r.rows[1], Row({I(42), Value::Int32(-2147483648), Value::Int16(32767), Value::Int8(-128),
                            Value::Double(-1e300), Value::Float(-2.5e10f), Value::Bool(false), S(""), Value::Date(0),
                            Value::Timestamp(0)}));
  // Empty unquoted fields are NULL of every type.
  std::vector<Value> nulls;
  for (LogicalType t : types) nulls.push_back(Null(t));
  EXPECT_EQ(r.rows[2], nulls);
  // Quoted numbers parse; "" is NULL for everything but STRING, and an empty
  // unquoted STRING is NULL.
  EXPECT_EQ(r.rows[3], Row({I(7), Value::Int32(8), Value::Int16(9), Value::Int8(10), Null(T::kDouble),
                            Null(T::kFloat), Null(T::kBool), Null(T::kString), Null(T::kDate), Null(T::kTimestamp)}));
  ASSERT_OK_AND_ASSIGN(int32_t first_day, ParseDate("0001-01-01"));
  ASSERT_OK_AND_ASSIGN(int64_t last_ts, ParseTimestamp("9999-12-31 23:59:59.999999"));
  EXPECT_EQ(r.rows[4], Row({I(7), Value::Int32(0), Value::Int16(0), Value::Int8(0),
                            Value::Double(std::numeric_limits<double>::infinity()),
                            Value::Float(-std::numeric_limits<float>::infinity()), Value::Bool(true), S("x"),
                            Value::Date(first_day), Value::Timestamp(last_ts)}));
}

TEST_F(CsvTest, FloatingPointSpecials) {
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("nan,NaN\n+1.25,.5\n5.,-0\n1e-400,1e-50\n4.9e-324,1e-45\n",
                                          {T::kDouble, T::kFloat}));
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_TRUE(std::isnan(r.rows[0][0].double_value()));
  EXPECT_TRUE(std::isnan(r.rows[0][1].double_value()));
  EXPECT_EQ(r.rows[1], Row({Value::Double(1.25), Value::Float(0.5f)}));
  EXPECT_EQ(r.rows[2], Row({Value::Double(5), Value::Float(0)}));
  // Underflow rounds to zero or a subnormal instead of failing.
  EXPECT_EQ(r.rows[3], Row({Value::Double(0), Value::Float(0)}));
  EXPECT_EQ(r.rows[4], Row({Value::Double(4.9e-324), Value::Float(1e-45f)}));
}

TEST_F(CsvTest, ConversionErrors) {
  ExpectError("1,2\nabc,3\n", {T::kInt64, T::kInt64}, "2:1: cannot convert \"abc\" to INT64 for column 'age'", {},
              {"age", "x"});
  ExpectError("1,12x\n", {T::kInt64, T::kInt32}, "1:2: cannot convert \"12x\" to INT32 for column 'c2'");
  ExpectError("+\n", {T::kInt64}, "1:1: cannot convert \"+\" to INT64 for column 'c1'");
  ExpectError("+-1\n", {T::kInt64}, "1:1: cannot convert \"+-1\" to INT64 for column 'c1'");
  ExpectError("-\n", {T::kInt64}, "1:1: cannot convert \"-\" to INT64 for column 'c1'");
  ExpectError("1.0\n", {T::kInt64}, "1:1: cannot convert \"1.0\" to INT64 for column 'c1'");
  ExpectError("1.5x\n", {T::kDouble}, "1:1: cannot convert \"1.5x\" to DOUBLE for column 'c1'");
  ExpectError("1e\n", {T::kFloat}, "1:1: cannot convert \"1e\" to FLOAT for column 'c1'");
  ExpectError("yes\n", {T::kBool}, "1:1: cannot convert \"yes\" to BOOL for column 'c1' (expected true or false)");
  ExpectError("1\n", {T::kBool}, "1:1: cannot convert \"1\" to BOOL for column 'c1' (expected true or false)");
  ExpectError("2024-02-30\n", {T::kDate},
              "1:1: cannot convert \"2024-02-30\" to DATE for column 'c1' (expected YYYY-MM-DD)");
  ExpectError("2024-01-01 25:00:00\n", {T::kTimestamp},
              "1:1: cannot convert \"2024-01-01 25:00:00\" to TIMESTAMP for column 'c1' "
              "(expected YYYY-MM-DD hh:mm:ss[.ffffff])");
  // Long values are cut short in the message.
  std::string long_value(150, '9');
  ExpectError("x" + long_value + "\n", {T::kInt64},
              "1:1: cannot convert \"x" + long_value.substr(0, 99) + "...\" to INT64 for column 'c1'");
}

TEST_F(CsvTest, RangeErrors) {
  ExpectError("1,300\n", {T::kInt64, T::kInt8}, "1:2: value 300 is out of range for INT8 column 'c2'");
  ExpectError("-129\n", {T::kInt8}, "1:1: value -129 is out of range for INT8 column 'c1'");
  ExpectError("32768\n", {T::kInt16}, "1:1: value 32768 is out of range for INT16 column 'c1'");
  ExpectError("-2147483649\n", {T::kInt32}, "1:1: value -2147483649 is out of range for INT32 column 'c1'");
  ExpectError("9223372036854775808\n", {T::kInt64},
              "1:1: value 9223372036854775808 is out of range for INT64 column 'c1'");
  ExpectError("99999999999999999999\n", {T::kInt8},
              "1:1: value 99999999999999999999 is out of range for INT8 column 'c1'");
  ExpectError("1e400\n", {T::kDouble}, "1:1: value 1e400 is out of range for DOUBLE column 'c1'");
  ExpectError("1e39\n", {T::kFloat}, "1:1: value 1e39 is out of range for FLOAT column 'c1'");
  // The limits themselves fit.
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("127,-32768,2147483647,9223372036854775807\n",
                                          {T::kInt8, T::kInt16, T::kInt32, T::kInt64}));
  EXPECT_EQ(r.rows[0], Row({Value::Int8(127), Value::Int16(-32768), Value::Int32(2147483647),
                            I(std::numeric_limits<int64_t>::max())}));
}

TEST_F(CsvTest, StructureErrors) {
  ExpectError("1,2,3\n4,5\n", {T::kInt64, T::kInt64, T::kInt64}, "2: expected 3 fields, found 2");
  ExpectError("1,2,3,4\n", {T::kInt64, T::kInt64, T::kInt64}, "1: expected 3 fields, found 4");
  ExpectError("1,2\n3,\"4\n5\n6\n", {T::kInt64, T::kString}, "2:2: unterminated quoted field");
  ExpectError("\"a\"b,1\n", {T::kString, T::kInt64},
              "1:1: closing quote must be followed by the delimiter or the end of the line");
  // Line numbers count quoted newlines and empty lines before the error.
  ExpectError("\"a\nb\",1\n\n\"c\",x\n", {T::kString, T::kInt64},
              "4:2: cannot convert \"x\" to INT64 for column 'c2'");
}

TEST_F(CsvTest, NextKeepsReturningTheFirstError) {
  std::string path = File("bad.csv", "1\nx\n2\n");
  for (bool parallel : {false, true}) {
    CsvOptions options;
    options.parallel = parallel;
    ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::Open(fs_, {path}, options, {T::kInt64}, {"n"}));
    CsvBatch batch;
    Result<bool> r = reader->Next(&batch);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), path + ":2:1: cannot convert \"x\" to INT64 for column 'n'");
    Result<bool> again = reader->Next(&batch);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.status().message(), r.status().message());
  }
}

// --- ignore_errors, header, skip ------------------------------------------------

TEST_F(CsvTest, IgnoreErrorsSkipsBadRowsWithReasons) {
  CsvOptions options;
  options.ignore_errors = true;
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("1,a\nx,b\n2\n3,c\n\"4\"z,d\n300,e\n5,\"f\n", {T::kInt8, T::kString},
                                          options, {"n", "s"}));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0], Row({Value::Int8(1), S("a")}));
  EXPECT_EQ(r.rows[1], Row({Value::Int8(3), S("c")}));
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{1, 4}));
  ASSERT_EQ(r.skipped.size(), 5u);
  const std::string p = Path("t.csv");
  EXPECT_EQ(r.skipped[0].reason, p + ":2:1: cannot convert \"x\" to INT8 for column 'n'");
  EXPECT_EQ(r.skipped[0].line, 2u);
  EXPECT_EQ(r.skipped[0].column, 1u);
  EXPECT_EQ(r.skipped[0].file, p);
  EXPECT_EQ(r.skipped[1].reason, p + ":3: expected 2 fields, found 1");
  EXPECT_EQ(r.skipped[1].column, 0u);
  EXPECT_EQ(r.skipped[2].reason,
            p + ":5:1: closing quote must be followed by the delimiter or the end of the line");
  EXPECT_EQ(r.skipped[3].reason, p + ":6:1: value 300 is out of range for INT8 column 'n'");
  // An unterminated quote at the end of the file drops that last record.
  EXPECT_EQ(r.skipped[4].reason, p + ":7:2: unterminated quoted field");
  EXPECT_EQ(r.skipped[4].line, 7u);
}

TEST_F(CsvTest, IgnoreErrorsKeepsColumnsAligned) {
  // A row failing in its last column must not leave values in earlier ones.
  CsvOptions options;
  options.ignore_errors = true;
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("1,2,3\n4,5,x\n6,7,8\n", {T::kInt64, T::kInt64, T::kInt64}, options));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1], Row({I(6), I(7), I(8)}));
  EXPECT_EQ(r.skipped.size(), 1u);
}

TEST_F(CsvTest, Header) {
  CsvOptions options;
  options.header = true;
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("id,name\n1,a\n2,b\n", {T::kInt64, T::kString}, options));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0], Row({I(1), S("a")}));
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{2, 3}));
  // Names need not match; a quoted header with a newline spans two lines;
  // empty lines before the header are skipped.
  ASSERT_OK_AND_ASSIGN(r, Read("\n\"x\ny\",whatever\r\n1,a\n", {T::kInt64, T::kString}, options));
  EXPECT_EQ(r.rows, std::vector<std::vector<Value>>{Row({I(1), S("a")})});
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{4}));
  // A file with only a header, or nothing, has no rows.
  ASSERT_OK_AND_ASSIGN(r, Read("id,name", {T::kInt64, T::kString}, options));
  EXPECT_TRUE(r.rows.empty());
  ASSERT_OK_AND_ASSIGN(r, Read("", {T::kInt64, T::kString}, options));
  EXPECT_TRUE(r.rows.empty());
  // Without the option the header is data.
  ExpectError("id,name\n1,a\n", {T::kInt64, T::kString}, "1:1: cannot convert \"id\" to INT64 for column 'c1'");
}

TEST_F(CsvTest, HeaderOfWrongWidthIsAnErrorEvenWhenIgnoringErrors) {
  CsvOptions options;
  options.header = true;
  ExpectError("\nid,name,extra\n1,a\n", {T::kInt64, T::kString}, "2: header has 3 fields, expected 2", options);
  ExpectError("id\n1,a\n", {T::kInt64, T::kString}, "1: header has 1 fields, expected 2", options);
  ExpectError("\"id,name\n", {T::kInt64, T::kString}, "1:1: unterminated quoted field", options);
  options.ignore_errors = true;
  ExpectError("id\n1,a\n", {T::kInt64, T::kString}, "1: header has 1 fields, expected 2", options);
}

TEST_F(CsvTest, Skip) {
  CsvOptions options;
  options.skip = 2;
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("bad\n\"also\nbad\"\n\n1\n2\n", {T::kInt64}, options));
  EXPECT_EQ(r.rows, (std::vector<std::vector<Value>>{Row({I(1)}), Row({I(2)})}));
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{5, 6}));
  options.header = true;
  ASSERT_OK_AND_ASSIGN(r, Read("h\nbad\n\"also\nbad\"\n1\n", {T::kInt64}, options));
  EXPECT_EQ(r.rows, std::vector<std::vector<Value>>{Row({I(1)})});
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{5}));
  options.header = false;
  options.skip = 10;
  ASSERT_OK_AND_ASSIGN(r, Read("1\n2\n", {T::kInt64}, options));
  EXPECT_TRUE(r.rows.empty());
  // Skipping across many blocks keeps counting lines.
  std::string text;
  for (int i = 0; i < 40; ++i) text += std::to_string(i) + (i % 7 == 0 ? "\n\n" : "\n");
  options.skip = 30;
  options.block_bytes = 8;
  ASSERT_OK_AND_ASSIGN(r, Read(text, {T::kInt64}, options));
  ASSERT_EQ(r.rows.size(), 10u);
  EXPECT_EQ(r.rows[0], Row({I(30)}));
  EXPECT_EQ(r.lines[0], 36u);  // 30 records and 5 empty lines before it
  EXPECT_EQ(r.lines[9], 46u);
}

TEST_F(CsvTest, MultipleFilesRestartLinesAndHeaders) {
  std::string a = File("a.csv", "id\n1\n2\n");
  std::string b = File("b.csv", "id\n\n3\n");
  std::string c = File("c.csv", "");
  std::string d = File("d.csv", "id\n4\nx\n");
  CsvOptions options;
  options.header = true;
  options.ignore_errors = true;
  for (bool parallel : {false, true}) {
    options.parallel = parallel;
    ASSERT_OK_AND_ASSIGN(ReadResult r, ReadFiles(fs_, {a, b, c, d}, options, {T::kInt64}));
    EXPECT_EQ(r.rows, (std::vector<std::vector<Value>>{Row({I(1)}), Row({I(2)}), Row({I(3)}), Row({I(4)})}));
    EXPECT_EQ(r.lines, (std::vector<uint64_t>{2, 3, 3, 2}));
    EXPECT_EQ(r.file_of_row, (std::vector<size_t>{0, 0, 1, 3}));
    ASSERT_EQ(r.skipped.size(), 1u);
    EXPECT_EQ(r.skipped[0].reason, d + ":3:1: cannot convert \"x\" to INT64 for column 'c1'");
    // A batch never spans files.
    EXPECT_EQ(r.batch_sizes, (std::vector<size_t>{2, 1, 1}));
  }
}

// --- Options ---------------------------------------------------------------------

TEST(CsvOptionsTest, Defaults) {
  ASSERT_OK_AND_ASSIGN(CsvOptions o, CsvOptionsFrom({}));
  EXPECT_FALSE(o.header);
  EXPECT_EQ(o.delimiter, ',');
  EXPECT_EQ(o.quote, '"');
  EXPECT_EQ(o.escape, '"');
  EXPECT_EQ(o.skip, 0u);
  EXPECT_FALSE(o.ignore_errors);
  EXPECT_TRUE(o.parallel);
}

TEST(CsvOptionsTest, EveryOptionAnyCase) {
  ASSERT_OK_AND_ASSIGN(CsvOptions o,
                       CsvOptionsFrom({{"header", Value::Bool(true)},
                                       {"Delim", Value::String("|")},
                                       {"QUOTE", Value::String("'")},
                                       {"escape", Value::String("\\")},
                                       {"SKIP", Value::Int64(3)},
                                       {"Ignore_Errors", Value::Bool(true)},
                                       {"parallel", Value::Bool(false)}}));
  EXPECT_TRUE(o.header);
  EXPECT_EQ(o.delimiter, '|');
  EXPECT_EQ(o.quote, '\'');
  EXPECT_EQ(o.escape, '\\');
  EXPECT_EQ(o.skip, 3u);
  EXPECT_TRUE(o.ignore_errors);
  EXPECT_FALSE(o.parallel);
  ASSERT_OK_AND_ASSIGN(o, CsvOptionsFrom({{"DELIMITER", Value::String("\t")}, {"SKIP", Value::Int32(0)}}));
  EXPECT_EQ(o.delimiter, '\t');
  // An escape the query text left unresolved.
  ASSERT_OK_AND_ASSIGN(o, CsvOptionsFrom({{"DELIM", Value::String("\\t")}}));
  EXPECT_EQ(o.delimiter, '\t');
}

TEST(CsvOptionsTest, Errors) {
  auto error = [](std::vector<std::pair<std::string, Value>> options) {
    Result<CsvOptions> r = CsvOptionsFrom(options);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    return r.ok() ? std::string("OK") : r.status().message();
  };
  EXPECT_EQ(error({{"HEADERS", Value::Bool(true)}}),
            "unknown COPY option 'HEADERS' (expected HEADER, DELIM, QUOTE, ESCAPE, SKIP, IGNORE_ERRORS or PARALLEL)");
  EXPECT_EQ(error({{"HEADER", Value::Int64(1)}}), "COPY option HEADER expects a BOOL, got INT64 1");
  EXPECT_EQ(error({{"header", Value::String("true")}}), "COPY option HEADER expects a BOOL, got STRING true");
  EXPECT_EQ(error({{"PARALLEL", Value::Null(T::kBool)}}), "COPY option PARALLEL expects a BOOL, got NULL");
  EXPECT_EQ(error({{"IGNORE_ERRORS", Value::Int64(0)}}), "COPY option IGNORE_ERRORS expects a BOOL, got INT64 0");
  EXPECT_EQ(error({{"DELIM", Value::String("||")}}), "COPY option DELIM expects a one-character STRING, got '||'");
  EXPECT_EQ(error({{"DELIM", Value::String("")}}), "COPY option DELIM expects a one-character STRING, got ''");
  EXPECT_EQ(error({{"DELIM", Value::Int64(9)}}), "COPY option DELIM expects a one-character STRING, got INT64 9");
  EXPECT_EQ(error({{"QUOTE", Value::Bool(true)}}), "COPY option QUOTE expects a one-character STRING, got BOOL True");
  EXPECT_EQ(error({{"ESCAPE", Value::String("ab")}}), "COPY option ESCAPE expects a one-character STRING, got 'ab'");
  EXPECT_EQ(error({{"SKIP", Value::Int64(-1)}}), "COPY option SKIP expects an integer >= 0, got INT64 -1");
  EXPECT_EQ(error({{"SKIP", Value::Double(1)}}), "COPY option SKIP expects an integer >= 0, got DOUBLE 1");
  EXPECT_EQ(error({{"DELIM", Value::String("|")}, {"delimiter", Value::String(";")}}),
            "COPY option DELIM is given more than once");
  EXPECT_EQ(error({{"DELIM", Value::String("\"")}}),
            "the CSV delimiter and quote character must differ (both are '\"')");
  EXPECT_EQ(error({{"DELIM", Value::String("\\")}, {"ESCAPE", Value::String("\\")}}),
            "the CSV delimiter and escape character must differ (both are '\\')");
  EXPECT_EQ(error({{"DELIM", Value::String("\n")}}),
            "the CSV delimiter, quote and escape characters cannot be '\\n' or '\\r'");
}

TEST_F(CsvTest, OpenRejectsBadArguments) {
  std::string path = File("x.csv", "1\n");
  Result<std::unique_ptr<CsvReader>> r = CsvReader::Open(fs_, {Path("missing.csv")}, {}, {T::kInt64}, {"a"});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("missing.csv"), std::string::npos);
  r = CsvReader::Open(fs_, {path}, {}, {T::kList}, {"a"});
  EXPECT_EQ(r.status().message(), "column 'a' of type LIST cannot be read from CSV");
  r = CsvReader::Open(fs_, {path}, {}, {T::kInt64}, {"a", "b"});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  r = CsvReader::Open(fs_, {}, {}, {T::kInt64}, {"a"});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  r = CsvReader::Open(fs_, {dir_}, {}, {T::kInt64}, {"a"});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  CsvOptions bad;
  bad.quote = ',';
  r = CsvReader::Open(fs_, {path}, bad, {T::kInt64}, {"a"});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

// --- Globs -------------------------------------------------------------------------

TEST_F(CsvTest, ExpandsGlobs) {
  for (const char* name : {"part-2.csv", "part-10.csv", "part-1.csv", "part-a.txt", ".part-3.csv", "other.csv"}) {
    File(name, "1\n");
  }
  ASSERT_OK(fs_->CreateDir(Path("part-dir.csv")));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> files, ExpandCsvPaths(fs_, {Path("part-*.csv")}));
  EXPECT_EQ(files, (std::vector<std::string>{Path("part-1.csv"), Path("part-10.csv"), Path("part-2.csv")}));
  ASSERT_OK_AND_ASSIGN(files, ExpandCsvPaths(fs_, {Path("part-?.csv")}));
  EXPECT_EQ(files, (std::vector<std::string>{Path("part-1.csv"), Path("part-2.csv")}));
  ASSERT_OK_AND_ASSIGN(files, ExpandCsvPaths(fs_, {Path("part-[2a].*")}));
  EXPECT_EQ(files, (std::vector<std::string>{Path("part-2.csv"), Path("part-a.txt")}));
  // Patterns keep their order; plain paths pass through; duplicates go.
  ASSERT_OK_AND_ASSIGN(files, ExpandCsvPaths(fs_, {Path("other.csv"), Path("part-1*.csv"), Path("part-1.csv")}));
  EXPECT_EQ(files, (std::vector<std::string>{Path("other.csv"), Path("part-1.csv"), Path("part-10.csv")}));
}

TEST_F(CsvTest, ExpandErrors) {
  File("a.csv", "1\n");
  Result<std::vector<std::string>> r = ExpandCsvPaths(fs_, {Path("a.csv"), Path("nope.csv")});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "no such file: '" + Path("nope.csv") + "'");
  r = ExpandCsvPaths(fs_, {Path("z*.csv")});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "no file matches '" + Path("z*.csv") + "'");
  r = ExpandCsvPaths(fs_, {Path("nodir/*.csv")});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "no file matches '" + Path("nodir/*.csv") + "': no directory '" + Path("nodir") + "'");
  r = ExpandCsvPaths(fs_, {dir_});
  EXPECT_EQ(r.status().message(), "'" + dir_ + "' is a directory, not a file");
  r = ExpandCsvPaths(fs_, {Path("*/a.csv")});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);  // '*' in a directory is taken literally
  r = ExpandCsvPaths(fs_, {Path("d*/*.csv")});
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  r = ExpandCsvPaths(fs_, {});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(CsvFaultInjectionTest, GlobsAndReadsThroughAnyFileSystem) {
  FaultInjectionFileSystem fs;
  ASSERT_OK(fs.WriteFileContents("k-1.csv", "1,2\n", true));
  ASSERT_OK(fs.WriteFileContents("k-2.csv", "3,\"4\"\n", true));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> files, ExpandCsvPaths(&fs, {"k-*.csv"}));
  EXPECT_EQ(files, (std::vector<std::string>{"k-1.csv", "k-2.csv"}));
  ASSERT_OK_AND_ASSIGN(ReadResult r, ReadFiles(&fs, files, {}, {T::kInt64, T::kInt64}));
  EXPECT_EQ(r.rows, (std::vector<std::vector<Value>>{Row({I(1), I(2)}), Row({I(3), I(4)})}));
}

TEST(CsvFaultInjectionTest, ReadErrorsSurface) {
  FaultInjectionFileSystem fs;
  std::string text;
  for (int i = 0; i < 5000; ++i) text += std::to_string(i) + "\n";
  ASSERT_OK(fs.WriteFileContents("n.csv", text, true));
  for (bool parallel : {false, true}) {
    for (uint64_t nth : {1, 3}) {
      CsvOptions options;
      options.parallel = parallel;
      options.block_bytes = 1000;
      fs.FailNthRead(nth);
      Result<ReadResult> r = ReadFiles(&fs, {"n.csv"}, options, {T::kInt64});
      EXPECT_EQ(r.status().code(), StatusCode::kIOError) << r.status().ToString();
      fs.ClearFaults();
    }
  }
}

TEST(CsvFaultInjectionTest, ParallelReaderReadsOnlyAFewBlocksAhead) {
  FaultInjectionFileSystem fs;
  std::string text;
  for (int i = 0; i < 50000; ++i) text += std::to_string(i) + "\n";
  ASSERT_OK(fs.WriteFileContents("n.csv", text, true));
  CsvOptions options;
  options.block_bytes = 1000;  // about 300 blocks
  fs.ResetCounters();
  ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::Open(&fs, {"n.csv"}, options, {T::kInt64}, {"n"}));
  CsvBatch batch;
  ASSERT_OK_AND_ASSIGN(bool more, reader->Next(&batch));
  ASSERT_TRUE(more);
  // Give the workers time to run ahead as far as they may.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_LE(fs.read_count(), 8u);
  int64_t next = static_cast<int64_t>(batch.num_rows());
  while (true) {
    ASSERT_OK_AND_ASSIGN(more, reader->Next(&batch));
    if (!more) break;
    for (const Value& v : batch.columns[0]) ASSERT_EQ(v.int_value(), next++);
  }
  EXPECT_EQ(next, 50000);
}

TEST(CsvFaultInjectionTest, WriterReportsDiskFullAndSyncs) {
  FaultInjectionFileSystem fs;
  ASSERT_OK_AND_ASSIGN(auto writer, CsvWriter::Create(&fs, "out.csv", {}));
  ASSERT_OK(writer->WriteRow({I(1), S("a")}));
  fs.SetDiskFull(true);
  Status s = writer->Finish();
  EXPECT_EQ(s.code(), StatusCode::kDiskFull);
  EXPECT_EQ(writer->WriteRow({I(2), S("b")}).code(), StatusCode::kDiskFull);  // sticky
  fs.SetDiskFull(false);

  fs.ResetCounters();
  ASSERT_OK_AND_ASSIGN(writer, CsvWriter::Create(&fs, "out2.csv", {}));
  ASSERT_OK(writer->WriteRow({I(1), S("a")}));
  ASSERT_OK(writer->Finish());
  EXPECT_EQ(fs.sync_count(), 1u);
  EXPECT_EQ(fs.sync_dir_count(), 1u);
  // What Finish synced survives a crash.
  fs.SimulateCrash();
  ASSERT_OK_AND_ASSIGN(std::string contents, fs.ReadFileContents("out2.csv"));
  EXPECT_EQ(contents, "1,a\n");
}

// --- Blocks and threads ---------------------------------------------------------------

// Random CSV text with many quoted newlines, doubled quotes and CRLFs.
std::string MessyCsv(size_t min_bytes, uint64_t seed, std::vector<std::vector<Value>>* rows) {
  std::mt19937_64 rng(seed);
  std::string text;
  int64_t id = 0;
  while (text.size() < min_bytes) {
    std::string s;
    const size_t len = rng() % 40;
    for (size_t i = 0; i < len; ++i) {
      const uint64_t k = rng() % 20;
      s += k == 0 ? '\n' : k == 1 ? '"' : k == 2 ? ',' : k == 3 ? '\r' : static_cast<char>('a' + k);
    }
    std::string quoted = "\"";
    for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += "\"";
    text += std::to_string(id) + "," + quoted + "," + (rng() % 5 == 0 ? "" : std::to_string(rng() % 1000));
    text += rng() % 3 == 0 ? "\r\n" : "\n";
    if (rng() % 50 == 0) text += "\n";
    if (rows != nullptr) rows->push_back({I(id), S(s)});
    ++id;
  }
  return text;
}

TEST_F(CsvTest, ParallelEqualsSerialOnLargeFileWithQuotedNewlines) {
  std::vector<std::vector<Value>> expected;
  const std::string text = MessyCsv(5 << 20, 7, &expected);
  std::string path = File("big.csv", text);
  std::vector<LogicalType> types = {T::kInt64, T::kString, T::kInt64};
  CsvOptions options;
  options.parallel = false;
  options.block_bytes = size_t{1} << 30;  // one block: no cut at all
  ASSERT_OK_AND_ASSIGN(ReadResult whole, ReadFiles(fs_, {path}, options, types));
  ASSERT_EQ(whole.rows.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(whole.rows[i][0], expected[i][0]) << i;
    ASSERT_EQ(whole.rows[i][1], expected[i][1]) << i;
  }
  // Batches are capped, so the whole file in one block still gives several.
  EXPECT_GT(whole.batch_sizes.size(), 1u);
  for (size_t block_bytes : {size_t{1} << 20, size_t{65536}, size_t{4099}, size_t{100}}) {
    for (bool parallel : {false, true}) {
      options.block_bytes = block_bytes;
      options.parallel = parallel;
      ASSERT_OK_AND_ASSIGN(ReadResult r, ReadFiles(fs_, {path}, options, types));
      ASSERT_EQ(r.rows.size(), whole.rows.size()) << block_bytes << " " << parallel;
      EXPECT_TRUE(r.rows == whole.rows) << block_bytes << " " << parallel;
      EXPECT_TRUE(r.lines == whole.lines) << block_bytes << " " << parallel;
      ASSERT_TRUE(r.skipped.empty());
    }
  }
  // Same cuts, same batches: parallel equals serial exactly.
  options.block_bytes = size_t{1} << 20;
  options.parallel = false;
  ASSERT_OK_AND_ASSIGN(ReadResult serial, ReadFiles(fs_, {path}, options, types));
  options.parallel = true;
  ASSERT_OK_AND_ASSIGN(ReadResult parallel, ReadFiles(fs_, {path}, options, types));
  EXPECT_TRUE(serial == parallel);
}

TEST_F(CsvTest, QuotedNewlinesRightAtBlockBoundaries) {
  // Records whose quoted newlines, quotes and CRLFs fall on every offset
  // around the 1 MiB block boundaries.
  std::string text;
  std::vector<std::vector<Value>> expected;
  int64_t id = 0;
  auto add = [&](const std::string& raw, const std::string& value) {
    text += std::to_string(id) + "," + raw + "\n";
    expected.push_back({I(id++), S(value)});
  };
  for (int block = 1; block <= 3; ++block) {
    const size_t boundary = static_cast<size_t>(block) << 20;
    while (text.size() + 200 < boundary) add("filler", "filler");
    while (text.size() < boundary + 200) {
      add("\"a\nb\"", "a\nb");
      add("\"\"\"\n\"\"\"", "\"\n\"");
      add("\"x\r\n\"\r", "x\r\n");
      add("\"\n\"", "\n");
    }
  }
  std::string path = File("edges.csv", text);
  for (bool parallel : {false, true}) {
    CsvOptions options;
    options.parallel = parallel;
    ASSERT_OK_AND_ASSIGN(ReadResult r, ReadFiles(fs_, {path}, options, {T::kInt64, T::kString}));
    ASSERT_EQ(r.rows.size(), expected.size());
    EXPECT_TRUE(r.rows == expected);
  }
}

// Random bytes from the CSV alphabet, valid or not, must give the same rows and
// skipped rows whatever the block size: the block cutter and the tokenizer
// agree on every record end.
TEST_F(CsvTest, BlockSizeNeverChangesTheResult) {
  std::mt19937_64 rng(42);
  const char alphabet[] = {'a', '1', ',', ',', '"', '"', '\n', '\n', '\r', '\\', ' '};
  for (int round = 0; round < 40; ++round) {
    std::string text;
    const size_t len = 1 + rng() % 400;
    for (size_t i = 0; i < len; ++i) text += alphabet[rng() % sizeof alphabet];
    std::string path = File("fuzz.csv", text);
    for (char escape : {'"', '\\'}) {
      CsvOptions options;
      options.escape = escape;
      options.ignore_errors = true;
      options.header = round % 4 == 0;
      options.skip = round % 3 == 0 ? 1 : 0;
      options.parallel = false;
      options.block_bytes = size_t{1} << 20;
      std::vector<LogicalType> types = {T::kString, T::kString};
      Result<ReadResult> whole = ReadFiles(fs_, {path}, options, types);
      for (size_t block_bytes : {1, 2, 3, 5, 8, 13, 64}) {
        for (bool parallel : {false, true}) {
          options.block_bytes = block_bytes;
          options.parallel = parallel;
          Result<ReadResult> r = ReadFiles(fs_, {path}, options, types);
          ASSERT_EQ(r.ok(), whole.ok()) << r.status().ToString() << " vs " << whole.status().ToString();
          if (!r.ok()) {
            EXPECT_EQ(r.status().ToString(), whole.status().ToString());
            continue;
          }
          // Batch sizes differ with the cut; rows, lines and skipped rows may not.
          EXPECT_TRUE(r->rows == whole->rows && r->lines == whole->lines) << "block " << block_bytes << "\n" << text;
          ASSERT_EQ(r->skipped.size(), whole->skipped.size()) << "block " << block_bytes << "\n" << text;
          for (size_t i = 0; i < r->skipped.size(); ++i) {
            EXPECT_EQ(r->skipped[i].reason, whole->skipped[i].reason) << "block " << block_bytes;
          }
        }
      }
    }
  }
}

TEST_F(CsvTest, RecordsLongerThanTheLimit) {
  CsvOptions options;
  options.block_bytes = 16;
  options.max_record_bytes = 64;
  const std::string long_field(100, 'x');
  ExpectError("1,a\n2," + long_field + "\n3,c\n", {T::kInt64, T::kString}, "2: record is longer than 64 bytes",
              options);
  // An unterminated quote does not read the rest of the file into memory.
  std::string tail;
  for (int i = 0; i < 50; ++i) tail += "y\n";
  ExpectError("1,a\n2,\"" + tail, {T::kInt64, T::kString}, "2:2: unterminated quoted field", options);
  options.ignore_errors = true;
  ASSERT_OK_AND_ASSIGN(ReadResult r, Read("1,a\n2," + long_field + "\n3,c\n4,\"" + tail, {T::kInt64, T::kString},
                                          options));
  EXPECT_EQ(r.rows, (std::vector<std::vector<Value>>{Row({I(1), S("a")}), Row({I(3), S("c")})}));
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{1, 3}));
  ASSERT_EQ(r.skipped.size(), 2u);
  EXPECT_EQ(r.skipped[0].reason, Path("t.csv") + ":2: record is longer than 64 bytes");
  EXPECT_EQ(r.skipped[1].reason, Path("t.csv") + ":4:2: unterminated quoted field");
}

TEST_F(CsvTest, ProgressAndBatchLimit) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += std::to_string(i) + "\n";
  std::string path = File("progress.csv", text);
  CsvOptions options;
  options.block_bytes = size_t{8} << 20;  // one block holding more than a batch
  ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::Open(fs_, {path}, options, {T::kInt64}, {"n"}));
  EXPECT_EQ(reader->total_bytes(), text.size());
  CsvBatch batch;
  int64_t next = 0;
  std::vector<size_t> sizes;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool more, reader->Next(&batch));
    if (!more) break;
    EXPECT_LE(reader->bytes_done(), reader->total_bytes());
    sizes.push_back(batch.num_rows());
    for (const Value& v : batch.columns[0]) ASSERT_EQ(v.int_value(), next++);
  }
  EXPECT_EQ(next, 200000);
  EXPECT_EQ(sizes, (std::vector<size_t>{65536, 65536, 65536, 200000 - 3 * 65536}));
  EXPECT_EQ(reader->bytes_done(), text.size());
}

TEST_F(CsvTest, StopsEarlyWithoutHanging) {
  // Destroying a parallel reader before the end must stop its workers.
  std::string path = File("early.csv", MessyCsv(3 << 20, 3, nullptr));
  CsvOptions options;
  options.block_bytes = 65536;
  ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::Open(fs_, {path}, options, {T::kInt64, T::kString, T::kInt64},
                                                    Names(3)));
  CsvBatch batch;
  ASSERT_OK_AND_ASSIGN(bool more, reader->Next(&batch));
  EXPECT_TRUE(more);
  reader.reset();
}

// --- Writer ---------------------------------------------------------------------------

Value RandomValue(LogicalType type, std::mt19937_64& rng) {
  if (rng() % 8 == 0) return Value::Null(type);
  switch (type) {
    case T::kInt64: {
      const uint64_t k = rng() % 10;
      if (k == 0) return I(std::numeric_limits<int64_t>::min());
      if (k == 1) return I(std::numeric_limits<int64_t>::max());
      return I(static_cast<int64_t>(rng()));
    }
    case T::kInt32: return Value::Int32(static_cast<int32_t>(rng()));
    case T::kInt16: return Value::Int16(static_cast<int16_t>(rng()));
    case T::kInt8: return Value::Int8(static_cast<int8_t>(rng()));
    case T::kDouble: {
      const uint64_t k = rng() % 10;
      if (k == 0) return Value::Double(std::numeric_limits<double>::infinity() * (rng() % 2 ? 1 : -1));
      if (k == 1) return Value::Double(std::numeric_limits<double>::denorm_min() * static_cast<double>(rng() % 100));
      if (k == 2) return Value::Double(std::nan(""));
      uint64_t bits = rng();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return Value::Double(d);
    }
    case T::kFloat: {
      uint32_t bits = static_cast<uint32_t>(rng());
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return Value::Float(f);
    }
    case T::kBool: return Value::Bool(rng() % 2 == 0);
    case T::kString: {
      static const std::vector<std::string> pieces = {"a", "b", ",", "|", "\"", "'", "\\", "\n", "\r", "\r\n", " ",
                                                      "\t", "\xc3\xa9", "x\"y"};
      std::string s;
      const size_t n = rng() % 6;
      for (size_t i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
      return S(s);
    }
    case T::kDate: {
      // Years 0001 to 9999, the range DATE text covers.
      const int64_t first = -719162, last = 2932896;
      return Value::Date(static_cast<int32_t>(first + static_cast<int64_t>(rng() % (last - first + 1))));
    }
    case T::kTimestamp: {
      const int64_t first = -62135596800LL * 1000000, last = 253402300799LL * 1000000 + 999999;
      return Value::Timestamp(first + static_cast<int64_t>(rng() % static_cast<uint64_t>(last - first + 1)));
    }
    default: return Value::Null(type);
  }
}

TEST_F(CsvTest, WriterRoundTripsRandomValues) {
  const std::vector<LogicalType> types = {T::kInt64, T::kInt32, T::kInt16,  T::kInt8, T::kDouble, T::kFloat,
                                          T::kBool,  T::kString, T::kDate, T::kTimestamp, T::kString};
  std::vector<CsvOptions> variants(4);
  variants[1].escape = '\\';
  variants[2].delimiter = '|';
  variants[2].quote = '\'';
  variants[2].escape = '\'';
  variants[3].delimiter = '\t';
  variants[3].escape = '\\';
  variants[3].header = true;
  std::mt19937_64 rng(1);
  int variant_index = 0;
  for (CsvOptions options : variants) {
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 3000; ++i) {
      std::vector<Value> row;
      for (LogicalType t : types) row.push_back(RandomValue(t, rng));
      rows.push_back(std::move(row));
    }
    rows.push_back({I(0), Value::Int32(0), Value::Int16(0), Value::Int8(0), Value::Double(-0.0), Value::Float(0),
                    Value::Bool(false), S(""), Value::Date(0), Value::Timestamp(-1), Null(T::kString)});
    std::string path = Path("round" + std::to_string(variant_index++) + ".csv");
    ASSERT_OK_AND_ASSIGN(auto writer, CsvWriter::Create(fs_, path, options));
    ASSERT_OK(writer->WriteHeader(Names(types.size())));
    for (const auto& row : rows) ASSERT_OK(writer->WriteRow(row));
    ASSERT_OK(writer->Finish());
    for (bool parallel : {false, true}) {
      options.parallel = parallel;
      options.block_bytes = 4096;
      ASSERT_OK_AND_ASSIGN(ReadResult r, ReadFiles(fs_, {path}, options, types));
      ASSERT_EQ(r.rows.size(), rows.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        for (size_t c = 0; c < types.size(); ++c) {
          ASSERT_EQ(r.rows[i][c], rows[i][c])
              << "row " << i << " column " << c << ": [" << rows[i][c].ToString() << "] read back as ["
              << r.rows[i][c].ToString() << "]";
        }
      }
    }
  }
}

TEST_F(CsvTest, WriterFormat) {
  std::string path = Path("format.csv");
  CsvOptions options;
  options.header = true;
  ASSERT_OK_AND_ASSIGN(auto writer, CsvWriter::Create(fs_, path, options));
  ASSERT_OK(writer->WriteHeader({"id", "na,me", "when"}));
  ASSERT_OK(writer->WriteRow({I(1), S("plain"), Value::Date(0)}));
  ASSERT_OK(writer->WriteRow({I(-2), S("a,\"b\"\n"), Value::Timestamp(1500000)}));
  ASSERT_OK(writer->WriteRow({Null(T::kInt64), S(""), Null(T::kDate)}));
  ASSERT_OK(writer->WriteRow({Value::Double(0.1), Value::Bool(true), Value::List({I(1), I(2)})}));
  EXPECT_EQ(writer->WriteRow({I(1)}).code(), StatusCode::kInvalidArgument);  // wrong width
  EXPECT_EQ(writer->WriteHeader({"late"}).code(), StatusCode::kInvalidArgument);
  ASSERT_OK(writer->Finish());
  ASSERT_OK(writer->Finish());
  EXPECT_EQ(writer->WriteRow({I(1), I(2), I(3)}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Contents(path),
            "id,\"na,me\",when\n"
            "1,plain,1970-01-01\n"
            "-2,\"a,\"\"b\"\"\n\",1970-01-01 00:00:01.500000\n"
            ",\"\",\n"
            "0.1,true,\"[1,2]\"\n");
  // Without the header option, WriteHeader writes nothing; a one-column NULL
  // row is an empty line (which readers skip).
  ASSERT_OK_AND_ASSIGN(writer, CsvWriter::Create(fs_, path, {}));
  ASSERT_OK(writer->WriteHeader({"id"}));
  ASSERT_OK(writer->WriteRow({S("x")}));
  ASSERT_OK(writer->WriteRow({Null(T::kString)}));
  ASSERT_OK(writer->WriteRow({S("")}));
  ASSERT_OK(writer->Finish());
  EXPECT_EQ(Contents(path), "x\n\n\"\"\n");
}

}  // namespace
}  // namespace ruzu::query

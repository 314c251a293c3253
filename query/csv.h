// CSV reading and writing for COPY FROM / COPY TO, with KuzuDB's CSV rules:
//
// - A record ends at '\n' ("\r\n" too: the '\r' is dropped); the last record
//   may lack a newline. Completely empty lines are skipped.
// - Fields are separated by the delimiter. A field that starts with the quote
//   character is quoted: inside it the delimiter and newlines are literal and
//   `escape quote` is a literal quote (`""` with the default escape). With an
//   escape other than the quote, `escape escape` is a literal escape too. The
//   closing quote must be followed by the delimiter or the end of the line.
//   A quote inside an unquoted field is literal. Whitespace is kept.
// - An empty unquoted field is NULL; a quoted empty field ("") is the empty
//   STRING (NULL for other types).
// - Values parse to INT64/32/16/8 (range-checked), DOUBLE/FLOAT (inf/nan
//   accepted), BOOL (true/false in any case), STRING, DATE (YYYY-MM-DD) and
//   TIMESTAMP (YYYY-MM-DD hh:mm:ss[.ffffff], 'T' and 'Z' accepted).
//
// Errors name the file, the 1-based line where the record starts, the 1-based
// field number and the value: `persons.csv:12:3: cannot convert "abc" to INT64
// for column 'age'`.
#ifndef RUZU_QUERY_CSV_H_
#define RUZU_QUERY_CSV_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "storage/file_system.h"

namespace ruzu::query {

struct CsvOptions {
  // The first record of each file is a header: not data, but its width must
  // match the columns (an error even with ignore_errors). KuzuDB's default is
  // no header.
  bool header = false;
  char delimiter = ',';
  char quote = '"';
  char escape = '"';    // inside quotes, escape + quote is a literal quote
  uint64_t skip = 0;    // records (not empty lines) to skip at the start of each file, after the header
  bool ignore_errors = false;  // drop bad rows into CsvBatch::skipped instead of failing
  bool parallel = true;        // parse on two worker threads

  // Tuning knobs, not settable from COPY. The reader cuts files into blocks
  // of about `block_bytes` at record boundaries; a record longer than
  // `max_record_bytes` is an error (this bounds memory when a quote is never
  // closed).
  size_t block_bytes = size_t{1} << 20;
  size_t max_record_bytes = size_t{64} << 20;
};

// Checks that the delimiter, quote and escape can work together (the
// delimiter differs from the quote and the escape; none is '\n' or '\r').
Status ValidateCsvOptions(const CsvOptions& options);

// The options of `COPY ... FROM 'f' (HEADER=true, DELIM='|', ...)`, names in
// any case: HEADER (BOOL), DELIM or DELIMITER, QUOTE, ESCAPE (one-character
// STRING; a two-character backslash escape such as `\t` is accepted too),
// SKIP (integer >= 0), IGNORE_ERRORS (BOOL), PARALLEL (BOOL). An unknown,
// repeated or ill-typed option is InvalidArgument naming it.
Result<CsvOptions> CsvOptionsFrom(const std::vector<std::pair<std::string, Value>>& options);

// Expands paths and glob patterns ('*', '?', '[...]' in the file-name part
// only) into regular files through FileSystem::List and fnmatch. Each
// pattern's matches are sorted; patterns keep their order; a file named twice
// is kept once. A missing file or a pattern without matches is NotFound
// naming it.
Result<std::vector<std::string>> ExpandCsvPaths(FileSystem* fs, const std::vector<std::string>& patterns);

// A row dropped because of CsvOptions::ignore_errors.
struct CsvSkippedRow {
  std::string file;
  uint64_t line = 0;    // 1-based line where the record starts
  uint32_t column = 0;  // 1-based field number; 0 when the whole record is at fault
  std::string reason;   // the full message, as the error would have been
};

// Rows of one file, column by column. A batch may hold only skipped rows.
struct CsvBatch {
  std::vector<std::vector<Value>> columns;  // one vector per column, typed or NULL
  std::vector<uint64_t> lines;              // 1-based line where each row starts
  size_t file_index = 0;                    // index into the reader's files
  std::vector<CsvSkippedRow> skipped;       // in file order

  size_t num_rows() const { return lines.size(); }
};

// Reads CSV files in order into typed columns. With options.parallel, two
// worker threads split and parse blocks ahead of Next() (a few blocks at most
// are in memory); the batches are the same either way. Not thread-safe: one
// thread calls Next().
class CsvReader {
 public:
  // column_types (storable types only) and column_names (for messages) give
  // the columns every record must have, in order. Files are read through `fs`,
  // which must outlive the reader.
  static Result<std::unique_ptr<CsvReader>> Open(FileSystem* fs, std::vector<std::string> files,
                                                 CsvOptions options, std::vector<LogicalType> column_types,
                                                 std::vector<std::string> column_names);
  ~CsvReader();

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Replaces *batch with the next rows in file order (at most 65536 of them);
  // false at the end. The first error (without ignore_errors) is returned by
  // this and every later call.
  Result<bool> Next(CsvBatch* batch);

  const std::vector<std::string>& files() const;
  uint64_t total_bytes() const;  // sum of the files' sizes at Open
  uint64_t bytes_done() const;   // bytes behind the batches returned so far; any thread may ask

 private:
  struct Impl;
  explicit CsvReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes CSV that CsvReader reads back to identical values, except that a
// one-column row holding NULL becomes an empty line, which readers skip.
// Strings are quoted when they are empty or hold the delimiter, quote, escape,
// '\n' or '\r'; NULL is an empty field. Nodes, relationships and lists are
// written with Value::ToString() and do not read back.
class CsvWriter {
 public:
  // Creates or truncates `path`.
  static Result<std::unique_ptr<CsvWriter>> Create(FileSystem* fs, const std::string& path, CsvOptions options);

  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  // Writes the header line when options.header is set; otherwise does
  // nothing. Must come before the first row.
  Status WriteHeader(const std::vector<std::string>& names);
  // Every row must have as many values as the first.
  Status WriteRow(const std::vector<Value>& row);
  // Flushes, syncs the file and its directory, and closes it. The file is
  // complete only after Finish returns OK. After an error every call returns it.
  Status Finish();

 private:
  CsvWriter(FileSystem* fs, std::string path, std::unique_ptr<File> file, CsvOptions options);
  void AppendField(std::string_view text, bool force_quotes);
  void AppendValue(const Value& value);
  Status FlushBuffer();

  FileSystem* fs_;
  std::string path_;
  std::unique_ptr<File> file_;
  CsvOptions options_;
  std::string buffer_;
  uint64_t file_offset_ = 0;
  size_t row_width_ = 0;  // 0 until the first row
  bool wrote_line_ = false;
  bool finished_ = false;
  Status status_;  // the first error, sticky
};

}  // namespace ruzu::query

#endif  // RUZU_QUERY_CSV_H_

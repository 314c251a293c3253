// Printing query results in the shell's output modes.
//
//   box       aligned table with column names and types (KuzuDB's shell
//             style); numbers align right, a value with line breaks takes
//             several lines, other control characters show as \t, \x01
//   csv       RFC 4180: header line, fields quoted when they hold , " CR or LF;
//             NULL is an empty field, the empty string is ""
//   tsv       header line, tab-separated; \t \n \r and \ escaped with a backslash
//   json      one array of objects per result, one object per line
//   markdown  GitHub table; | escaped as \|, line breaks as <br>
//   list      one row per line, values separated by |, no header and no
//             escaping (as sqlite3's list mode)
// Values print as Value::ToString() does (KuzuDB's forms); NULL prints empty.
#ifndef RUZU_TOOLS_SHELL_FORMAT_H_
#define RUZU_TOOLS_SHELL_FORMAT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/types.h"
#include "tools/shell/executor.h"

namespace ruzu {
namespace shell {

enum class OutputMode { kBox, kCsv, kTsv, kJson, kMarkdown, kList };

// "box", "csv", ... (lower case).
const char* OutputModeName(OutputMode mode);
// Parses a mode name case-insensitively; nullopt when unknown.
std::optional<OutputMode> ParseOutputMode(std::string_view name);
// "box|csv|tsv|json|markdown|list", for messages.
const char* OutputModeNames();

// The result's rows (and header, per mode), each line ending in '\n'. Box
// mode prints nothing for a result without columns.
std::string FormatResult(const ResultTable& result, OutputMode mode);

// Columns a terminal uses for UTF-8 `text`: East Asian wide and fullwidth
// characters and emoji count 2, combining marks and zero-width characters 0,
// other characters (and each invalid byte) 1.
size_t DisplayWidth(std::string_view text);

// A value as JSON: numbers and booleans bare, NULL as null, lists as arrays,
// nodes and relationships as objects, everything else as a string.
std::string ValueToJson(const Value& value);

// One line of a progress bar for a long import, `width` columns wide at
// most: "[=======>            ]  35%  1,234,567 rows  812,345 rows/s".
std::string ProgressLine(uint64_t bytes_done, uint64_t bytes_total, uint64_t rows, double seconds, size_t width);

}  // namespace shell
}  // namespace ruzu

#endif  // RUZU_TOOLS_SHELL_FORMAT_H_

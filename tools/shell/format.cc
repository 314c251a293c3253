#include "tools/shell/format.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace ruzu {
namespace shell {
namespace {

// Decodes one UTF-8 character at text[i]. Returns its length in bytes (>= 1)
// and stores the code point, or -1 for an invalid byte (length 1).
size_t DecodeUtf8(std::string_view text, size_t i, int32_t* cp) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  size_t len = 0;
  int32_t value = 0;
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    value = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    value = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    value = b0 & 0x07;
  } else {
    *cp = -1;
    return 1;
  }
  if (i + len > text.size()) {
    *cp = -1;
    return 1;
  }
  for (size_t k = 1; k < len; k++) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) {
      *cp = -1;
      return 1;
    }
    value = (value << 6) | (b & 0x3F);
  }
  static const int32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kMin[len] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    *cp = -1;
    return 1;
  }
  *cp = value;
  return len;
}

bool InRanges(int32_t cp, const int32_t (*ranges)[2], size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (cp >= ranges[i][0] && cp <= ranges[i][1]) return true;
  }
  return false;
}

int CharWidth(int32_t cp) {
  static const int32_t kZero[][2] = {
      {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
      {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
      {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
      {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
  };
  static const int32_t kWide[][2] = {
      {0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0},
      {0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267F, 0x267F},
      {0x2693, 0x2693}, {0x26A1, 0x26A1}, {0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5},
      {0x26CE, 0x26CE}, {0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
      {0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728},
      {0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
      {0x27B0, 0x27B0}, {0x27BF, 0x27BF}, {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55},
      {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
      {0xA960, 0xA97F}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE6F},
      {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x16FE0, 0x16FE4}, {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF},
      {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
      {0x1F200, 0x1F251}, {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB},
      {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
  };
  if (cp < 0) return 1;
  if (cp < 0x300) return 1;
  if (InRanges(cp, kZero, sizeof kZero / sizeof kZero[0])) return 0;
  if (InRanges(cp, kWide, sizeof kWide / sizeof kWide[0])) return 2;
  return 1;
}

bool IsNumeric(LogicalType type) {
  switch (type) {
    case LogicalType::kInt64:
    case LogicalType::kInt32:
    case LogicalType::kInt16:
    case LogicalType::kInt8:
    case LogicalType::kDouble:
    case LogicalType::kFloat:
      return true;
    default:
      return false;
  }
}

// Control characters other than line breaks as visible escapes, so each
// line of a value stays one line of the table.
std::string EscapeControls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// The lines of a value (split at "\n" and "\r\n"), escaped for display.
std::vector<std::string> DisplayLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t end = text.find('\n', start);
    std::string_view line = std::string_view(text).substr(start, end == std::string::npos ? end : end - start);
    if (!line.empty() && line.back() == '\r' && end != std::string::npos) line.remove_suffix(1);
    lines.push_back(EscapeControls(line));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

void Pad(std::string* out, size_t n) { out->append(n, ' '); }

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; i++) out += s;
  return out;
}

std::string FormatBox(const ResultTable& result) {
  const size_t ncols = result.names.size();
  if (ncols == 0) return "";
  using Cell = std::vector<std::string>;  // one entry per line
  std::vector<Cell> names(ncols), types(ncols);
  std::vector<std::vector<Cell>> cells(result.rows.size(), std::vector<Cell>(ncols, Cell{""}));
  std::vector<size_t> width(ncols, 0);
  auto widen = [&](size_t c, const Cell& cell) {
    for (const auto& line : cell) width[c] = std::max(width[c], DisplayWidth(line));
  };
  for (size_t c = 0; c < ncols; c++) {
    names[c] = DisplayLines(result.names[c]);
    types[c] = Cell{c < result.types.size() ? LogicalTypeName(result.types[c]) : ""};
    widen(c, names[c]);
    widen(c, types[c]);
  }
  for (size_t r = 0; r < result.rows.size(); r++) {
    for (size_t c = 0; c < ncols && c < result.rows[r].size(); c++) {
      cells[r][c] = DisplayLines(result.rows[r][c].ToString());
      widen(c, cells[r][c]);
    }
  }
  auto rule = [&](const char* left, const char* mid, const char* right) {
    std::string line = left;
    for (size_t c = 0; c < ncols; c++) {
      if (c > 0) line += mid;
      line += Repeat("─", width[c] + 2);
    }
    return line + right + "\n";
  };
  auto row = [&](const std::vector<Cell>& values, bool align_numbers) {
    size_t height = 1;
    for (const auto& cell : values) height = std::max(height, cell.size());
    std::string lines;
    for (size_t k = 0; k < height; k++) {
      lines += "│";
      for (size_t c = 0; c < ncols; c++) {
        const std::string& text = k < values[c].size() ? values[c][k] : "";
        const size_t fill = width[c] - DisplayWidth(text);
        const bool right = align_numbers && c < result.types.size() && IsNumeric(result.types[c]);
        lines += " ";
        if (right) Pad(&lines, fill);
        lines += text;
        if (!right) Pad(&lines, fill);
        lines += " │";
      }
      lines += "\n";
    }
    return lines;
  };
  std::string out = rule("┌", "┬", "┐");
  out += row(names, false);
  out += row(types, false);
  if (!cells.empty()) {
    out += rule("├", "┼", "┤");
    for (const auto& r : cells) out += row(r, true);
  }
  out += rule("└", "┴", "┘");
  return out;
}

std::string CsvField(const Value& v) {
  if (v.is_null()) return "";
  std::string s = v.ToString();
  if (s.empty()) return "\"\"";
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvName(const std::string& name) {
  return CsvField(Value::String(name));
}

std::string TsvEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out += c;
    }
  }
  return out;
}

std::string MarkdownEscape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    const char c = s[i];
    if (c == '|') {
      out += "\\|";
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      continue;
    } else if (c == '\n' || c == '\r') {
      out += "<br>";
    } else {
      out += c;
    }
  }
  return out;
}

void AppendJsonString(std::string_view s, std::string* out) {
  *out += '"';
  for (size_t i = 0; i < s.size();) {
    int32_t cp;
    const size_t len = DecodeUtf8(s, i, &cp);
    if (cp < 0) {
      *out += "\\ufffd";
    } else if (cp == '"') {
      *out += "\\\"";
    } else if (cp == '\\') {
      *out += "\\\\";
    } else if (cp == '\n') {
      *out += "\\n";
    } else if (cp == '\r') {
      *out += "\\r";
    } else if (cp == '\t') {
      *out += "\\t";
    } else if (cp == '\b') {
      *out += "\\b";
    } else if (cp == '\f') {
      *out += "\\f";
    } else if (cp < 0x20 || cp == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      *out += buf;
    } else {
      out->append(s.substr(i, len));
    }
    i += len;
  }
  *out += '"';
}

void AppendJsonValue(const Value& v, std::string* out);

void AppendJsonProperties(const std::vector<std::pair<std::string, Value>>& properties, std::string* out) {
  for (const auto& [name, value] : properties) {
    *out += ',';
    AppendJsonString(name, out);
    *out += ':';
    AppendJsonValue(value, out);
  }
}

std::string IdString(uint32_t table, uint64_t offset) {
  return std::to_string(table) + ":" + std::to_string(offset);
}

void AppendJsonList(const std::vector<Value>& items, std::string* out) {
  *out += '[';
  for (size_t i = 0; i < items.size(); i++) {
    if (i > 0) *out += ',';
    AppendJsonValue(items[i], out);
  }
  *out += ']';
}

void AppendJsonValue(const Value& v, std::string* out) {
  if (v.is_null()) {
    *out += "null";
    return;
  }
  switch (v.type()) {
    case LogicalType::kInt64:
    case LogicalType::kInt32:
    case LogicalType::kInt16:
    case LogicalType::kInt8:
      *out += std::to_string(v.int_value());
      return;
    case LogicalType::kDouble:
    case LogicalType::kFloat:
      // JSON has no NaN or infinity.
      *out += std::isfinite(v.double_value()) ? v.ToString() : "null";
      return;
    case LogicalType::kBool:
      *out += v.bool_value() ? "true" : "false";
      return;
    case LogicalType::kList:
      AppendJsonList(v.list_items(), out);
      return;
    case LogicalType::kRecursiveRel:
      *out += "{\"_NODES\":";
      AppendJsonList(v.path_nodes(), out);
      *out += ",\"_RELS\":";
      AppendJsonList(v.path_rels(), out);
      *out += '}';
      return;
    case LogicalType::kNode: {
      const NodeValue& n = v.node_value();
      *out += "{\"_ID\":";
      AppendJsonString(IdString(n.table, n.offset), out);
      *out += ",\"_LABEL\":";
      AppendJsonString(n.label, out);
      AppendJsonProperties(n.properties, out);
      *out += '}';
      return;
    }
    case LogicalType::kRel: {
      const RelValue& r = v.rel_value();
      *out += "{\"_SRC\":";
      AppendJsonString(IdString(r.src_table, r.src_offset), out);
      *out += ",\"_DST\":";
      AppendJsonString(IdString(r.dst_table, r.dst_offset), out);
      *out += ",\"_LABEL\":";
      AppendJsonString(r.label, out);
      *out += ",\"_ID\":";
      AppendJsonString(IdString(r.table, r.id), out);
      AppendJsonProperties(r.properties, out);
      *out += '}';
      return;
    }
    default:
      AppendJsonString(v.ToString(), out);
      return;
  }
}

std::string FormatJson(const ResultTable& result) {
  if (result.rows.empty()) return "[]\n";
  std::string out = "[\n";
  for (size_t r = 0; r < result.rows.size(); r++) {
    out += '{';
    for (size_t c = 0; c < result.names.size() && c < result.rows[r].size(); c++) {
      if (c > 0) out += ',';
      AppendJsonString(result.names[c], &out);
      out += ':';
      AppendJsonValue(result.rows[r][c], &out);
    }
    out += r + 1 < result.rows.size() ? "},\n" : "}\n";
  }
  return out + "]\n";
}

std::string FormatMarkdown(const ResultTable& result) {
  const size_t ncols = result.names.size();
  if (ncols == 0) return "";
  std::string out = "|";
  for (const auto& name : result.names) out += " " + MarkdownEscape(name) + " |";
  out += "\n|";
  for (size_t c = 0; c < ncols; c++) {
    out += c < result.types.size() && IsNumeric(result.types[c]) ? " ---: |" : " --- |";
  }
  out += "\n";
  for (const auto& row : result.rows) {
    out += "|";
    for (size_t c = 0; c < ncols && c < row.size(); c++) out += " " + MarkdownEscape(row[c].ToString()) + " |";
    out += "\n";
  }
  return out;
}

std::string FormatSeparated(const ResultTable& result, OutputMode mode) {
  const size_t ncols = result.names.size();
  if (ncols == 0) return "";
  std::string out;
  const char sep = mode == OutputMode::kCsv ? ',' : mode == OutputMode::kTsv ? '\t' : '|';
  if (mode != OutputMode::kList) {
    for (size_t c = 0; c < ncols; c++) {
      if (c > 0) out += sep;
      out += mode == OutputMode::kCsv ? CsvName(result.names[c]) : TsvEscape(result.names[c]);
    }
    out += '\n';
  }
  for (const auto& row : result.rows) {
    for (size_t c = 0; c < ncols && c < row.size(); c++) {
      if (c > 0) out += sep;
      switch (mode) {
        case OutputMode::kCsv: out += CsvField(row[c]); break;
        case OutputMode::kTsv: out += TsvEscape(row[c].ToString()); break;
        default: out += row[c].ToString(); break;
      }
    }
    out += '\n';
  }
  return out;
}

}  // namespace

const char* OutputModeName(OutputMode mode) {
  switch (mode) {
    case OutputMode::kBox: return "box";
    case OutputMode::kCsv: return "csv";
    case OutputMode::kTsv: return "tsv";
    case OutputMode::kJson: return "json";
    case OutputMode::kMarkdown: return "markdown";
    case OutputMode::kList: return "list";
  }
  return "box";
}

const char* OutputModeNames() { return "box|csv|tsv|json|markdown|list"; }

std::optional<OutputMode> ParseOutputMode(std::string_view name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (OutputMode m : {OutputMode::kBox, OutputMode::kCsv, OutputMode::kTsv, OutputMode::kJson,
                       OutputMode::kMarkdown, OutputMode::kList}) {
    if (lower == OutputModeName(m)) return m;
  }
  return std::nullopt;
}

std::string FormatResult(const ResultTable& result, OutputMode mode) {
  switch (mode) {
    case OutputMode::kBox: return FormatBox(result);
    case OutputMode::kJson: return FormatJson(result);
    case OutputMode::kMarkdown: return FormatMarkdown(result);
    default: return FormatSeparated(result, mode);
  }
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    int32_t cp;
    i += DecodeUtf8(text, i, &cp);
    width += CharWidth(cp);
  }
  return width;
}

std::string ValueToJson(const Value& value) {
  std::string out;
  AppendJsonValue(value, &out);
  return out;
}

namespace {

// 1234567 -> "1,234,567".
std::string WithThousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); i++) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string ProgressLine(uint64_t bytes_done, uint64_t bytes_total, uint64_t rows, double seconds, size_t width) {
  const double fraction = bytes_total == 0 ? 1.0 : std::min(1.0, static_cast<double>(bytes_done) / bytes_total);
  const uint64_t rate = seconds > 0 ? static_cast<uint64_t>(rows / seconds) : 0;
  char percent[8];
  std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(fraction * 100));
  const std::string tail = std::string(" ") + percent + "  " + WithThousands(rows) + " rows  " + WithThousands(rate) +
                           " rows/s";
  if (width <= tail.size() + 4) return tail.substr(1);
  const size_t bar = std::min<size_t>(40, width - tail.size() - 2);
  const size_t filled = static_cast<size_t>(fraction * bar);
  std::string out = "[";
  for (size_t i = 0; i < bar; i++) out += i < filled ? '=' : (i == filled ? '>' : ' ');
  return out + "]" + tail;
}

}  // namespace shell
}  // namespace ruzu

#include "tools/shell/shell.h"

#include <chrono>
#include <cstdio>
#include <vector>

namespace ruzu {
namespace shell {
namespace {

bool IsPlainName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); i++) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

std::string QuoteName(const std::string& name) {
  if (IsPlainName(name)) return name;
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) i++;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t') j++;
    if (j > i) words.push_back(text.substr(i, j - i));
    i = j;
  }
  return words;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string FormatElapsed(double ms) {
  char buf[32];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%.1f ms", ms);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f s", ms / 1000);
  }
  return buf;
}

Shell::Shell(Executor* executor, ShellOptions options, std::ostream* out, std::ostream* err)
    : executor_(executor), options_(options), out_(out), err_(err) {}

void Shell::ProcessLine(std::string_view line) {
  if (done_) return;
  if (!splitter_.HasPending() && IsCommandLine(line)) {
    // Count the line, so later statements report the right line numbers.
    (void)splitter_.Add("\n");
    RunCommand(TrimWhitespace(line));
    return;
  }
  std::string text(line);
  text += '\n';
  for (const Statement& s : splitter_.Add(text)) {
    if (done_) break;
    RunStatement(s);
  }
}

void Shell::RunScript(std::string_view text) {
  size_t start = 0;
  while (start < text.size() && !done_) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ProcessLine(line);
    start = end + 1;
  }
  Finish();
}

void Shell::Finish() {
  for (const Statement& s : splitter_.Finish()) {
    if (done_) break;
    RunStatement(s);
  }
}

void Shell::Fail(const std::string& message, size_t line) {
  failed_ = true;
  if (options_.interactive || line == 0) {
    *err_ << "Error: " << message << "\n";
  } else {
    *err_ << "Error near line " << line << ": " << message << "\n";
  }
  err_->flush();
  if (options_.bail) done_ = true;
}

void Shell::RunStatement(const Statement& statement) {
  if (options_.stop != nullptr && *options_.stop) {
    done_ = true;
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<ResultTable>> result = executor_->Run(statement.text);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!result.ok()) {
    out_->flush();
    // "Parser error at line 1, column 8: ..." says what it is; the status
    // code in front of it would only repeat that.
    const std::string& message = result.status().message();
    const bool self_describing = message.rfind("Parser error", 0) == 0 || message.rfind("Binder error", 0) == 0 ||
                                 message.rfind("Runtime error", 0) == 0;
    Fail(self_describing ? message : result.status().ToString(), statement.first_line);
    return;
  }
  const std::string elapsed = FormatElapsed(ms);
  for (const ResultTable& table : *result) {
    *out_ << FormatResult(table, options_.mode);
    if (options_.mode == OutputMode::kBox) {
      if (table.names.empty()) {
        *out_ << (options_.timer ? "OK (" + elapsed + ")\n" : "OK\n");
      } else {
        const size_t n = table.rows.size();
        *out_ << "(" << n << (n == 1 ? " row" : " rows");
        if (options_.timer) *out_ << ", " << elapsed;
        *out_ << ")\n";
      }
    }
  }
  out_->flush();
  if (options_.timer && options_.mode != OutputMode::kBox) {
    *err_ << "Time: " << elapsed << "\n";
    err_->flush();
  }
}

void Shell::RunCommand(std::string_view line) {
  // Tolerate a ';' after a command (":quit;").
  while (!line.empty() && (line.back() == ';' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  std::vector<std::string_view> words = SplitWords(line.substr(1));
  const std::string name = words.empty() ? "" : Lower(words[0]);
  const size_t nargs = words.empty() ? 0 : words.size() - 1;
  const size_t line_no = splitter_.lines();
  if (name == "help" || name == "h" || name == "?") {
    *out_ << HelpText();
  } else if (name == "quit" || name == "q" || name == "exit") {
    done_ = true;
  } else if (name == "timer") {
    const std::string arg = nargs == 1 ? Lower(words[1]) : "";
    if (nargs == 0) {
      *out_ << "timer " << (options_.timer ? "on" : "off") << "\n";
    } else if (arg == "on" || arg == "off") {
      options_.timer = arg == "on";
    } else {
      Fail("usage: :timer on|off", line_no);
    }
  } else if (name == "mode") {
    if (nargs == 0) {
      *out_ << "mode " << OutputModeName(options_.mode) << "\n";
    } else if (auto mode = nargs == 1 ? ParseOutputMode(words[1]) : std::nullopt; mode.has_value()) {
      options_.mode = *mode;
    } else {
      Fail(std::string("usage: :mode ") + OutputModeNames(), line_no);
    }
  } else if (name == "schema") {
    if (nargs != 0) {
      Fail("usage: :schema", line_no);
    } else {
      *out_ << SchemaText(executor_->CatalogSnapshot());
    }
  } else {
    Fail("unknown command :" + std::string(words.empty() ? "" : words[0]) + " (:help lists the commands)",
         line_no);
  }
  out_->flush();
}

std::string Shell::HelpText() {
  return "Enter Cypher statements ending with ';' (they may span several lines).\n"
         "Commands:\n"
         "  :help                 this text\n"
         "  :quit                 leave the shell (also Ctrl-D)\n"
         "  :timer on|off         print each statement's elapsed time\n"
         "  :mode MODE            output mode: box (default), csv, tsv, json, markdown, list\n"
         "  :schema               the tables and their properties\n"
         "Ctrl-C cancels the running statement, or the statement being typed.\n"
         "Cypher reference: docs/CYPHER.md\n";
}

std::string Shell::SchemaText(const Catalog& catalog) {
  std::string out;
  for (const TableSchema* t : catalog.Tables()) {
    std::vector<std::string> parts;
    if (t->is_rel()) {
      const TableSchema* from = catalog.GetTable(t->from_table);
      const TableSchema* to = catalog.GetTable(t->to_table);
      parts.push_back("FROM " + (from ? QuoteName(from->name) : "?") + " TO " + (to ? QuoteName(to->name) : "?"));
    }
    for (const PropertyDef& p : t->properties) parts.push_back(QuoteName(p.name) + " " + LogicalTypeName(p.type));
    if (t->is_node() && t->primary_key < t->properties.size()) {
      parts.push_back("PRIMARY KEY(" + QuoteName(t->properties[t->primary_key].name) + ")");
    }
    out += std::string(t->is_rel() ? "CREATE REL TABLE " : "CREATE NODE TABLE ") + QuoteName(t->name) + "(";
    for (size_t i = 0; i < parts.size(); i++) out += (i > 0 ? ", " : "") + parts[i];
    out += ");\n";
  }
  if (out.empty()) out = "(no tables)\n";
  return out;
}

}  // namespace shell
}  // namespace ruzu

// Splits Cypher input into statements at ';', fed piece by piece (a line at
// a time in the interactive shell). A ';' inside a string literal ('...' or
// "..." with backslash escapes), a backtick-quoted name (`` escapes a
// backtick) or a comment (// to end of line, /* ... */) does not end a
// statement.
#ifndef RUZU_TOOLS_SHELL_SPLITTER_H_
#define RUZU_TOOLS_SHELL_SPLITTER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ruzu {
namespace shell {

struct Statement {
  std::string text;       // without the ';', trimmed of surrounding whitespace
  size_t first_line = 1;  // 1-based input line where the statement's text starts
};

class StatementSplitter {
 public:
  // Appends `text` and returns the statements it completes. Statements with
  // nothing but whitespace and comments are dropped.
  std::vector<Statement> Add(std::string_view text);

  // Ends the input: returns the unterminated rest as a statement (when it
  // holds more than whitespace and comments) and resets.
  std::vector<Statement> Finish();

  // Drops the pending text (Ctrl-C at the prompt); keeps the line count.
  void Clear();

  // Whether pending text holds something besides whitespace and comments,
  // or an open string, name or comment.
  bool HasPending() const;

  // Input lines consumed so far (the number of '\n' seen).
  size_t lines() const { return newlines_; }

 private:
  enum class State { kNormal, kSingle, kDouble, kBacktick, kLineComment, kBlockComment };

  void Emit(size_t end, std::vector<Statement>* out);

  std::string buffer_;
  size_t scanned_ = 0;        // bytes of buffer_ already scanned
  State state_ = State::kNormal;
  bool escape_ = false;       // previous char was '\' inside a string
  bool has_content_ = false;  // buffer_ holds something besides space/comments
  size_t content_line_ = 1;   // line of the first content character
  size_t newlines_ = 0;
};

// Whether `line`, trimmed, is a shell command (starts with ':').
bool IsCommandLine(std::string_view line);

// `text` without leading and trailing ASCII whitespace.
std::string_view TrimWhitespace(std::string_view text);

}  // namespace shell
}  // namespace ruzu

#endif  // RUZU_TOOLS_SHELL_SPLITTER_H_

#include "tools/shell/splitter.h"

namespace ruzu {
namespace shell {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

std::string_view TrimWhitespace(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && IsSpace(text[b])) b++;
  while (e > b && IsSpace(text[e - 1])) e--;
  return text.substr(b, e - b);
}

bool IsCommandLine(std::string_view line) {
  std::string_view t = TrimWhitespace(line);
  return !t.empty() && t[0] == ':';
}

std::vector<Statement> StatementSplitter::Add(std::string_view text) {
  std::vector<Statement> out;
  buffer_.append(text);
  while (scanned_ < buffer_.size()) {
    const size_t i = scanned_++;
    const char c = buffer_[i];
    const char next = i + 1 < buffer_.size() ? buffer_[i + 1] : '\0';
    if (c == '\n') newlines_++;
    switch (state_) {
      case State::kNormal:
        if (c == ';') {
          Emit(i, &out);
          continue;
        }
        if (c == '/' && (next == '/' || next == '*')) {
          // Needs the second character; wait for more input if it is missing.
          state_ = next == '/' ? State::kLineComment : State::kBlockComment;
          scanned_++;
          continue;
        }
        if (c == '/' && i + 1 == buffer_.size()) {
          // A '/' at the end of the input so far may start a comment.
          scanned_--;
          return out;
        }
        if (IsSpace(c)) continue;
        if (!has_content_) {
          has_content_ = true;
          content_line_ = newlines_ + 1;
        }
        if (c == '\'') state_ = State::kSingle;
        if (c == '"') state_ = State::kDouble;
        if (c == '`') state_ = State::kBacktick;
        escape_ = false;
        break;
      case State::kSingle:
      case State::kDouble:
        if (escape_) {
          escape_ = false;
        } else if (c == '\\') {
          escape_ = true;
        } else if (c == (state_ == State::kSingle ? '\'' : '"')) {
          state_ = State::kNormal;
        }
        break;
      case State::kBacktick:
        // `` inside a quoted name is one backtick: leaving and re-entering
        // the state handles it.
        if (c == '`') state_ = State::kNormal;
        break;
      case State::kLineComment:
        if (c == '\n') state_ = State::kNormal;
        break;
      case State::kBlockComment:
        if (c == '*' && next == '/') {
          state_ = State::kNormal;
          scanned_++;
        } else if (c == '*' && i + 1 == buffer_.size()) {
          scanned_--;
          return out;
        }
        break;
    }
  }
  return out;
}

void StatementSplitter::Emit(size_t end, std::vector<Statement>* out) {
  if (has_content_) {
    Statement s;
    s.text = std::string(TrimWhitespace(std::string_view(buffer_).substr(0, end)));
    s.first_line = content_line_;
    out->push_back(std::move(s));
  }
  buffer_.erase(0, end + 1);
  scanned_ = 0;
  has_content_ = false;
  escape_ = false;
  state_ = State::kNormal;
}

std::vector<Statement> StatementSplitter::Finish() {
  std::vector<Statement> out;
  // Scan what a trailing '/' or '*' held back.
  while (scanned_ < buffer_.size()) {
    const char c = buffer_[scanned_++];
    if (c == '\n') newlines_++;
    if (state_ == State::kNormal && !IsSpace(c) && !has_content_) {
      has_content_ = true;
      content_line_ = newlines_ + 1;
    }
  }
  if (has_content_) {
    Statement s;
    s.text = std::string(TrimWhitespace(buffer_));
    s.first_line = content_line_;
    out.push_back(std::move(s));
  }
  Clear();
  return out;
}

void StatementSplitter::Clear() {
  for (size_t i = scanned_; i < buffer_.size(); i++) {
    if (buffer_[i] == '\n') newlines_++;
  }
  buffer_.clear();
  scanned_ = 0;
  state_ = State::kNormal;
  escape_ = false;
  has_content_ = false;
}

bool StatementSplitter::HasPending() const {
  return has_content_ || state_ == State::kBlockComment || state_ == State::kSingle ||
         state_ == State::kDouble || state_ == State::kBacktick;
}

}  // namespace shell
}  // namespace ruzu

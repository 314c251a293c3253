#include "query/lexer.h"

#include <algorithm>
#include <utility>

namespace ruzu {
namespace query {
namespace {

// Length of the valid UTF-8 sequence starting at text[pos], or 0 when the
// bytes there are not valid UTF-8 (overlong forms and surrogates rejected).
size_t Utf8SequenceLength(std::string_view text, size_t pos) {
  auto byte = [&](size_t i) -> unsigned char {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0;
  };
  unsigned char c = byte(0);
  if (c < 0x80) return 1;
  auto cont = [&](size_t i) { return (byte(i) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && byte(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && byte(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && byte(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && byte(1) >= 0x90) return 0;  // > U+10FFFF
    return 4;
  }
  return 0;
}

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool IsIdentifierStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

bool IsIdentifierPart(unsigned char c) { return IsIdentifierStart(c) || IsDigit(c); }

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd: return "end of input";
    case TokenKind::kError: return "invalid token";
    case TokenKind::kIdentifier: return "identifier";
    case TokenKind::kQuotedIdentifier: return "quoted identifier";
    case TokenKind::kInteger: return "integer";
    case TokenKind::kFloat: return "float";
    case TokenKind::kString: return "string literal";
    case TokenKind::kParameter: return "parameter";
    case TokenKind::kLParen: return "'('";
    case TokenKind::kRParen: return "')'";
    case TokenKind::kLBracket: return "'['";
    case TokenKind::kRBracket: return "']'";
    case TokenKind::kLBrace: return "'{'";
    case TokenKind::kRBrace: return "'}'";
    case TokenKind::kComma: return "','";
    case TokenKind::kDot: return "'.'";
    case TokenKind::kDotDot: return "'..'";
    case TokenKind::kColon: return "':'";
    case TokenKind::kSemicolon: return "';'";
    case TokenKind::kPipe: return "'|'";
    case TokenKind::kStar: return "'*'";
    case TokenKind::kPlus: return "'+'";
    case TokenKind::kMinus: return "'-'";
    case TokenKind::kSlash: return "'/'";
    case TokenKind::kPercent: return "'%'";
    case TokenKind::kCaret: return "'^'";
    case TokenKind::kEq: return "'='";
    case TokenKind::kNe: return "'<>'";
    case TokenKind::kLt: return "'<'";
    case TokenKind::kLe: return "'<='";
    case TokenKind::kGt: return "'>'";
    case TokenKind::kGe: return "'>='";
    case TokenKind::kRegexMatch: return "'=~'";
    case TokenKind::kPlusEq: return "'+='";
  }
  return "token";
}

Status MakeSyntaxError(std::string_view text, const SourcePosition& position,
                       std::string_view message, StatusCode code) {
  std::string out = "Parser error at line " + std::to_string(position.line) + ", column " +
                    std::to_string(position.column) + ": ";
  out.append(message);
  size_t offset = std::min<size_t>(position.offset, text.size());
  size_t begin = 0;
  if (offset > 0) {
    size_t newline = text.rfind('\n', offset - 1);
    if (newline != std::string_view::npos) begin = newline + 1;
  }
  size_t end = text.find('\n', begin);
  if (end == std::string_view::npos) end = text.size();
  if (end > begin && text[end - 1] == '\r') --end;
  // Code points of the line before the caret and after it.
  constexpr size_t kFullLine = 200;  // lines up to this many code points are shown whole
  constexpr size_t kWindow = 80;     // else this many code points each side of the caret
  std::vector<size_t> starts;     // byte offsets of code points in the line
  for (size_t i = begin; i < end; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  size_t caret_cp = 0;
  while (caret_cp < starts.size() && starts[caret_cp] < offset) ++caret_cp;
  size_t first_cp = 0;
  size_t last_cp = starts.size();  // exclusive
  if (starts.size() > kFullLine) {
    first_cp = caret_cp > kWindow ? caret_cp - kWindow : 0;
    last_cp = std::min(starts.size(), caret_cp + kWindow);
  }
  std::string line;
  std::string caret;
  if (first_cp > 0) {
    line += "...";
    caret += "   ";
  }
  size_t from = first_cp < starts.size() ? starts[first_cp] : end;
  size_t to = last_cp < starts.size() ? starts[last_cp] : end;
  line.append(text.substr(from, to - from));
  if (last_cp < starts.size()) line += "...";
  for (size_t cp = first_cp; cp < caret_cp; ++cp) caret += text[starts[cp]] == '\t' ? '\t' : ' ';
  caret += '^';
  out += '\n';
  out += line;
  out += '\n';
  out += caret;
  return Status(code, std::move(out));
}

Lexer::Lexer(std::string_view text) : text_(text) {}

void Lexer::Advance() {
  unsigned char c = static_cast<unsigned char>(text_[pos_]);
  ++pos_;
  if (c == '\n') {
    ++line_;
    column_ = 1;
  } else if ((c & 0xC0) != 0x80) {
    ++column_;
  }
}

void Lexer::AdvanceCodePoint() {
  size_t n = Utf8SequenceLength(text_, pos_);
  if (n == 0) n = 1;
  for (size_t i = 0; i < n && !AtEnd(); ++i) Advance();
}

SourcePosition Lexer::Here() const {
  SourcePosition p;
  p.line = line_;
  p.column = column_;
  p.offset = static_cast<uint32_t>(pos_);
  return p;
}

Token Lexer::Fail(const SourcePosition& at, std::string_view message) {
  error_ = MakeSyntaxError(text_, at, message);
  done_ = true;
  final_token_ = Token();
  final_token_.kind = TokenKind::kError;
  final_token_.position = at;
  return final_token_;
}

bool Lexer::SkipTrivia() {
  while (!AtEnd()) {
    unsigned char c = Peek();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      Advance();
    } else if (c == '/' && Peek(1) == '/') {
      while (!AtEnd() && Peek() != '\n') {
        if (Peek() == 0 || Utf8SequenceLength(text_, pos_) == 0) return true;  // reported by Next()
        AdvanceCodePoint();
      }
    } else if (c == '/' && Peek(1) == '*') {
      SourcePosition start = Here();
      Advance();
      Advance();
      while (true) {
        if (AtEnd()) {
          Fail(start, "unterminated comment: '/*' has no matching '*/'");
          return false;
        }
        if (Peek() == '*' && Peek(1) == '/') {
          Advance();
          Advance();
          break;
        }
        if (Peek() == 0) {
          Fail(Here(), "NUL byte in query text");
          return false;
        }
        if (Utf8SequenceLength(text_, pos_) == 0) {
          Fail(Here(), "invalid UTF-8 in query text");
          return false;
        }
        AdvanceCodePoint();
      }
    } else {
      break;
    }
  }
  return true;
}

Token Lexer::Next() {
  if (done_) return final_token_;
  if (!SkipTrivia()) return final_token_;
  Token token;
  token.position = Here();
  if (AtEnd()) {
    token.kind = TokenKind::kEnd;
    done_ = true;
    final_token_ = token;
    return token;
  }
  size_t start = pos_;
  unsigned char c = Peek();
  if (c == 0) return Fail(Here(), "NUL byte in query text");
  if (c >= 0x80 && Utf8SequenceLength(text_, pos_) == 0) {
    return Fail(Here(), "invalid UTF-8 in query text");
  }
  auto finish = [&](TokenKind kind, size_t length) {
    for (size_t i = 0; i < length; ++i) Advance();
    token.kind = kind;
    token.text = text_.substr(start, pos_ - start);
    return token;
  };
  if (IsIdentifierStart(c)) {
    while (!AtEnd() && IsIdentifierPart(Peek())) {
      if (Peek() >= 0x80 && Utf8SequenceLength(text_, pos_) == 0) {
        return Fail(Here(), "invalid UTF-8 in query text");
      }
      AdvanceCodePoint();
    }
    token.kind = TokenKind::kIdentifier;
    token.text = text_.substr(start, pos_ - start);
    return token;
  }
  if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return LexNumber(std::move(token));
  switch (c) {
    case '\'':
    case '"':
      return LexString(std::move(token));
    case '`':
      return LexQuotedIdentifier(std::move(token));
    case '$': {
      Advance();
      if (AtEnd() || !IsIdentifierPart(Peek())) {
        return Fail(token.position, "expected a parameter name after '$'");
      }
      size_t name_start = pos_;
      while (!AtEnd() && IsIdentifierPart(Peek())) {
        if (Peek() >= 0x80 && Utf8SequenceLength(text_, pos_) == 0) {
          return Fail(Here(), "invalid UTF-8 in query text");
        }
        AdvanceCodePoint();
      }
      token.kind = TokenKind::kParameter;
      token.text = text_.substr(start, pos_ - start);
      token.value = std::string(text_.substr(name_start, pos_ - name_start));
      return token;
    }
    case '(': return finish(TokenKind::kLParen, 1);
    case ')': return finish(TokenKind::kRParen, 1);
    case '[': return finish(TokenKind::kLBracket, 1);
    case ']': return finish(TokenKind::kRBracket, 1);
    case '{': return finish(TokenKind::kLBrace, 1);
    case '}': return finish(TokenKind::kRBrace, 1);
    case ',': return finish(TokenKind::kComma, 1);
    case '.': return Peek(1) == '.' ? finish(TokenKind::kDotDot, 2) : finish(TokenKind::kDot, 1);
    case ':': return finish(TokenKind::kColon, 1);
    case ';': return finish(TokenKind::kSemicolon, 1);
    case '|': return finish(TokenKind::kPipe, 1);
    case '*': return finish(TokenKind::kStar, 1);
    case '+': return Peek(1) == '=' ? finish(TokenKind::kPlusEq, 2) : finish(TokenKind::kPlus, 1);
    case '-': return finish(TokenKind::kMinus, 1);
    case '/': return finish(TokenKind::kSlash, 1);
    case '%': return finish(TokenKind::kPercent, 1);
    case '^': return finish(TokenKind::kCaret, 1);
    case '=': return Peek(1) == '~' ? finish(TokenKind::kRegexMatch, 2) : finish(TokenKind::kEq, 1);
    case '<':
      if (Peek(1) == '>') return finish(TokenKind::kNe, 2);
      if (Peek(1) == '=') return finish(TokenKind::kLe, 2);
      return finish(TokenKind::kLt, 1);
    case '>':
      return Peek(1) == '=' ? finish(TokenKind::kGe, 2) : finish(TokenKind::kGt, 1);
    case '!':
      if (Peek(1) == '=') return Fail(token.position, "unexpected '!=': use '<>' for 'not equal'");
      break;
    default:
      break;
  }
  std::string shown(text_.substr(pos_, std::max<size_t>(1, Utf8SequenceLength(text_, pos_))));
  if (c < 0x20 || c == 0x7F) {
    static const char kHex[] = "0123456789ABCDEF";
    shown = std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
  }
  return Fail(token.position, "unexpected character '" + shown + "'");
}

Token Lexer::LexNumber(Token token) {
  size_t start = pos_;
  bool is_float = false;
  while (IsDigit(Peek())) Advance();
  if (Peek() == '.' && IsDigit(Peek(1))) {
    is_float = true;
    Advance();
    while (IsDigit(Peek())) Advance();
  }
  if (Peek() == 'e' || Peek() == 'E') {
    size_t look = 1;
    if (Peek(1) == '+' || Peek(1) == '-') look = 2;
    if (IsDigit(Peek(look))) {
      is_float = true;
      for (size_t i = 0; i < look; ++i) Advance();
      while (IsDigit(Peek())) Advance();
    }
  }
  if (!AtEnd() && IsIdentifierPart(Peek())) {
    while (!AtEnd() && IsIdentifierPart(Peek()) && Peek() < 0x80) Advance();
    return Fail(token.position,
                "invalid number literal '" + std::string(text_.substr(start, pos_ - start)) + "'");
  }
  token.kind = is_float ? TokenKind::kFloat : TokenKind::kInteger;
  token.text = text_.substr(start, pos_ - start);
  return token;
}

void Lexer::AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

Token Lexer::LexString(Token token) {
  size_t start = pos_;
  unsigned char quote = Peek();
  Advance();
  std::string value;
  while (true) {
    if (AtEnd()) return Fail(token.position, "unterminated string literal");
    unsigned char c = Peek();
    if (c == quote) {
      Advance();
      break;
    }
    if (c == 0) return Fail(Here(), "NUL byte in query text");
    if (c == '\\') {
      SourcePosition escape_pos = Here();
      Advance();
      if (AtEnd()) return Fail(token.position, "unterminated string literal");
      unsigned char e = Peek();
      switch (e) {
        case '\'': value += '\''; Advance(); continue;
        case '"': value += '"'; Advance(); continue;
        case '\\': value += '\\'; Advance(); continue;
        case '/': value += '/'; Advance(); continue;
        case 'n': value += '\n'; Advance(); continue;
        case 't': value += '\t'; Advance(); continue;
        case 'r': value += '\r'; Advance(); continue;
        case 'b': value += '\b'; Advance(); continue;
        case 'f': value += '\f'; Advance(); continue;
        case 'u':
        case 'U': {
          size_t digits = e == 'u' ? 4 : 8;
          Advance();
          auto read_hex = [&](size_t n, uint32_t* cp) {
            uint32_t v = 0;
            for (size_t i = 0; i < n; ++i) {
              int h = HexValue(Peek(i));
              if (h < 0) return false;
              v = v * 16 + static_cast<uint32_t>(h);
            }
            for (size_t i = 0; i < n; ++i) Advance();
            *cp = v;
            return true;
          };
          uint32_t cp = 0;
          std::string bad = std::string("invalid escape sequence: '\\") + static_cast<char>(e) +
                            "' must be followed by " + std::to_string(digits) + " hex digits";
          if (!read_hex(digits, &cp)) return Fail(escape_pos, bad);
          if (cp >= 0xD800 && cp <= 0xDBFF && digits == 4 && Peek() == '\\' && Peek(1) == 'u') {
            SourcePosition low_pos = Here();
            Advance();
            Advance();
            uint32_t low = 0;
            if (!read_hex(4, &low)) return Fail(low_pos, bad);
            if (low < 0xDC00 || low > 0xDFFF) {
              return Fail(escape_pos, "invalid unicode escape: unpaired surrogate");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            return Fail(escape_pos, "invalid unicode escape: unpaired surrogate");
          }
          if (cp > 0x10FFFF) return Fail(escape_pos, "invalid unicode escape: beyond U+10FFFF");
          AppendUtf8(cp, &value);
          continue;
        }
        default: {
          std::string shown(text_.substr(pos_, std::max<size_t>(1, Utf8SequenceLength(text_, pos_))));
          return Fail(escape_pos, "invalid escape sequence '\\" + shown + "'");
        }
      }
    }
    size_t n = c < 0x80 ? 1 : Utf8SequenceLength(text_, pos_);
    if (n == 0) return Fail(Here(), "invalid UTF-8 in string literal");
    value.append(text_.substr(pos_, n));
    for (size_t i = 0; i < n; ++i) Advance();
  }
  token.kind = TokenKind::kString;
  token.text = text_.substr(start, pos_ - start);
  token.value = std::move(value);
  return token;
}

Token Lexer::LexQuotedIdentifier(Token token) {
  size_t start = pos_;
  Advance();
  std::string value;
  while (true) {
    if (AtEnd()) return Fail(token.position, "unterminated quoted identifier: missing closing '`'");
    unsigned char c = Peek();
    if (c == '`') {
      if (Peek(1) == '`') {
        value += '`';
        Advance();
        Advance();
        continue;
      }
      Advance();
      break;
    }
    if (c == 0) return Fail(Here(), "NUL byte in query text");
    size_t n = c < 0x80 ? 1 : Utf8SequenceLength(text_, pos_);
    if (n == 0) return Fail(Here(), "invalid UTF-8 in query text");
    value.append(text_.substr(pos_, n));
    for (size_t i = 0; i < n; ++i) Advance();
  }
  if (value.empty()) return Fail(token.position, "empty quoted identifier ``");
  token.kind = TokenKind::kQuotedIdentifier;
  token.text = text_.substr(start, pos_ - start);
  token.value = std::move(value);
  return token;
}

Result<std::vector<Token>> Tokenize(std::string_view text) {
  Lexer lexer(text);
  std::vector<Token> tokens;
  while (true) {
    Token t = lexer.Next();
    if (t.kind == TokenKind::kError) return lexer.error();
    if (t.kind == TokenKind::kEnd) return tokens;
    tokens.push_back(std::move(t));
  }
}

}  // namespace query
}  // namespace ruzu

// Hand-written lexer for the Cypher subset of query/parser.h.
//
// The lexer is pull-based: Lexer::Next() produces one token at a time, so the
// memory it needs does not grow with the input. A lexical error is reported
// as a token of kind kError; Lexer::error() then holds the positioned Status.
//
// Tokens:
//   identifiers   [A-Za-z_ non-ASCII][A-Za-z0-9_ non-ASCII]*   (keywords are
//                 identifiers too; the parser matches them case-insensitively)
//   `quoted`      backtick-quoted identifier, `` inside means one backtick
//   integers      [0-9]+            (range-checked by the parser)
//   floats        1.5  .5  1e10  1.5E-3
//   strings       'single' or "double" quoted, escapes \' \" \\ \/ \n \t \r
//                 \b \f \uXXXX (surrogate pairs combined) \UXXXXXXXX
//   parameters    $name  $1
//   punctuation   ( ) [ ] { } , . .. : ; | * + - / % ^ = <> < <= > >= =~ +=
//   comments      // to end of line, /* ... */ (skipped)
// The whole input must be valid UTF-8 without NUL bytes.
#ifndef RUZU_QUERY_LEXER_H_
#define RUZU_QUERY_LEXER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ruzu {
namespace query {

// A place in the query text. line and column are 1-based; column counts
// Unicode code points. offset is the 0-based byte offset.
struct SourcePosition {
  uint32_t line = 1;
  uint32_t column = 1;
  uint32_t offset = 0;
};

enum class TokenKind {
  kEnd,               // end of input
  kError,             // lexical error; see Lexer::error()
  kIdentifier,        // bare word (also every keyword)
  kQuotedIdentifier,  // `...`; value holds the unquoted name
  kInteger,           // text holds the digits
  kFloat,             // text holds the literal
  kString,            // value holds the decoded contents
  kParameter,         // value holds the name without '$'
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kComma,
  kDot,
  kDotDot,
  kColon,
  kSemicolon,
  kPipe,
  kStar,
  kPlus,
  kMinus,
  kSlash,
  kPercent,
  kCaret,
  kEq,
  kNe,          // <>
  kLt,
  kLe,
  kGt,
  kGe,
  kRegexMatch,  // =~
  kPlusEq,      // +=
};

// A short description of a token kind for messages: "')'", "identifier".
const char* TokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  SourcePosition position;
  // The exact source text of the token (a view into the lexed text).
  std::string_view text;
  // Decoded value for kString, kQuotedIdentifier and kParameter.
  std::string value;
};

// Builds the error every lexer and parser failure uses:
//   Parser error at line 2, column 14: <message>
//   <the source line>
//   <spaces>^
// Very long lines are shown as a window around the column. `code` is
// normally kInvalidArgument.
Status MakeSyntaxError(std::string_view text, const SourcePosition& position,
                       std::string_view message,
                       StatusCode code = StatusCode::kInvalidArgument);

class Lexer {
 public:
  // `text` must outlive the lexer and the tokens it returns.
  explicit Lexer(std::string_view text);

  // The next token. After kEnd or kError, keeps returning the same kind.
  Token Next();

  // The error behind a kError token (OK before any error).
  const Status& error() const { return error_; }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  unsigned char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? static_cast<unsigned char>(text_[pos_ + ahead]) : 0;
  }
  // Moves over one byte, keeping line and column current.
  void Advance();
  // Moves over one UTF-8 code point (already validated).
  void AdvanceCodePoint();
  SourcePosition Here() const;
  Token Fail(const SourcePosition& at, std::string_view message);
  // Skips whitespace and comments; false (and error_ set) on an unterminated comment.
  bool SkipTrivia();
  Token LexNumber(Token token);
  Token LexString(Token token);
  Token LexQuotedIdentifier(Token token);
  // Appends code point `cp` to `out` as UTF-8.
  static void AppendUtf8(uint32_t cp, std::string* out);

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
  bool done_ = false;
  Token final_token_;
  Status error_;
};

// Tokenizes all of `text` (without the final kEnd token). For tests and tools.
Result<std::vector<Token>> Tokenize(std::string_view text);

// Whether `c` may start / continue a bare identifier (bytes >= 0x80 are
// parts of non-ASCII code points and count as letters).
bool IsIdentifierStart(unsigned char c);
bool IsIdentifierPart(unsigned char c);

}  // namespace query
}  // namespace ruzu

#endif  // RUZU_QUERY_LEXER_H_

#include "query/lexer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ruzu {
namespace query {
namespace {

std::vector<TokenKind> Kinds(std::string_view text) {
  auto tokens = Tokenize(text);
  EXPECT_TRUE(tokens.ok()) << tokens.status().ToString();
  std::vector<TokenKind> kinds;
  if (tokens.ok()) {
    for (const Token& t : *tokens) kinds.push_back(t.kind);
  }
  return kinds;
}

std::string LexError(std::string_view text) {
  auto tokens = Tokenize(text);
  EXPECT_FALSE(tokens.ok());
  if (tokens.ok()) return "";
  EXPECT_EQ(tokens.status().code(), StatusCode::kInvalidArgument);
  return tokens.status().message();
}

TEST(LexerTest, Punctuation) {
  using K = TokenKind;
  EXPECT_EQ(Kinds("( ) [ ] { } , . .. : ; | * + - / % ^ = <> < <= > >= =~ +="),
            (std::vector<K>{K::kLParen, K::kRParen, K::kLBracket, K::kRBracket, K::kLBrace,
                            K::kRBrace, K::kComma, K::kDot, K::kDotDot, K::kColon, K::kSemicolon,
                            K::kPipe, K::kStar, K::kPlus, K::kMinus, K::kSlash, K::kPercent,
                            K::kCaret, K::kEq, K::kNe, K::kLt, K::kLe, K::kGt, K::kGe,
                            K::kRegexMatch, K::kPlusEq}));
  // Arrows are left to the parser.
  EXPECT_EQ(Kinds("<-->"), (std::vector<K>{K::kLt, K::kMinus, K::kMinus, K::kGt}));
}

TEST(LexerTest, IdentifiersAndKeywords) {
  auto tokens = Tokenize("MATCH match_1 _x `weird name` `a``b` naïve");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 6u);
  EXPECT_EQ((*tokens)[0].kind, TokenKind::kIdentifier);
  EXPECT_EQ((*tokens)[0].text, "MATCH");
  EXPECT_EQ((*tokens)[1].text, "match_1");
  EXPECT_EQ((*tokens)[2].text, "_x");
  EXPECT_EQ((*tokens)[3].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ((*tokens)[3].value, "weird name");
  EXPECT_EQ((*tokens)[4].value, "a`b");
  EXPECT_EQ((*tokens)[5].kind, TokenKind::kIdentifier);
  EXPECT_EQ((*tokens)[5].text, "naïve");
}

TEST(LexerTest, Numbers) {
  auto tokens = Tokenize("0 42 1.5 .5 1e10 1E-3 2.5e+2 1..3 9999999999999999999999");
  ASSERT_TRUE(tokens.ok());
  std::vector<std::pair<TokenKind, std::string>> got;
  for (const Token& t : *tokens) got.emplace_back(t.kind, std::string(t.text));
  using K = TokenKind;
  std::vector<std::pair<TokenKind, std::string>> want = {
      {K::kInteger, "0"},   {K::kInteger, "42"},   {K::kFloat, "1.5"},
      {K::kFloat, ".5"},    {K::kFloat, "1e10"},   {K::kFloat, "1E-3"},
      {K::kFloat, "2.5e+2"}, {K::kInteger, "1"},   {K::kDotDot, ".."},
      {K::kInteger, "3"},   {K::kInteger, "9999999999999999999999"}};
  EXPECT_EQ(got, want);
  // "1.foo" is integer, dot, identifier (property access on a literal).
  EXPECT_EQ(Kinds("1.foo"), (std::vector<K>{K::kInteger, K::kDot, K::kIdentifier}));
}

TEST(LexerTest, Strings) {
  auto tokens = Tokenize(R"('it\'s' "say \"hi\"" 'a\\b\n\t\r' '\u00e9\u4e2d' '\ud83d\ude00' "'" '"' '\U0001F600')");
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  ASSERT_EQ(tokens->size(), 8u);
  EXPECT_EQ((*tokens)[0].value, "it's");
  EXPECT_EQ((*tokens)[1].value, "say \"hi\"");
  EXPECT_EQ((*tokens)[2].value, "a\\b\n\t\r");
  EXPECT_EQ((*tokens)[3].value, "\xC3\xA9\xE4\xB8\xAD");
  EXPECT_EQ((*tokens)[4].value, "\xF0\x9F\x98\x80");
  EXPECT_EQ((*tokens)[5].value, "'");
  EXPECT_EQ((*tokens)[6].value, "\"");
  EXPECT_EQ((*tokens)[7].value, "\xF0\x9F\x98\x80");
  EXPECT_EQ((*tokens)[0].text, R"('it\'s')");
}

TEST(LexerTest, Parameters) {
  auto tokens = Tokenize("$name $1 $_x");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 3u);
  EXPECT_EQ((*tokens)[0].kind, TokenKind::kParameter);
  EXPECT_EQ((*tokens)[0].value, "name");
  EXPECT_EQ((*tokens)[1].value, "1");
  EXPECT_EQ((*tokens)[2].value, "_x");
}

TEST(LexerTest, CommentsAreSkipped) {
  using K = TokenKind;
  EXPECT_EQ(Kinds("a // comment ( ) \n b /* multi\nline ( */ c"),
            (std::vector<K>{K::kIdentifier, K::kIdentifier, K::kIdentifier}));
  EXPECT_EQ(Kinds("// only a comment"), std::vector<K>{});
  EXPECT_EQ(Kinds("a/**/b"), (std::vector<K>{K::kIdentifier, K::kIdentifier}));
}

TEST(LexerTest, Positions) {
  auto tokens = Tokenize("MATCH (n)\n  RETURN 'é', x\r\n\tz");
  ASSERT_TRUE(tokens.ok());
  auto pos = [&](size_t i) {
    return std::to_string((*tokens)[i].position.line) + ":" +
           std::to_string((*tokens)[i].position.column);
  };
  EXPECT_EQ(pos(0), "1:1");   // MATCH
  EXPECT_EQ(pos(1), "1:7");   // (
  EXPECT_EQ(pos(2), "1:8");   // n
  EXPECT_EQ(pos(4), "2:3");   // RETURN
  EXPECT_EQ(pos(5), "2:10");  // 'é'
  EXPECT_EQ(pos(6), "2:13");  // ,  (é counts as one column)
  EXPECT_EQ(pos(7), "2:15");  // x
  EXPECT_EQ(pos(8), "3:2");   // z after a tab
  EXPECT_EQ((*tokens)[4].position.offset, 12u);
}

TEST(LexerTest, Errors) {
  EXPECT_EQ(LexError("RETURN 'abc"),
            "Parser error at line 1, column 8: unterminated string literal\n"
            "RETURN 'abc\n"
            "       ^");
  EXPECT_EQ(LexError("a\n  /* never closed"),
            "Parser error at line 2, column 3: unterminated comment: '/*' has no matching '*/'\n"
            "  /* never closed\n"
            "  ^");
  EXPECT_EQ(LexError("RETURN 'a\\qb'"),
            "Parser error at line 1, column 10: invalid escape sequence '\\q'\n"
            "RETURN 'a\\qb'\n"
            "         ^");
  EXPECT_EQ(LexError("RETURN '\\u12'"),
            "Parser error at line 1, column 9: invalid escape sequence: '\\u' must be followed by "
            "4 hex digits\n"
            "RETURN '\\u12'\n"
            "        ^");
  EXPECT_EQ(LexError("RETURN '\\ud800'"),
            "Parser error at line 1, column 9: invalid unicode escape: unpaired surrogate\n"
            "RETURN '\\ud800'\n"
            "        ^");
  EXPECT_EQ(LexError("a != b"),
            "Parser error at line 1, column 3: unexpected '!=': use '<>' for 'not equal'\n"
            "a != b\n"
            "  ^");
  EXPECT_EQ(LexError("RETURN 12abc"),
            "Parser error at line 1, column 8: invalid number literal '12abc'\n"
            "RETURN 12abc\n"
            "       ^");
  EXPECT_EQ(LexError("x ` `` "),
            "Parser error at line 1, column 3: unterminated quoted identifier: missing closing "
            "'`'\n"
            "x ` `` \n"
            "  ^");
  EXPECT_EQ(LexError("x ``"),
            "Parser error at line 1, column 3: empty quoted identifier ``\n"
            "x ``\n"
            "  ^");
  EXPECT_EQ(LexError("a # b"),
            "Parser error at line 1, column 3: unexpected character '#'\n"
            "a # b\n"
            "  ^");
  EXPECT_EQ(LexError("$ x"),
            "Parser error at line 1, column 1: expected a parameter name after '$'\n"
            "$ x\n"
            "^");
}

TEST(LexerTest, NulAndInvalidUtf8) {
  std::string nul = std::string("MATCH (n)\nRETURN n") + '\0' + "x";
  EXPECT_EQ(LexError(nul),
            std::string("Parser error at line 2, column 9: NUL byte in query text\nRETURN n") +
                '\0' + "x\n        ^");
  EXPECT_EQ(LexError("RETURN \xFF"),
            "Parser error at line 1, column 8: invalid UTF-8 in query text\n"
            "RETURN \xFF\n"
            "       ^");
  EXPECT_EQ(LexError("RETURN 'ab\xC3'"),
            "Parser error at line 1, column 11: invalid UTF-8 in string literal\n"
            "RETURN 'ab\xC3'\n"
            "          ^");
  // Overlong encoding and surrogates are invalid too.
  EXPECT_FALSE(Tokenize("x\xC0\xAF").ok());
  EXPECT_FALSE(Tokenize("x\xED\xA0\x80").ok());
  EXPECT_FALSE(Tokenize("// comment \xFF\n").ok());
  EXPECT_FALSE(Tokenize("/* \xFF */").ok());
  EXPECT_FALSE(Tokenize(std::string("'a\0b'", 5)).ok());
}

TEST(LexerTest, SyntaxErrorFormatting) {
  // Tabs are reproduced so the caret lines up in a terminal.
  Status s = MakeSyntaxError("a\n\tb c", SourcePosition{2, 4, 5}, "boom");
  EXPECT_EQ(s.message(), "Parser error at line 2, column 4: boom\n\tb c\n\t  ^");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  // Position at the end of the text.
  s = MakeSyntaxError("abc\n", SourcePosition{2, 1, 4}, "end");
  EXPECT_EQ(s.message(), "Parser error at line 2, column 1: end\n\n^");
  // Long lines are shown as a window around the column.
  std::string long_line(500, 'x');
  s = MakeSyntaxError(long_line, SourcePosition{1, 251, 250}, "here");
  std::string expected_line = "..." + std::string(160, 'x') + "...";
  EXPECT_EQ(s.message(), "Parser error at line 1, column 251: here\n" + expected_line + "\n" +
                             std::string(83, ' ') + "^");
}

TEST(LexerTest, AfterEndKeepsReturningEnd) {
  Lexer lexer("a");
  EXPECT_EQ(lexer.Next().kind, TokenKind::kIdentifier);
  EXPECT_EQ(lexer.Next().kind, TokenKind::kEnd);
  EXPECT_EQ(lexer.Next().kind, TokenKind::kEnd);
  Lexer bad("'x");
  EXPECT_EQ(bad.Next().kind, TokenKind::kError);
  EXPECT_EQ(bad.Next().kind, TokenKind::kError);
  EXPECT_FALSE(bad.error().ok());
}

}  // namespace
}  // namespace query
}  // namespace ruzu

// Fuzz target: the Cypher parser (query/parser.h).
//
// Oracle: ParseCypher never crashes and fails only with kInvalidArgument or
// kUnsupported; every statement it accepts prints (query::ToString) to text
// that parses back to exactly one statement printing the same. The same for
// ParseCypherExpression.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "fuzz/fuzz_targets.h"
#include "fuzz/fuzz_util.h"
#include "query/ast.h"
#include "query/parser.h"

namespace ruzu::fuzz {
namespace {

// Longer inputs only slow the fuzzer down; the length limit itself is a
// boundary test's job.
constexpr size_t kMaxInput = 64 << 10;

// Checks the round trip of a printed statement or expression: `reprinted`
// (the print of the parse of `printed`) must equal `printed`.
void CheckRoundTrip(const std::string& printed, const std::string& reprinted, std::string_view text) {
  RUZU_FUZZ_CHECK(reprinted == printed, "round trip differs:\n  first:  " + printed + "\n  second: " + reprinted +
                                            "\n  input: " + std::string(text));
}

void CheckError(const Status& s, std::string_view text) {
  RUZU_FUZZ_CHECK(s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kUnsupported,
                  "unexpected error for " + std::string(text) + ": " + s.ToString());
}

}  // namespace

int CypherParseOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto parsed = query::ParseCypher(text);
  if (!parsed.ok()) {
    CheckError(parsed.status(), text);
  } else {
    for (const auto& statement : *parsed) {
      const std::string printed = query::ToString(*statement);
      auto again = query::ParseCypher(printed);
      RUZU_FUZZ_CHECK(again.ok(), "printed statement does not parse: " + printed + "\n  error: " +
                                      again.status().ToString() + "\n  input: " + std::string(text));
      RUZU_FUZZ_CHECK(again->size() == 1, "printed statement parses to " + std::to_string(again->size()) +
                                              " statements: " + printed);
      const std::string reprinted = query::ToString(*(*again)[0]);
      CheckRoundTrip(printed, reprinted, text);
    }
  }

  auto expression = query::ParseCypherExpression(text);
  if (!expression.ok()) {
    CheckError(expression.status(), text);
  } else {
    const std::string printed = query::ToString(**expression);
    auto again = query::ParseCypherExpression(printed);
    RUZU_FUZZ_CHECK(again.ok(), "printed expression does not parse: " + printed + "\n  error: " +
                                    again.status().ToString() + "\n  input: " + std::string(text));
    const std::string reprinted = query::ToString(**again);
    CheckRoundTrip(printed, reprinted, text);
  }
  return 0;
}

}  // namespace ruzu::fuzz

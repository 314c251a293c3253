// Helpers shared by tests: Status assertions and temporary paths.
#ifndef RUZU_COMMON_TEST_UTIL_H_
#define RUZU_COMMON_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "common/status.h"

#define ASSERT_OK(expr)                                    \
  do {                                                     \
    const ::ruzu::Status _s = (expr);                      \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                    \
  do {                                                     \
    const ::ruzu::Status _s = (expr);                      \
    EXPECT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)
// Declares `lhs` from a Result, failing the test on error.
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL(RUZU_CONCAT(_result_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, rexpr)                       \
  auto tmp = (rexpr);                                                    \
  ASSERT_TRUE(tmp.ok()) << #rexpr << ": " << tmp.status().ToString();    \
  lhs = std::move(tmp).value()

namespace ruzu {

// A fresh empty directory under the test's temporary directory.
inline std::string MakeTempDir() {
  std::string base = ::testing::TempDir();
  if (base.empty() || base.back() != '/') base += "/";
  std::string templ = base + "ruzu_XXXXXX";
  char* dir = ::mkdtemp(templ.data());
  return dir == nullptr ? base : std::string(dir);
}

// A fresh path (not created) in a temporary directory made once per process.
inline std::string TempPath(const std::string& name) {
  static const std::string dir = MakeTempDir();
  static int counter = 0;
  return dir + "/" + name + "_" + std::to_string(counter++);
}

}  // namespace ruzu

#endif  // RUZU_COMMON_TEST_UTIL_H_

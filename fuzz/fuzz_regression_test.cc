// Replays every saved fuzz input through its target: the seed corpora
// (fuzz/corpus/<target>/) and the inputs of fixed bugs
// (fuzz/regressions/<target>/). A target aborts with a message when its
// oracle fails; the file being replayed is printed first.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.h"

namespace ruzu::fuzz {
namespace {

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    const std::string path = dir + "/" + e->d_name;
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) out.push_back(path);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

using Target = int (*)(const uint8_t*, size_t);

// Runs the inputs of `target_dir` (corpus and regressions); returns how many.
size_t Replay(const std::string& target_dir, Target target) {
  size_t n = 0;
  for (const char* kind : {"fuzz/corpus/", "fuzz/regressions/"}) {
    for (const std::string& path : FilesIn(kind + target_dir)) {
      std::ifstream in(path, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::fprintf(stderr, "replaying %s (%zu bytes)\n", path.c_str(), bytes.size());
      target(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      n++;
    }
  }
  return n;
}

TEST(FuzzRegressionTest, CypherParse) { EXPECT_GT(Replay("cypher_parse", CypherParseOneInput), 0u); }

TEST(FuzzRegressionTest, Csv) { EXPECT_GT(Replay("csv", CsvOneInput), 0u); }

TEST(FuzzRegressionTest, DatabaseFile) { EXPECT_GT(Replay("database_file", DatabaseFileOneInput), 0u); }

TEST(FuzzRegressionTest, Query) { EXPECT_GT(Replay("query", QueryOneInput), 0u); }

}  // namespace
}  // namespace ruzu::fuzz

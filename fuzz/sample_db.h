// Small valid database images for the database-file and query fuzzers, built
// on the in-memory file system through the public API.
#ifndef RUZU_FUZZ_SAMPLE_DB_H_
#define RUZU_FUZZ_SAMPLE_DB_H_

#include <string>

namespace ruzu::fuzz {

// The two files of a closed database (named "db" and "db.wal").
struct DbImage {
  std::string data;
  std::string wal;
};

enum class SampleDb {
  // Tables Person, City (node) and Knows, LivesIn (rel) with every storable
  // type; a checkpoint; then committed inserts, updates, deletions and an
  // ALTER TABLE in the WAL, not checkpointed.
  kCheckpointAndWal = 0,
  // The same history, checkpointed at the end (the WAL holds only its header).
  kCheckpointOnly = 1,
  // Tables and rows only in the WAL: the data file is as created.
  kWalOnly = 2,
  // 4500 people (two node groups of 4096), a chain of Knows, checkpointed, and a
  // few more changes in the WAL.
  kTwoGroups = 3,
};
constexpr int kNumSampleDbs = 4;

// Builds `which` (once per process; later calls return the cached image).
// Aborts if the engine refuses the fixed workload.
const DbImage& GetSampleDb(SampleDb which);

}  // namespace ruzu::fuzz

#endif  // RUZU_FUZZ_SAMPLE_DB_H_

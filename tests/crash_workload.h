// The crash tests' deterministic workload and its oracle.
//
// The same workload is written by tools/crash_worker.cc (a separate process
// that the crash test kills) and by WriteWorkloadTxn below (the in-process
// power-loss test, and the transaction the crash test commits after each
// recovery). The two implementations must stay identical; CheckWorkload
// fails loudly when they drift apart.
//
//   tables  Txn(id INT64, k INT64, PRIMARY KEY id)
//           Person(id INT64, txn INT64, name STRING, PRIMARY KEY id)
//           Wrote(FROM Txn TO Person, txn INT64)
//           Knows(FROM Person TO Person, txn INT64, seq INT64)
//   txn t   (t = 0, 1, 2, ...; transaction 0 also creates the tables)
//           a marker Txn{id: t, k: K}, K = WorkloadK(seed, t, scale) in
//           [1, 6] * scale (scale in [1, 1666], fixed per database like the seed)
//           K Person nodes {id: t * 10000 + i, txn: t, name: PersonName(seed, t, i)}
//           K Wrote edges Txn t -> Person(t, i) {txn: t}
//           K Knows edges Person(t, i) -> KnowsTarget(seed, t, i) {txn: t, seq: i}
#ifndef RUZU_TESTS_CRASH_WORKLOAD_H_
#define RUZU_TESTS_CRASH_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "db/database.h"

namespace ruzu {
namespace crash {

int64_t WorkloadK(uint64_t seed, int64_t t, int64_t scale = 1);
int64_t PersonKey(int64_t t, int64_t i);
std::string PersonName(uint64_t seed, int64_t t, int64_t i);
int64_t KnowsTarget(uint64_t seed, int64_t t, int64_t i, int64_t scale = 1);

// Adds transaction t of the workload to `txn` (which the caller commits).
// REQUIRES: transactions 0..t-1 are committed.
Status WriteWorkloadTxn(Transaction* txn, uint64_t seed, int64_t t, int64_t scale = 1);

struct WorkloadCheck {
  int64_t present = 0;                // transactions found (0..present-1)
  std::vector<std::string> problems;  // empty: the state satisfies the oracle
  std::string Summary() const;        // the problems, one a line (capped)
};

// The oracle. Checks, in one read-only transaction, that the database holds
// exactly transactions 0..n-1 of the workload for some n in [min_present,
// max_present], each one entirely: its marker, its K nodes with their
// properties, its K Wrote and K Knows edges seen from both ends with their
// properties, and nothing else (table counts match, nothing of transaction n
// exists). With no tables at all, n is 0.
WorkloadCheck CheckWorkload(Database* db, uint64_t seed, int64_t min_present, int64_t max_present,
                            int64_t scale = 1);

}  // namespace crash
}  // namespace ruzu

#endif  // RUZU_TESTS_CRASH_WORKLOAD_H_

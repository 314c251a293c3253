// The crash tests' deterministic workload and its oracle.
//
// One implementation, used by tools/crash_worker.cc (the process the crash
// test kills), by the in-process power-loss tests and by the transaction the
// crash test commits after each recovery. Transaction t is a pure function of
// (seed, scale, t): an in-memory model replays transactions 0..t-1 to know
// which nodes and relationships are alive, picks what t changes from them and
// writes it through the public API, resolving keys to offsets and
// relationship ids with lookups. The oracle rebuilds the model for the number
// of transactions found and compares the whole database with it.
//
//   tables  Txn(id INT64, k INT64, PRIMARY KEY id)
//           Person(id INT64, txn INT64, name STRING, touched INT64, PRIMARY KEY id)
//           Wrote(FROM Txn TO Person, txn INT64, touched INT64)
//           Knows(FROM Person TO Person, txn INT64, seq INT64, touched INT64)
//   txn t   (t = 0, 1, 2, ...; transaction 0 also creates the tables), with
//           s = min(scale, 64) (scale in 1..1666, fixed per database like the
//           seed; it multiplies the creates fully), in order:
//    A. SETs on earlier entities: touched = t on (1..2)*s live Person nodes
//       (a third of them also get a new name), on (0..2)*s live Knows and
//       (0..1)*s live Wrote relationships;
//    B. deletes (0..2)*s live Knows relationships, and s Wrote ones in a
//       quarter of the transactions;
//    C. DETACH DELETEs ceil(s/10) live Person nodes in three quarters of the
//       transactions (their Knows and Wrote relationships go with them); half
//       of the deleted keys are inserted again in D with txn = t, a new name
//       and a new Wrote edge from marker t (a new offset);
//    D. creates the marker Txn{id: t, k: K}, K = WorkloadK(seed, t, scale) in
//       [1, 6] * scale; K Person nodes {id: t * 10000 + i, txn: t,
//       name: PersonName(seed, t, i), touched: NULL}; K Wrote edges
//       Txn t -> Person(t, i) {txn: t}; K Knows edges Person(t, i) -> a random
//       live Person (possibly new, re-inserted or itself) {txn: t, seq: i};
//    E. changes its own new entities: SET touched on a new node and a new
//       Knows edge, deletes a new Knows edge, DETACH DELETEs a new node
//       (each in some of the transactions).
//   Markers are never changed, so the number of Txn nodes is the number of
//   transactions present. Knows edge (t, i) is identified by its properties,
//   Wrote edges by (txn, target key).
#ifndef RUZU_TESTS_CRASH_WORKLOAD_H_
#define RUZU_TESTS_CRASH_WORKLOAD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "db/database.h"

namespace ruzu {
namespace crash {

int64_t WorkloadK(uint64_t seed, int64_t t, int64_t scale = 1);
int64_t PersonKey(int64_t t, int64_t i);
std::string PersonName(uint64_t seed, int64_t t, int64_t i);

// What transactions did, as counted by the model.
struct TxnOps {
  int64_t nodes_created = 0;  // markers and Person nodes, re-inserted keys included
  int64_t rels_created = 0;
  int64_t node_sets = 0;      // SetNodeProperty calls
  int64_t rel_sets = 0;       // SetRelProperty calls
  int64_t rel_deletes = 0;    // DeleteRel calls
  int64_t node_deletes = 0;   // DeleteNode(detach) calls
  int64_t detached_rels = 0;  // relationships deleted with those nodes
  int64_t reinserts = 0;      // deleted keys inserted again
  TxnOps& operator+=(const TxnOps& o);
  int64_t sets() const { return node_sets + rel_sets; }
  int64_t deletes() const { return rel_deletes + node_deletes; }
  std::string ToString() const;
};

class WorkloadModel;  // crash_workload.cc

// Writes transaction t of the workload into `txn` (which the caller
// commits). Rebuilds the model of transactions 0..t-1 first.
// REQUIRES: the database holds exactly transactions 0..t-1.
Status WriteWorkloadTxn(Transaction* txn, uint64_t seed, int64_t t, int64_t scale = 1);

// For testing the oracle: writes only the first `max_writes` writes of
// transaction t (creates, SETs and deletes in the workload's order) and
// returns a description of every write of the whole transaction.
Result<std::vector<std::string>> WritePartialWorkloadTxn(Transaction* txn, uint64_t seed, int64_t t, int64_t scale,
                                                         size_t max_writes);

// The same for a writer of many consecutive transactions: keeps the model
// instead of rebuilding it for every transaction.
class WorkloadWriter {
 public:
  // The next transaction written is `next`; the database holds 0..next-1.
  WorkloadWriter(uint64_t seed, int64_t scale, int64_t next);
  ~WorkloadWriter();
  int64_t next() const;
  // Writes transaction next() into `txn` and advances to the one after.
  // After an error, or when the caller does not commit, the writer is out of
  // step with the database: make a new one.
  Status Write(Transaction* txn);
  // What transaction t < next() does.
  const TxnOps& Ops(int64_t t) const;

 private:
  std::unique_ptr<WorkloadModel> model_;
};

struct WorkloadCheck {
  int64_t present = 0;                // transactions found (0..present-1)
  std::vector<std::string> problems;  // empty: the state satisfies the oracle
  std::vector<TxnOps> per_txn;        // what transactions 0..present-1 did (when checked)
  TxnOps total;                       // their sum
  int64_t nodes_checked = 0;          // live nodes and relationships compared with the model
  int64_t rels_checked = 0;
  std::string Summary() const;        // the problems, one a line (capped)
};

// The oracle. Checks, in one read-only transaction, that the database holds
// exactly transactions 0..n-1 of the workload for some n in [min_present,
// max_present] (n is the number of markers): every node and relationship
// the model has, with its properties (SETs included), both CSR directions and
// the primary-key index agreeing, nothing the model does not have (deleted
// entities gone, deleted keys not found, nothing of transaction n or later),
// and table counts matching. With no tables at all, n is 0. Problems name the
// entity and the transaction that made (or should have made) the difference.
WorkloadCheck CheckWorkload(Database* db, uint64_t seed, int64_t min_present, int64_t max_present,
                            int64_t scale = 1);

// The same checks through an existing transaction (its snapshot), without
// the catalog check: for readers that hold a snapshot while others write.
WorkloadCheck CheckWorkloadIn(Transaction* txn, uint64_t seed, int64_t min_present, int64_t max_present,
                              int64_t scale = 1);

}  // namespace crash
}  // namespace ruzu

#endif  // RUZU_TESTS_CRASH_WORKLOAD_H_

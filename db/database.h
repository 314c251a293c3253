// ruzu's public C++ API: an embedded property-graph database in one file.
//
//   auto db = ruzu::Database::Open("graph.ruzu");          // creates if missing
//   if (!db.ok()) { ... db.status().ToString() ... }
//   auto txn = (*db)->Begin(ruzu::TransactionMode::kReadWrite);
//   (*txn)->CreateNodeTable("Person", {{"id", LogicalType::kInt64}}, "id");
//   (*txn)->InsertNode("Person", {Value::Int64(1)});
//   Status s = (*txn)->Commit();   // durable (WAL fsynced) when OK
//
// Files: NAME (pages) and NAME.wal (write-ahead log). One writer process at a
// time (an exclusive lock on NAME); read-only opens share the lock with each
// other. Every call returns a Status or Result; nothing throws and nothing
// aborts on bad input. See docs/FILE_FORMAT.md and docs/RELIABILITY.md.
#ifndef RUZU_DB_DATABASE_H_
#define RUZU_DB_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "common/types.h"

namespace ruzu {

class FileSystem;
class Transaction;

struct DatabaseOptions {
  // Memory for cached pages. A database larger than this works; pages are
  // read on demand and evicted.
  size_t buffer_pool_bytes = size_t{256} << 20;
  // Open without taking the writer lock; writes fail with kReadOnly. The WAL
  // is replayed in memory only: read-only opens never modify files.
  bool read_only = false;
  // Create the database when NAME does not exist (ignored when read_only).
  bool create_if_missing = true;
  // Checkpoint after a commit once the WAL is larger than this.
  uint64_t checkpoint_wal_bytes = uint64_t{64} << 20;
  // Checkpoint in Close() (and the destructor).
  bool checkpoint_on_close = true;
  // Memory one statement may hold in rows it keeps (sorting, grouping,
  // DISTINCT, hash joins, shortest-path searches, write buffers and its
  // result); beyond it the statement fails with kOutOfMemory and is rolled
  // back. 0: half the machine's physical memory; UINT64_MAX: no limit.
  uint64_t query_memory_bytes = 0;
  // File system to use; nullptr means the POSIX one. Tests pass a
  // fault-injecting one.
  FileSystem* file_system = nullptr;
  // Test hook, called at named points of commit, checkpoint, creation and
  // recovery (e.g. "checkpoint.after_manifest"); crash tests kill the
  // process there. docs/RELIABILITY.md lists the points.
  std::function<void(const char* point)> kill_point;
};

enum class TransactionMode { kReadOnly, kReadWrite };

// One edge as seen from a node: the node at the other end and the edge's id.
struct Edge {
  uint64_t neighbour = 0;  // offset in the other end's node table
  uint64_t rel_id = 0;
};

struct TableStats {
  std::string name;
  bool is_rel = false;
  uint64_t rows = 0;  // nodes, or relationships
};

struct DatabaseStats {
  std::vector<TableStats> tables;
  uint64_t epoch = 0;           // checkpoints since creation
  uint64_t file_pages = 0;
  uint64_t free_pages = 0;
  uint64_t manifest_bytes = 0;
  uint64_t wal_bytes = 0;
  uint64_t buffer_pool_bytes = 0;
};

class Database {
 public:
  // Opens (or creates) the database at `path`, replaying committed WAL
  // transactions. Errors: kNotADatabase (not a ruzu file), kCorruption (names
  // page or offset), kUnsupported (newer format), kDatabaseLocked (another
  // writer), kNotFound (missing and !create_if_missing or read_only).
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                DatabaseOptions options = DatabaseOptions());

  // Calls Close() if it was not called (logging any error).
  // REQUIRES: every Transaction of this database was destroyed.
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Checkpoints (unless read-only or disabled) and releases the lock.
  // REQUIRES: no transaction is open. Further calls fail with kInvalidArgument.
  Status Close();

  // Writes all committed changes into the database file (copy-on-write) and
  // resets the WAL. REQUIRES: no write transaction is open.
  Status Checkpoint();

  // Starts a transaction. Read-only transactions see the state committed
  // when they began, for their whole life. One read-write transaction at a
  // time: a second fails with kTransactionError.
  Result<std::unique_ptr<Transaction>> Begin(TransactionMode mode);

  // A snapshot of the catalog (committed tables).
  Catalog CatalogSnapshot() const;
  DatabaseStats Stats() const;

  // Full integrity check: every page checksum, page ownership (no page used
  // twice, nothing past the end, free list disjoint), catalog vs storage,
  // primary-key index vs rows, CSR forward/backward twins, relationship ids
  // unique and below next id. Returns the problems found (empty: healthy).
  Result<std::vector<std::string>> Verify();

  // Deterministic text dump of the catalog and every node and relationship
  // (sorted), for comparing database states.
  Result<std::string> Dump();

  const std::string& path() const;
  const DatabaseOptions& options() const;

  class Impl;

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend class Transaction;
  friend class Connection;  // runs COPY, which commits by a checkpoint of its own
};

// A point inside a read-write transaction that it can roll back to, made by
// Transaction::CreateSavepoint. A cheap copyable handle; a default-constructed
// one refers to no point.
class Savepoint {
 public:
  Savepoint() = default;

  class Impl;

 private:
  friend class Transaction;
  std::shared_ptr<const Impl> impl_;
};

// A unit of work. Destroying an active transaction rolls it back.
// Not thread-safe: use one transaction from one thread at a time.
class Transaction {
 public:
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  bool read_only() const;
  bool active() const;

  // Makes the transaction's changes durable (WAL fsynced) and visible.
  // On error nothing of it is visible in this process and the database stays
  // usable, except after a failed fsync: then the outcome is in doubt (the
  // transaction may or may not be present after reopening, as the kernel may
  // or may not have written it) and writes fail until the database is reopened.
  Status Commit();
  void Rollback();

  // --- savepoints (read-write transactions; in read-only ones both do nothing)
  // Marks the transaction's current point. Rolling back to it undoes what was
  // done after it (inserted nodes and relationships, updates, deletions,
  // created tables) and keeps what came before, so a failed statement can
  // undo only itself. A savepoint nobody holds any more costs nothing.
  Result<Savepoint> CreateSavepoint();
  // Undoes the changes made after `savepoint`; the transaction stays active.
  // The savepoint stays usable, those made after it do not. kInvalidArgument
  // for a savepoint of another transaction, a default-constructed one, or one
  // made after a savepoint that was rolled back to since.
  Status RollbackToSavepoint(const Savepoint& savepoint);

  // --- schema (read-write transactions)
  Result<TableId> CreateNodeTable(const std::string& name, std::vector<PropertyDef> properties,
                                  const std::string& primary_key);
  Result<TableId> CreateRelTable(const std::string& name, const std::string& from_table,
                                 const std::string& to_table, std::vector<PropertyDef> properties);

  // --- writes (read-write transactions)
  // Inserts a node with one value per property, in schema order (NULL
  // allowed except for the key; integers convert where exact). A SERIAL key
  // must be NULL: it becomes the node's offset. Defaults are not applied
  // here (NULL means NULL; Cypher's CREATE fills them in). Returns its
  // offset. Errors name the table, property and value; a duplicate key is
  // kAlreadyExists.
  Result<uint64_t> InsertNode(const std::string& table, std::vector<Value> values);
  // Inserts a relationship between the nodes with the given primary keys.
  // Returns its id. A missing endpoint is kNotFound naming the key.
  Result<uint64_t> InsertRel(const std::string& rel_table, const Value& from_key, const Value& to_key,
                             std::vector<Value> properties);

  // Sets a property of a node (not its primary key). The new value is
  // converted to the property's type where exact; errors name the property.
  Status SetNodeProperty(const std::string& table, uint64_t offset, const std::string& property, Value value);
  // Sets a property of relationship `rel_id`, which leaves node `src_offset`.
  Status SetRelProperty(const std::string& rel_table, uint64_t src_offset, uint64_t rel_id,
                        const std::string& property, Value value);
  // Deletes relationship `rel_id`, which leaves node `src_offset`.
  Status DeleteRel(const std::string& rel_table, uint64_t src_offset, uint64_t rel_id);
  // Deletes a node. A node that still has relationships is an error unless
  // `detach`, which deletes them too. Offsets are never reused.
  Status DeleteNode(const std::string& table, uint64_t offset, bool detach);

  // --- reads
  Result<std::optional<uint64_t>> LookupNode(const std::string& table, const Value& key);
  Result<uint64_t> CountNodes(const std::string& table);
  Result<uint64_t> CountRels(const std::string& rel_table);
  Result<std::vector<Value>> GetNode(const std::string& table, uint64_t offset);
  // One property (by its index in the table's schema) of a node.
  Result<Value> GetNodeProperty(const std::string& table, uint64_t offset, uint32_t property);
  // Calls `visit(offset, values)` for every node in offset order, stopping
  // early when it returns false.
  Status ScanNodes(const std::string& table,
                   const std::function<bool(uint64_t, const std::vector<Value>&)>& visit);
  // One batch of a scan: reads at most `max_rows` offsets from *begin on,
  // calling `visit` like ScanNodes, and advances *begin past what it read
  // (past the node for which `visit` returned false). *end is lowered to the
  // table's size as this transaction sees it (start with UINT64_MAX), so a
  // scan resumed after writes never reaches nodes created since. The scan is
  // done when *begin >= *end.
  Status ScanNodeRange(const std::string& table, uint64_t* begin, uint64_t* end, uint64_t max_rows,
                       const std::function<bool(uint64_t, const std::vector<Value>&)>& visit);
  // Edges of node `offset`: forward = outgoing (node is the FROM end),
  // backward = incoming.
  Result<std::vector<Edge>> Neighbours(const std::string& rel_table, uint64_t offset, bool forward);
  Result<std::vector<Value>> GetRelProperties(const std::string& rel_table, uint64_t rel_id);

  class Impl;

 private:
  friend class Database;
  explicit Transaction(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ruzu

#endif  // RUZU_DB_DATABASE_H_

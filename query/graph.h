// The storage a query runs against: one transaction's view of the graph.
//
// The query layer sits below db/ (which owns Database and Transaction), so it
// reaches storage through this interface; db/connection.cc adapts a
// ruzu::Transaction to it. Methods mirror Transaction's (see db/database.h).
#ifndef RUZU_QUERY_GRAPH_H_
#define RUZU_QUERY_GRAPH_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "common/types.h"

namespace ruzu {
namespace query {

// One edge seen from a node: the node at the other end and the edge's id.
struct GraphEdge {
  uint64_t neighbour = 0;
  uint64_t rel_id = 0;
};

// Offsets [begin, end) of a node table, for reading it a batch at a time.
struct NodeRange {
  uint64_t begin = 0;
  uint64_t end = UINT64_MAX;  // UINT64_MAX: not pinned yet (see ScanNodeRange)
};

using NodeVisitor = std::function<bool(uint64_t offset, const std::vector<Value>& values)>;

// A row the last COPY FROM on the connection skipped (IGNORE_ERRORS).
struct CopyWarning {
  std::string message;  // "file:line:column: reason"
  std::string file;
  uint64_t line = 0;
};

class GraphStore {
 public:
  virtual ~GraphStore() = default;

  // Rows skipped by the connection's last COPY FROM, for CALL show_warnings().
  virtual std::vector<CopyWarning> CopyWarnings() const { return {}; }

  virtual bool read_only() const = 0;

  // Schema changes (read-write only).
  virtual Result<TableId> CreateNodeTable(const std::string& name, std::vector<PropertyDef> properties,
                                          const std::string& primary_key) = 0;
  virtual Result<TableId> CreateRelTable(const std::string& name, const std::string& from_table,
                                         const std::string& to_table,
                                         std::vector<PropertyDef> properties) = 0;

  // Writes (read-write only).
  virtual Result<uint64_t> InsertNode(const std::string& table, std::vector<Value> values) = 0;
  virtual Result<uint64_t> InsertRel(const std::string& rel_table, const Value& from_key,
                                     const Value& to_key, std::vector<Value> properties) = 0;
  virtual Status SetNodeProperty(const std::string& table, uint64_t offset, const std::string& property,
                                 Value value) = 0;
  virtual Status SetRelProperty(const std::string& rel_table, uint64_t src_offset, uint64_t rel_id,
                                const std::string& property, Value value) = 0;
  virtual Status DeleteRel(const std::string& rel_table, uint64_t src_offset, uint64_t rel_id) = 0;
  virtual Status DeleteNode(const std::string& table, uint64_t offset, bool detach) = 0;

  // Reads.
  virtual Result<std::optional<uint64_t>> LookupNode(const std::string& table, const Value& key) = 0;
  virtual Result<uint64_t> CountNodes(const std::string& table) = 0;
  virtual Result<uint64_t> CountRels(const std::string& rel_table) = 0;
  virtual Result<std::vector<Value>> GetNode(const std::string& table, uint64_t offset) = 0;
  // One property of a node: cheaper than GetNode when a query reads few.
  virtual Result<Value> GetNodeProperty(const std::string& table, uint64_t offset, uint32_t property) {
    ASSIGN_OR_RETURN(std::vector<Value> values, GetNode(table, offset));
    if (property >= values.size()) return InternalError("property index out of range");
    return values[property];
  }
  // Reads at most `max_rows` offsets from range->begin on, calling `visit`
  // for each node that exists for this transaction, in offset order, and
  // advances range->begin past what it read (past the node for which
  // `visit` returned false, which stops it early). The first call pins
  // range->end to the table's size as seen then, so a scan resumed after
  // writes never reaches nodes created since. Done when begin >= end.
  virtual Status ScanNodeRange(const std::string& table, NodeRange* range, uint64_t max_rows,
                               const NodeVisitor& visit) = 0;
  // Every node in offset order until `visit` returns false (ScanNodeRange
  // repeated).
  Status ScanNodes(const std::string& table, const NodeVisitor& visit);
  virtual Result<std::vector<GraphEdge>> Neighbours(const std::string& rel_table, uint64_t offset,
                                                    bool forward) = 0;
  // Neighbours into *edges (replacing its contents), so that a caller
  // walking many nodes reuses one buffer.
  virtual Status NeighboursInto(const std::string& rel_table, uint64_t offset, bool forward,
                                std::vector<GraphEdge>* edges) {
    ASSIGN_OR_RETURN(*edges, Neighbours(rel_table, offset, forward));
    return Status::OK();
  }
  virtual Result<std::vector<Value>> GetRelProperties(const std::string& rel_table, uint64_t rel_id) = 0;
};

}  // namespace query
}  // namespace ruzu

#endif  // RUZU_QUERY_GRAPH_H_

// One CSR node group of one direction of a relationship table, as a blob:
//   [offsets x (num_nodes + 1)][neighbour offsets x num_edges]
//   [relationship ids x num_edges]
// each section in the narrowest of 1, 2, 4 or 8 bytes per integer that holds
// its largest value (CsrGroupMeta::widths). Node i of the group (bound node
// group * kNodeGroupSize + i) has the edges [offsets[i], offsets[i + 1]).
#ifndef RUZU_STORAGE_CSR_H_
#define RUZU_STORAGE_CSR_H_

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "storage/buffer_pool.h"
#include "storage/free_space_map.h"
#include "storage/format/manifest_generated.h"

namespace ruzu {

struct CsrEdge {
  uint64_t neighbour = 0;  // node offset in the other end's table
  uint64_t rel_id = 0;
  bool operator==(const CsrEdge& o) const { return neighbour == o.neighbour && rel_id == o.rel_id; }
};

// A whole group in memory: edges of node i are edges[offsets[i]..offsets[i+1]).
struct CsrGroupData {
  std::vector<uint64_t> offsets{0};
  std::vector<CsrEdge> edges;
  uint64_t num_nodes() const { return offsets.size() - 1; }
};

Result<format::CsrGroupMeta> WriteCsrGroup(const CsrGroupData& group, FreeSpaceMap* space,
                                           BufferPool* pool);
// Checks sizes against the group's pages (a corrupt manifest cannot cause
// wild reads or huge allocations).
Status ValidateCsrGroup(const format::CsrGroupMeta& meta);
// Reads and checks the whole group (offsets ascending, last == num_edges).
Status ReadCsrGroup(BufferPool* pool, const format::CsrGroupMeta& meta, CsrGroupData* out);
// Appends the edges of node `local` (0-based within the group) to `out`.
// Nodes at or past num_nodes have none.
Status ReadCsrNode(BufferPool* pool, const format::CsrGroupMeta& meta, uint64_t local,
                   std::vector<CsrEdge>* out);

inline PageExtent CsrExtent(const format::CsrGroupMeta& meta) {
  return PageExtent{meta.first_page(), meta.page_count()};
}

}  // namespace ruzu

#endif  // RUZU_STORAGE_CSR_H_

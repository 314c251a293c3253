#include "storage/csr.h"

#include "storage/column_chunk.h"
#include "storage/page_io.h"

namespace ruzu {
namespace {

struct Layout {
  PageId offsets, neighbours, rel_ids;
  uint64_t pages;
};

Layout LayoutOf(PageId first, uint64_t num_nodes, uint64_t num_edges) {
  Layout l;
  l.offsets = first;
  l.neighbours = l.offsets + FixedSectionPages(num_nodes + 1, 8);
  l.rel_ids = l.neighbours + FixedSectionPages(num_edges, 8);
  l.pages = l.rel_ids + FixedSectionPages(num_edges, 8) - first;
  return l;
}

Status Bad(const format::CsrGroupMeta& meta, const std::string& why) {
  return Corruption("CSR group at page " + std::to_string(meta.first_page()) + ": " + why);
}

}  // namespace

Result<format::CsrGroupMeta> WriteCsrGroup(const CsrGroupData& group, FreeSpaceMap* space,
                                           BufferPool* pool) {
  std::vector<uint64_t> neighbours(group.edges.size()), rel_ids(group.edges.size());
  for (size_t i = 0; i < group.edges.size(); i++) {
    neighbours[i] = group.edges[i].neighbour;
    rel_ids[i] = group.edges[i].rel_id;
  }
  BlobBuilder blob;
  blob.AddFixed(group.offsets.data(), group.offsets.size(), 8);
  blob.AddFixed(neighbours.data(), neighbours.size(), 8);
  blob.AddFixed(rel_ids.data(), rel_ids.size(), 8);
  ASSIGN_OR_RETURN(PageExtent extent, blob.Write(space, pool));
  return format::CsrGroupMeta(extent.first, static_cast<uint32_t>(extent.count),
                              static_cast<uint32_t>(group.num_nodes()), group.edges.size());
}

Status ValidateCsrGroup(const format::CsrGroupMeta& meta) {
  if (meta.page_count() == 0) {
    // An absent group (no node of it had edges when it was written).
    if (meta.num_nodes() != 0 || meta.num_edges() != 0) return Bad(meta, "has edges but no pages");
    return Status::OK();
  }
  if (meta.num_nodes() > kNodeGroupSize) return Bad(meta, "more nodes than a group holds");
  if (meta.num_edges() > uint64_t{meta.page_count()} * kPagePayloadSize / 16) {
    return Bad(meta, "more edges than its pages hold");
  }
  if (LayoutOf(meta.first_page(), meta.num_nodes(), meta.num_edges()).pages > meta.page_count()) {
    return Bad(meta, "sections larger than the group");
  }
  if (meta.first_page() < kFirstDataPage) return Bad(meta, "points into the header");
  return Status::OK();
}

Status ReadCsrGroup(BufferPool* pool, const format::CsrGroupMeta& meta, CsrGroupData* out) {
  RETURN_IF_ERROR(ValidateCsrGroup(meta));
  Layout l = LayoutOf(meta.first_page(), meta.num_nodes(), meta.num_edges());
  out->offsets.resize(meta.num_nodes() + 1);
  RETURN_IF_ERROR(ReadFixedRange(pool, l.offsets, 8, 0, out->offsets.size(), out->offsets.data()));
  for (size_t i = 1; i < out->offsets.size(); i++) {
    if (out->offsets[i] < out->offsets[i - 1]) return Bad(meta, "offsets not ascending");
  }
  if (out->offsets[0] != 0 || out->offsets.back() != meta.num_edges()) {
    return Bad(meta, "offsets do not match the edge count");
  }
  std::vector<uint64_t> neighbours(meta.num_edges()), rel_ids(meta.num_edges());
  RETURN_IF_ERROR(ReadFixedRange(pool, l.neighbours, 8, 0, neighbours.size(), neighbours.data()));
  RETURN_IF_ERROR(ReadFixedRange(pool, l.rel_ids, 8, 0, rel_ids.size(), rel_ids.data()));
  out->edges.resize(meta.num_edges());
  for (size_t i = 0; i < neighbours.size(); i++) out->edges[i] = CsrEdge{neighbours[i], rel_ids[i]};
  return Status::OK();
}

Status ReadCsrNode(BufferPool* pool, const format::CsrGroupMeta& meta, uint64_t local,
                   std::vector<CsrEdge>* out) {
  if (local >= meta.num_nodes()) return Status::OK();
  RETURN_IF_ERROR(ValidateCsrGroup(meta));
  Layout l = LayoutOf(meta.first_page(), meta.num_nodes(), meta.num_edges());
  uint64_t range[2];
  RETURN_IF_ERROR(ReadFixedRange(pool, l.offsets, 8, local, 2, range));
  if (range[1] < range[0] || range[1] > meta.num_edges()) return Bad(meta, "offsets out of range");
  uint64_t n = range[1] - range[0];
  if (n == 0) return Status::OK();
  std::vector<uint64_t> neighbours(n), rel_ids(n);
  RETURN_IF_ERROR(ReadFixedRange(pool, l.neighbours, 8, range[0], n, neighbours.data()));
  RETURN_IF_ERROR(ReadFixedRange(pool, l.rel_ids, 8, range[0], n, rel_ids.data()));
  for (uint64_t i = 0; i < n; i++) out->push_back(CsrEdge{neighbours[i], rel_ids[i]});
  return Status::OK();
}

}  // namespace ruzu

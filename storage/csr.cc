#include "storage/csr.h"

#include <algorithm>

#include "storage/column_chunk.h"
#include "storage/page_io.h"

namespace ruzu {
namespace {

struct Widths {
  uint32_t offsets = 8, neighbours = 8, rel_ids = 8;
};

// The fewest bytes (1..8) that hold `max_value`.
uint32_t WidthFor(uint64_t max_value) { return std::max<uint32_t>(1, BytesFor(max_value)); }

bool ValidWidth(uint32_t w) { return w >= 1 && w <= 8; }

uint32_t PackWidths(const Widths& w) { return w.offsets | w.neighbours << 4 | w.rel_ids << 8; }
Widths UnpackWidths(uint32_t packed) {
  return Widths{packed & 0xF, packed >> 4 & 0xF, packed >> 8 & 0xF};
}

struct Layout {
  PageId offsets, neighbours, rel_ids;
  uint64_t pages;
};

Layout LayoutOf(PageId first, uint64_t num_nodes, uint64_t num_edges, const Widths& w) {
  Layout l;
  l.offsets = first;
  l.neighbours = l.offsets + FixedSectionPages(num_nodes + 1, w.offsets);
  l.rel_ids = l.neighbours + FixedSectionPages(num_edges, w.neighbours);
  l.pages = l.rel_ids + FixedSectionPages(num_edges, w.rel_ids) - first;
  return l;
}

// Little-endian, `width` bytes per value.
std::string Narrow(const std::vector<uint64_t>& values, uint32_t width) {
  std::string out;
  AppendPacked(values.data(), values.size(), width, &out);
  return out;
}

// Reads `count` values of `width` bytes at item `begin` of a section.
Status ReadWide(BufferPool* pool, PageId section, uint32_t width, uint64_t begin, uint64_t count, uint64_t* out) {
  std::string raw(count * width, '\0');
  RETURN_IF_ERROR(ReadFixedRange(pool, section, width, begin, count, raw.data()));
  for (uint64_t i = 0; i < count; i++) out[i] = LoadPacked(&raw[i * width], width);
  return Status::OK();
}

Status Bad(const format::CsrGroupMeta& meta, const std::string& why) {
  return Corruption("CSR group at page " + std::to_string(meta.first_page()) + ": " + why);
}

}  // namespace

Result<format::CsrGroupMeta> WriteCsrGroup(const CsrGroupData& group, FreeSpaceMap* space,
                                           BufferPool* pool) {
  std::vector<uint64_t> neighbours(group.edges.size()), rel_ids(group.edges.size());
  uint64_t max_neighbour = 0, max_rel_id = 0;
  for (size_t i = 0; i < group.edges.size(); i++) {
    neighbours[i] = group.edges[i].neighbour;
    rel_ids[i] = group.edges[i].rel_id;
    max_neighbour = std::max(max_neighbour, neighbours[i]);
    max_rel_id = std::max(max_rel_id, rel_ids[i]);
  }
  Widths w{WidthFor(group.edges.size()), WidthFor(max_neighbour), WidthFor(max_rel_id)};
  BlobBuilder blob;
  std::string bytes = Narrow(group.offsets, w.offsets);
  blob.AddFixed(bytes.data(), group.offsets.size(), w.offsets);
  bytes = Narrow(neighbours, w.neighbours);
  blob.AddFixed(bytes.data(), neighbours.size(), w.neighbours);
  bytes = Narrow(rel_ids, w.rel_ids);
  blob.AddFixed(bytes.data(), rel_ids.size(), w.rel_ids);
  ASSIGN_OR_RETURN(PageExtent extent, blob.Write(space, pool));
  return format::CsrGroupMeta(extent.first, static_cast<uint32_t>(extent.count),
                              static_cast<uint32_t>(group.num_nodes()), group.edges.size(), PackWidths(w), 0);
}

Status ValidateCsrGroup(const format::CsrGroupMeta& meta) {
  if (meta.page_count() == 0) {
    // An absent group (no node of it had edges when it was written).
    if (meta.num_nodes() != 0 || meta.num_edges() != 0) return Bad(meta, "has edges but no pages");
    return Status::OK();
  }
  const Widths w = UnpackWidths(meta.widths());
  if (!ValidWidth(w.offsets) || !ValidWidth(w.neighbours) || !ValidWidth(w.rel_ids) || meta.widths() >> 12 != 0) {
    return Bad(meta, "invalid integer widths " + std::to_string(meta.widths()));
  }
  if (meta.num_nodes() > kNodeGroupSize) return Bad(meta, "more nodes than a group holds");
  if (meta.num_edges() > uint64_t{meta.page_count()} * kPagePayloadSize / 2) {
    return Bad(meta, "more edges than its pages hold");
  }
  if (LayoutOf(meta.first_page(), meta.num_nodes(), meta.num_edges(), w).pages > meta.page_count()) {
    return Bad(meta, "sections larger than the group");
  }
  if (meta.first_page() < kFirstDataPage) return Bad(meta, "points into the header");
  return Status::OK();
}

Status ReadCsrGroup(BufferPool* pool, const format::CsrGroupMeta& meta, CsrGroupData* out) {
  RETURN_IF_ERROR(ValidateCsrGroup(meta));
  const Widths w = UnpackWidths(meta.widths());
  Layout l = LayoutOf(meta.first_page(), meta.num_nodes(), meta.num_edges(), w);
  out->offsets.resize(meta.num_nodes() + 1);
  RETURN_IF_ERROR(ReadWide(pool, l.offsets, w.offsets, 0, out->offsets.size(), out->offsets.data()));
  for (size_t i = 1; i < out->offsets.size(); i++) {
    if (out->offsets[i] < out->offsets[i - 1]) return Bad(meta, "offsets not ascending");
  }
  if (out->offsets[0] != 0 || out->offsets.back() != meta.num_edges()) {
    return Bad(meta, "offsets do not match the edge count");
  }
  std::vector<uint64_t> neighbours(meta.num_edges()), rel_ids(meta.num_edges());
  RETURN_IF_ERROR(ReadWide(pool, l.neighbours, w.neighbours, 0, neighbours.size(), neighbours.data()));
  RETURN_IF_ERROR(ReadWide(pool, l.rel_ids, w.rel_ids, 0, rel_ids.size(), rel_ids.data()));
  out->edges.resize(meta.num_edges());
  for (size_t i = 0; i < neighbours.size(); i++) out->edges[i] = CsrEdge{neighbours[i], rel_ids[i]};
  return Status::OK();
}

Status ReadCsrNode(BufferPool* pool, const format::CsrGroupMeta& meta, uint64_t local,
                   std::vector<CsrEdge>* out) {
  if (local >= meta.num_nodes()) return Status::OK();
  RETURN_IF_ERROR(ValidateCsrGroup(meta));
  const Widths w = UnpackWidths(meta.widths());
  Layout l = LayoutOf(meta.first_page(), meta.num_nodes(), meta.num_edges(), w);
  uint64_t range[2];
  RETURN_IF_ERROR(ReadWide(pool, l.offsets, w.offsets, local, 2, range));
  if (range[1] < range[0] || range[1] > meta.num_edges()) return Bad(meta, "offsets out of range");
  const uint64_t n = range[1] - range[0];
  if (n == 0) return Status::OK();
  std::vector<uint64_t> values(2 * n);
  RETURN_IF_ERROR(ReadWide(pool, l.neighbours, w.neighbours, range[0], n, values.data()));
  RETURN_IF_ERROR(ReadWide(pool, l.rel_ids, w.rel_ids, range[0], n, values.data() + n));
  out->reserve(out->size() + n);
  for (uint64_t i = 0; i < n; i++) out->push_back(CsrEdge{values[i], values[n + i]});
  return Status::OK();
}

}  // namespace ruzu

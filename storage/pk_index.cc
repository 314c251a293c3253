#include "storage/pk_index.h"

#include <xxhash.h>

#include "storage/page_io.h"

namespace ruzu {

static_assert(sizeof(PkEntry) == 16, "PkEntry is stored raw");

uint64_t PkKeyCode(const Value& key) {
  if (key.type() == LogicalType::kString) {
    return XXH3_64bits(key.string_value().data(), key.string_value().size());
  }
  return static_cast<uint64_t>(key.int_value());
}

Result<PageExtent> WritePkIndex(const std::vector<PkEntry>& sorted, FreeSpaceMap* space, BufferPool* pool) {
  BlobBuilder blob;
  blob.AddFixed(sorted.data(), sorted.size(), sizeof(PkEntry));
  return blob.Write(space, pool);
}

bool PkIndexFits(PageExtent extent, uint64_t num_entries) {
  return FixedSectionPages(num_entries, sizeof(PkEntry)) <= extent.count &&
         (num_entries == 0 || extent.first >= kFirstDataPage);
}

Status PkIndexLookup(BufferPool* pool, PageExtent extent, uint64_t num_entries, uint64_t code,
                     std::vector<uint64_t>* out) {
  if (num_entries == 0) return Status::OK();
  if (!PkIndexFits(extent, num_entries)) {
    return Corruption("primary-key index at page " + std::to_string(extent.first) + " is larger than its pages");
  }
  // Lower bound: the first entry with entry.code >= code.
  uint64_t lo = 0, hi = num_entries;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    PkEntry e;
    RETURN_IF_ERROR(ReadFixedItem(pool, extent.first, sizeof(PkEntry), mid, &e));
    if (e.code < code) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  for (uint64_t i = lo; i < num_entries; i++) {
    PkEntry e;
    RETURN_IF_ERROR(ReadFixedItem(pool, extent.first, sizeof(PkEntry), i, &e));
    if (e.code != code) break;
    out->push_back(e.offset);
  }
  return Status::OK();
}

Status ReadPkIndex(BufferPool* pool, PageExtent extent, uint64_t num_entries, std::vector<PkEntry>* out) {
  if (num_entries == 0) return Status::OK();
  if (!PkIndexFits(extent, num_entries)) {
    return Corruption("primary-key index at page " + std::to_string(extent.first) + " is larger than its pages");
  }
  size_t start = out->size();
  out->resize(start + num_entries);
  return ReadFixedRange(pool, extent.first, sizeof(PkEntry), 0, num_entries, &(*out)[start]);
}

}  // namespace ruzu

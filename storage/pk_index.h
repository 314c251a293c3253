// Primary-key index: a sorted run of (u64 key code, u64 node offset) pairs
// in a fixed-width blob section, searched by binary search through the
// buffer pool (no load at open). Integer keys use their value as the code
// (exact); STRING keys use a 64-bit hash, so a lookup returns candidates the
// caller confirms against the key column.
#ifndef RUZU_STORAGE_PK_INDEX_H_
#define RUZU_STORAGE_PK_INDEX_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "storage/buffer_pool.h"
#include "storage/free_space_map.h"

namespace ruzu {

struct PkEntry {
  uint64_t code = 0;
  uint64_t offset = 0;
  bool operator<(const PkEntry& o) const { return code < o.code || (code == o.code && offset < o.offset); }
};

// The code of a non-NULL key value.
uint64_t PkKeyCode(const Value& key);

// Writes `sorted` (ascending) as a new blob.
Result<PageExtent> WritePkIndex(const std::vector<PkEntry>& sorted, FreeSpaceMap* space, BufferPool* pool);
// Appends the offsets of every entry with `code` to `out`.
Status PkIndexLookup(BufferPool* pool, PageExtent extent, uint64_t num_entries, uint64_t code,
                     std::vector<uint64_t>* out);
// Reads every entry (for merging at checkpoint and for verification).
Status ReadPkIndex(BufferPool* pool, PageExtent extent, uint64_t num_entries, std::vector<PkEntry>* out);
// Whether `num_entries` fit in `extent` (manifest sanity check).
bool PkIndexFits(PageExtent extent, uint64_t num_entries);

}  // namespace ruzu

#endif  // RUZU_STORAGE_PK_INDEX_H_

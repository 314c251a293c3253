// Primary-key index: a sorted run of (u64 key code, u64 node offset) pairs,
// followed by a fence section holding the first code of each entries page.
// A lookup loads the (small) fences once, binary-searches them in memory and
// pins one entries page, usually. Nothing is loaded at open. Integer keys use
// their value as the code (exact); STRING keys use a 64-bit hash, so a lookup
// returns candidates the caller confirms against the key column.
#ifndef RUZU_STORAGE_PK_INDEX_H_
#define RUZU_STORAGE_PK_INDEX_H_

#include <cstdint>
#include <memory>
#include <mutex>
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

// Writes `sorted` (ascending) as a new index blob.
Result<PageExtent> WritePkIndex(const std::vector<PkEntry>& sorted, FreeSpaceMap* space, BufferPool* pool);

// A checkpointed index. Thread-safe.
class PkIndex {
 public:
  PkIndex() = default;
  PkIndex(PageExtent extent, uint64_t entries) : extent_(extent), entries_(entries) {}
  PkIndex& operator=(const PkIndex& other);

  // Whether `entries` fit the extent (manifest sanity check).
  bool Fits() const;
  // Appends the offsets of every entry with `code` to `out`.
  Status Lookup(BufferPool* pool, uint64_t code, std::vector<uint64_t>* out) const;
  // Reads every entry (for merging at checkpoint).
  Status ReadAll(BufferPool* pool, std::vector<PkEntry>* out) const;

  PageExtent extent() const { return extent_; }
  uint64_t entries() const { return entries_; }

 private:
  Result<std::shared_ptr<const std::vector<uint64_t>>> Fences(BufferPool* pool) const;

  PageExtent extent_{kInvalidPageId, 0};
  uint64_t entries_ = 0;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const std::vector<uint64_t>> fences_;
};

}  // namespace ruzu

#endif  // RUZU_STORAGE_PK_INDEX_H_

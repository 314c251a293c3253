// FreeSpaceMap: which pages of the database file are free, as sorted,
// coalesced extents. Checkpoints allocate new pages from it (never pages the
// current manifest uses) and free the old ones only after the new header is
// durable. Persisted in the manifest as a list of extents.
#ifndef RUZU_STORAGE_FREE_SPACE_MAP_H_
#define RUZU_STORAGE_FREE_SPACE_MAP_H_

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "common/status.h"
#include "storage/page_file.h"

namespace ruzu {

struct PageExtent {
  PageId first = kInvalidPageId;
  uint64_t count = 0;
  bool operator==(const PageExtent& o) const { return first == o.first && count == o.count; }
};

class FreeSpaceMap {
 public:
  FreeSpaceMap() = default;
  // `page_count`: pages in the file; pages at or beyond it are implicitly free
  // (allocating there grows the file). REQUIRES: Validate(free_extents,
  // page_count) is OK (CHECKed); adjacent extents are coalesced.
  FreeSpaceMap(std::vector<PageExtent> free_extents, uint64_t page_count);

  // Checks extents read from disk before constructing a map from them:
  // kCorruption when page_count < kFirstDataPage, an extent is empty, covers a
  // header page, reaches past page_count, or overlaps another extent.
  static Status Validate(const std::vector<PageExtent>& free_extents, uint64_t page_count);

  // Returns `count` consecutive pages: best fit among free extents, else at
  // the end of the file (growing page_count).
  PageExtent Allocate(uint64_t count);
  // Marks an extent free, coalescing with neighbours. REQUIRES: not free yet
  // and below page_count (CHECKed: double free is an internal bug).
  void Free(PageExtent extent);
  bool IsFree(PageId page) const;

  uint64_t page_count() const { return page_count_; }
  uint64_t free_page_count() const;
  std::vector<PageExtent> Extents() const;

 private:
  void Insert(PageId first, uint64_t count);
  void Erase(std::map<PageId, uint64_t>::iterator it);

  std::map<PageId, uint64_t> free_;  // first page -> count
  std::set<std::pair<uint64_t, PageId>> by_size_;  // (count, first), for best fit
  uint64_t free_pages_ = 0;
  uint64_t page_count_ = kFirstDataPage;
};

}  // namespace ruzu

#endif  // RUZU_STORAGE_FREE_SPACE_MAP_H_

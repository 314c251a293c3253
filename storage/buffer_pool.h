// BufferPool: caches verified pages of a PageFile within a fixed byte budget.
//
// Pages on disk are immutable while the current manifest references them
// (checkpoints are copy-on-write), so cached frames are read-only. A page is
// written again only after it was freed and reallocated; WritePage writes it
// through and drops any cached copy.
//
// Thread-safety: Pin/Unpin may be called from many threads at once; misses
// are read without holding the pool-wide lock. WritePage is called only by
// the checkpointer while no reader holds that page pinned.
#ifndef RUZU_STORAGE_BUFFER_POOL_H_
#define RUZU_STORAGE_BUFFER_POOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/status.h"
#include "storage/page_file.h"

namespace ruzu {

class BufferPool;

// A pinned page. Unpins on destruction. Movable, not copyable.
class PageHandle {
 public:
  PageHandle() = default;
  PageHandle(PageHandle&& other) noexcept;
  PageHandle& operator=(PageHandle&& other) noexcept;
  PageHandle(const PageHandle&) = delete;
  PageHandle& operator=(const PageHandle&) = delete;
  ~PageHandle();

  bool valid() const { return pool_ != nullptr; }
  PageId page_id() const { return page_id_; }
  // The page's kPagePayloadSize payload bytes; valid while pinned.
  const char* data() const { return data_; }
  void Release();  // unpins early

 private:
  friend class BufferPool;
  PageHandle(BufferPool* pool, size_t frame, PageId page_id, const char* data)
      : pool_(pool), frame_(frame), page_id_(page_id), data_(data) {}
  BufferPool* pool_ = nullptr;
  size_t frame_ = 0;
  PageId page_id_ = kInvalidPageId;
  const char* data_ = nullptr;
};

struct BufferPoolStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  size_t frames = 0;         // capacity in pages
  size_t frames_in_use = 0;  // frames holding a page
};

class BufferPool {
 public:
  static constexpr size_t kMinBytes = 64 * kPageSize;  // 256 KiB
  static constexpr size_t kDefaultBytes = size_t{256} << 20;  // 256 MiB

  // `capacity_bytes` is rounded down to whole pages and raised to kMinBytes.
  // Frame memory is allocated lazily, so an idle pool costs almost nothing.
  BufferPool(PageFile* file, size_t capacity_bytes);
  ~BufferPool();

  // Pins page `id`, reading and verifying it on a miss. Errors: the
  // PageFile's read errors (kCorruption naming the page), kOutOfMemory when
  // every frame is pinned.
  Result<PageHandle> Pin(PageId id);
  // Writes `payload` through to the file as page `id` and drops any cached
  // copy. REQUIRES: page `id` is not pinned.
  Status WritePage(PageId id, const char* payload);
  // Drops every unpinned cached page (used after a failed checkpoint).
  void DiscardAll();

  BufferPoolStats stats() const;
  size_t capacity_bytes() const;

 private:
  friend class PageHandle;
  void Unpin(size_t frame);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ruzu

#endif  // RUZU_STORAGE_BUFFER_POOL_H_

#include "storage/buffer_pool.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/logging.h"

namespace ruzu {

// ---------------------------------------------------------------------------
// PageHandle

PageHandle::PageHandle(PageHandle&& other) noexcept
    : pool_(other.pool_), frame_(other.frame_), page_id_(other.page_id_), data_(other.data_) {
  other.pool_ = nullptr;
  other.page_id_ = kInvalidPageId;
  other.data_ = nullptr;
}

PageHandle& PageHandle::operator=(PageHandle&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    frame_ = other.frame_;
    page_id_ = other.page_id_;
    data_ = other.data_;
    other.pool_ = nullptr;
    other.page_id_ = kInvalidPageId;
    other.data_ = nullptr;
  }
  return *this;
}

PageHandle::~PageHandle() { Release(); }

void PageHandle::Release() {
  if (pool_ == nullptr) return;
  pool_->Unpin(frame_);
  pool_ = nullptr;
  page_id_ = kInvalidPageId;
  data_ = nullptr;
}

// ---------------------------------------------------------------------------
// BufferPool
//
// Frame life cycle (all transitions under Impl::mu):
//   kFree    --Pin miss-->       kLoading (in the page table, pinned by the loader)
//   kLoading --read ok-->        kReady
//   kLoading --read failed-->    kFailed (out of the page table; waiters still pin it)
//   kFailed  --last unpin-->     kFree
//   kReady   --evict/discard-->  kFree (only when unpinned)
// Threads that find a page kLoading pin the frame and wait on `loaded`, so the
// frame cannot be reused under them; the disk read happens without `mu`.

struct BufferPool::Impl {
  enum class State { kFree, kLoading, kReady, kFailed };
  struct Frame {
    std::unique_ptr<char[]> data;  // kPageSize bytes, allocated on first use
    PageId page = kInvalidPageId;
    uint32_t pins = 0;
    bool referenced = false;  // clock second-chance bit
    State state = State::kFree;
    Status error;  // the read error while kFailed
  };

  PageFile* file;
  size_t max_frames;

  mutable std::mutex mu;
  std::condition_variable loaded;
  // Grows up to max_frames as frames are first used. Frame data lives on the
  // heap, so pointers handed out stay valid when the vector reallocates.
  std::vector<Frame> frames;
  std::vector<size_t> free_frames;  // used before but now kFree
  std::unordered_map<PageId, size_t> table;
  size_t clock_hand = 0;
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;

  Impl(PageFile* f, size_t n) : file(f), max_frames(n) {}

  void FreeFrame(size_t i) {
    Frame& f = frames[i];
    f.page = kInvalidPageId;
    f.pins = 0;
    f.referenced = false;
    f.state = State::kFree;
    f.error = Status::OK();
    free_frames.push_back(i);
  }

  // Finds a frame for a new page: a free one, a never-used one, or an
  // unpinned victim chosen by the clock. REQUIRES: mu held.
  Result<size_t> GrabFrame() {
    if (!free_frames.empty()) {
      size_t i = free_frames.back();
      free_frames.pop_back();
      return i;
    }
    if (frames.size() < max_frames) {
      frames.emplace_back();
      return frames.size() - 1;
    }
    // Two sweeps: the first may only clear reference bits.
    for (size_t step = 0; step < 2 * frames.size(); step++) {
      size_t i = clock_hand;
      clock_hand = (clock_hand + 1) % frames.size();
      Frame& f = frames[i];
      if (f.state != State::kReady || f.pins != 0) continue;
      if (f.referenced) {
        f.referenced = false;
        continue;
      }
      table.erase(f.page);
      evictions++;
      f.page = kInvalidPageId;
      f.state = State::kFree;
      return i;
    }
    return OutOfMemory("buffer pool exhausted: all " + std::to_string(max_frames) +
                       " frames are pinned");
  }
};

BufferPool::BufferPool(PageFile* file, size_t capacity_bytes) {
  CHECK(file != nullptr);
  size_t bytes = std::max(capacity_bytes, kMinBytes);
  impl_ = std::make_unique<Impl>(file, bytes / kPageSize);
}

BufferPool::~BufferPool() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (const Impl::Frame& f : impl_->frames) {
    CHECK_EQ(f.pins, 0u) << "buffer pool destroyed while page " << f.page << " is pinned";
  }
}

Result<PageHandle> BufferPool::Pin(PageId id) {
  Impl& s = *impl_;
  std::unique_lock<std::mutex> lock(s.mu);
  auto it = s.table.find(id);
  if (it != s.table.end()) {
    size_t i = it->second;
    Impl::Frame* f = &s.frames[i];
    f->pins++;
    f->referenced = true;
    if (f->state == Impl::State::kLoading) {
      // Another thread is reading this page; our pin keeps the frame ours.
      s.loaded.wait(lock, [&] { return s.frames[i].state != Impl::State::kLoading; });
      f = &s.frames[i];  // frames may have reallocated while we waited
      if (f->state == Impl::State::kFailed) {
        Status error = f->error;
        if (--f->pins == 0) s.FreeFrame(i);
        return error;
      }
    }
    CHECK(f->state == Impl::State::kReady);
    s.hits++;
    return PageHandle(this, i, id, f->data.get());
  }

  // Miss: claim a frame, then read without holding the lock.
  ASSIGN_OR_RETURN(size_t i, s.GrabFrame());
  Impl::Frame* f = &s.frames[i];
  if (f->data == nullptr) {
    f->data.reset(new (std::nothrow) char[kPageSize]);
    if (f->data == nullptr) {
      s.free_frames.push_back(i);
      return OutOfMemory("buffer pool: cannot allocate a " + std::to_string(kPageSize) +
                         "-byte frame");
    }
  }
  f->page = id;
  f->pins = 1;
  f->referenced = true;
  f->state = Impl::State::kLoading;
  f->error = Status::OK();
  s.table.emplace(id, i);
  s.misses++;
  char* data = f->data.get();

  lock.unlock();
  Status st = s.file->ReadPage(id, data);
  lock.lock();

  f = &s.frames[i];
  if (!st.ok()) {
    f->state = Impl::State::kFailed;
    f->error = st;
    s.table.erase(id);
    if (--f->pins == 0) s.FreeFrame(i);
    s.loaded.notify_all();
    return st;
  }
  f->state = Impl::State::kReady;
  s.loaded.notify_all();
  return PageHandle(this, i, id, data);
}

void BufferPool::Unpin(size_t frame) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  Impl::Frame& f = impl_->frames[frame];
  CHECK_GT(f.pins, 0u) << "unpin of unpinned page " << f.page;
  CHECK(f.state == Impl::State::kReady);
  f.pins--;
}

Status BufferPool::WritePage(PageId id, const char* payload) {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->table.find(id);
    if (it != impl_->table.end()) {
      size_t i = it->second;
      CHECK_EQ(impl_->frames[i].pins, 0u) << "WritePage of pinned page " << id;
      impl_->table.erase(it);
      impl_->FreeFrame(i);
    }
  }
  return impl_->file->WritePage(id, payload);
}

void BufferPool::DiscardAll() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (size_t i = 0; i < impl_->frames.size(); i++) {
    Impl::Frame& f = impl_->frames[i];
    if (f.state != Impl::State::kReady || f.pins != 0) continue;
    impl_->table.erase(f.page);
    impl_->FreeFrame(i);
  }
}

BufferPoolStats BufferPool::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BufferPoolStats st;
  st.hits = impl_->hits;
  st.misses = impl_->misses;
  st.evictions = impl_->evictions;
  st.frames = impl_->max_frames;
  st.frames_in_use = impl_->table.size();
  return st;
}

size_t BufferPool::capacity_bytes() const { return impl_->max_frames * kPageSize; }

}  // namespace ruzu

#include "storage/buffer_pool.h"

#include <gtest/gtest.h>

#include "common/test_util.h"
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "storage/file_system.h"
#include "storage/page_file.h"

namespace ruzu {
namespace {

constexpr uint64_t kDbId = 0x5EED5EED12345678ull;


// Page `id`'s expected payload, version `v`.
std::vector<char> Content(PageId id, uint64_t v = 0) {
  std::vector<char> p(kPagePayloadSize);
  std::mt19937_64 rng(id * 1000003 + v);
  for (size_t i = 0; i + 8 <= p.size(); i += 8) {
    uint64_t x = rng();
    std::memcpy(&p[i], &x, 8);
  }
  return p;
}

bool Matches(const PageHandle& h, PageId id, uint64_t v = 0) {
  std::vector<char> expect = Content(id, v);
  return h.valid() && h.page_id() == id && std::memcmp(h.data(), expect.data(), kPagePayloadSize) == 0;
}

// A File that forwards to another and can count reads and hold them at a gate.
class GatedFile final : public File {
 public:
  explicit GatedFile(std::unique_ptr<File> inner) : File(inner->path()), inner_(std::move(inner)) {}

  Status ReadAt(uint64_t offset, size_t n, char* out, size_t* bytes_read) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      reads_[offset / kPageSize]++;
      entered_.notify_all();
      gate_cv_.wait(lock, [&] { return !gated_; });
    }
    return inner_->ReadAt(offset, n, out, bytes_read);
  }
  Status WriteAt(uint64_t offset, const char* data, size_t n) override {
    return inner_->WriteAt(offset, data, n);
  }
  Status Sync() override { return inner_->Sync(); }
  Status Truncate(uint64_t size) override { return inner_->Truncate(size); }
  Result<uint64_t> Size() override { return inner_->Size(); }
  Status Lock(LockMode mode) override { return inner_->Lock(mode); }

  void CloseGate() {
    std::lock_guard<std::mutex> lock(mu_);
    gated_ = true;
  }
  void OpenGate() {
    std::lock_guard<std::mutex> lock(mu_);
    gated_ = false;
    gate_cv_.notify_all();
  }
  // Waits until at least `n` reads of page `id` have started.
  void WaitForReads(PageId id, int n) {
    std::unique_lock<std::mutex> lock(mu_);
    entered_.wait(lock, [&] { return reads_[id] >= n; });
  }
  int reads(PageId id) {
    std::lock_guard<std::mutex> lock(mu_);
    return reads_[id];
  }

 private:
  std::unique_ptr<File> inner_;
  std::mutex mu_;
  std::condition_variable gate_cv_;
  std::condition_variable entered_;
  bool gated_ = false;
  std::map<PageId, int> reads_;
};

class BufferPoolTest : public ::testing::Test {
 protected:
  // Creates a file with data pages [kFirstDataPage, kFirstDataPage + pages).
  void MakeFile(uint64_t pages) {
    path_ = TempPath("db");
    OpenOptions opts;
    opts.create = true;
    auto f = FileSystem::Default()->Open(path_, opts);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    auto gated = std::make_unique<GatedFile>(std::move(f).value());
    gated_ = gated.get();
    file_ = std::make_unique<PageFile>(std::move(gated), kDbId);
    for (PageId id = kFirstDataPage; id < kFirstDataPage + pages; id++) {
      ASSERT_TRUE(file_->WritePage(id, Content(id).data()).ok());
    }
  }

  // Damages the file through a separate descriptor (not counted as a read).
  void FlipByteOnDisk(PageId id, size_t byte) {
    auto f = FileSystem::Default()->Open(path_, OpenOptions());
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    char c = 0;
    size_t n = 0;
    ASSERT_TRUE((*f)->ReadAt(id * kPageSize + byte, 1, &c, &n).ok());
    ASSERT_EQ(n, 1u);
    c ^= 0x20;
    ASSERT_TRUE((*f)->WriteAt(id * kPageSize + byte, &c, 1).ok());
  }

  // Pins 64 distinct good pages at once (skipping `bad`), checking contents.
  void PinAllFrames(BufferPool* pool, PageId bad) {
    std::vector<PageHandle> held;
    for (PageId id = kFirstDataPage; held.size() < 64; id++) {
      if (id == bad) continue;
      auto h = pool->Pin(id);
      ASSERT_TRUE(h.ok()) << "page " << id << ": " << h.status().ToString();
      ASSERT_TRUE(Matches(*h, id));
      held.push_back(std::move(h).value());
    }
    EXPECT_EQ(pool->stats().frames_in_use, 64u);
  }

  std::string path_;
  GatedFile* gated_ = nullptr;
  std::unique_ptr<PageFile> file_;
};

TEST_F(BufferPoolTest, CapacityIsRoundedAndRaised) {
  MakeFile(1);
  BufferPool tiny(file_.get(), 0);
  EXPECT_EQ(tiny.capacity_bytes(), BufferPool::kMinBytes);
  EXPECT_EQ(tiny.stats().frames, 64u);
  BufferPool odd(file_.get(), 100 * kPageSize + 17);
  EXPECT_EQ(odd.capacity_bytes(), 100 * kPageSize);
  EXPECT_EQ(odd.stats().frames, 100u);
  // A default-sized pool starts empty.
  BufferPool big(file_.get(), BufferPool::kDefaultBytes);
  EXPECT_EQ(big.stats().frames, BufferPool::kDefaultBytes / kPageSize);
  EXPECT_EQ(big.stats().frames_in_use, 0u);
}

TEST_F(BufferPoolTest, HitsAndMisses) {
  MakeFile(10);
  BufferPool pool(file_.get(), 0);
  {
    auto a = pool.Pin(5);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_TRUE(Matches(*a, 5));
    auto b = pool.Pin(5);  // pinned twice at once
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(a->data(), b->data());
  }
  auto c = pool.Pin(5);  // cached after unpinning
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(Matches(*c, 5));
  auto d = pool.Pin(6);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(Matches(*d, 6));
  BufferPoolStats s = pool.stats();
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.evictions, 0u);
  EXPECT_EQ(s.frames_in_use, 2u);
  EXPECT_EQ(gated_->reads(5), 1);
}

TEST_F(BufferPoolTest, EvictsWhenMorePagesThanFrames) {
  const uint64_t kPages = 1000;
  MakeFile(kPages);
  BufferPool pool(file_.get(), 64 * kPageSize);
  for (int round = 0; round < 2; round++) {
    for (PageId id = kFirstDataPage; id < kFirstDataPage + kPages; id++) {
      auto h = pool.Pin(id);
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      ASSERT_TRUE(Matches(*h, id)) << id;
    }
  }
  BufferPoolStats s = pool.stats();
  EXPECT_EQ(s.misses, 2 * kPages);  // a sequential scan larger than the pool
  EXPECT_EQ(s.evictions, 2 * kPages - 64);
  EXPECT_EQ(s.frames_in_use, 64u);

  // Random access with a hot set: hot pages stay cached.
  std::mt19937 rng(1);
  for (int i = 0; i < 5000; i++) {
    PageId id = (i % 2 == 0) ? kFirstDataPage + rng() % 8 : kFirstDataPage + rng() % kPages;
    auto h = pool.Pin(id);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    ASSERT_TRUE(Matches(*h, id)) << id;
  }
  s = pool.stats();
  EXPECT_GT(s.hits, 2000u);
  EXPECT_LE(s.frames_in_use, 64u);
}

TEST_F(BufferPoolTest, SecondChanceKeepsRecentlyUsedPages) {
  MakeFile(200);
  BufferPool pool(file_.get(), 64 * kPageSize);
  for (PageId id = 2; id < 66; id++) ASSERT_TRUE(pool.Pin(id).ok());  // fill all 64
  // One eviction sweep clears every reference bit and evicts the first frame.
  ASSERT_TRUE(pool.Pin(100).ok());
  // Touch page 3 again: it gets a second chance, page 4 is next to go.
  ASSERT_TRUE(pool.Pin(3).ok());
  ASSERT_TRUE(pool.Pin(101).ok());
  uint64_t misses = pool.stats().misses;
  ASSERT_TRUE(pool.Pin(3).ok());
  EXPECT_EQ(pool.stats().misses, misses) << "page 3 was evicted despite its reference bit";
  ASSERT_TRUE(pool.Pin(4).ok());
  EXPECT_EQ(pool.stats().misses, misses + 1) << "page 4 should have been evicted";
}

TEST_F(BufferPoolTest, ExhaustionAndRecovery) {
  MakeFile(100);
  BufferPool pool(file_.get(), 0);
  std::vector<PageHandle> held;
  for (PageId id = 2; id < 66; id++) {
    auto h = pool.Pin(id);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    held.push_back(std::move(h).value());
  }
  auto r = pool.Pin(66);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfMemory);
  EXPECT_EQ(r.status().message(), "buffer pool exhausted: all 64 frames are pinned");
  // An already cached page can still be pinned again.
  auto again = pool.Pin(10);
  ASSERT_TRUE(again.ok());
  again->Release();
  EXPECT_FALSE(again->valid());
  // Releasing one handle (by move-assigning an empty one) makes room.
  held[20] = PageHandle();
  auto ok = pool.Pin(66);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(Matches(*ok, 66));
  // Page 22 was the one evicted; the rest are intact.
  for (const PageHandle& h : held) {
    if (h.valid()) {
      EXPECT_TRUE(Matches(h, h.page_id()));
    }
  }
  // Full again.
  EXPECT_EQ(pool.Pin(67).status().code(), StatusCode::kOutOfMemory);
  held.clear();
  ok->Release();
  auto later = pool.Pin(67);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(Matches(*later, 67));
}

TEST_F(BufferPoolTest, HandleMoves) {
  MakeFile(100);
  BufferPool pool(file_.get(), 0);
  auto r = pool.Pin(7);
  ASSERT_TRUE(r.ok());
  PageHandle a = std::move(r).value();
  PageHandle b(std::move(a));
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_TRUE(Matches(b, 7));
  PageHandle c;
  c = std::move(b);
  EXPECT_FALSE(b.valid());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(Matches(c, 7));
  // Move-assigning over a valid handle unpins its page: pin 63 more, then
  // replace c's page; page 7 must have become evictable.
  std::vector<PageHandle> held;
  for (PageId id = 10; id < 73; id++) held.push_back(std::move(pool.Pin(id)).value());
  c = std::move(held.back());
  held.pop_back();
  EXPECT_EQ(c.page_id(), 72u);
  auto more = pool.Pin(80);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  c.Release();
  c.Release();  // twice is harmless
}

TEST_F(BufferPoolTest, ConcurrentReaders) {
  const uint64_t kPages = 500;
  MakeFile(kPages);
  BufferPool pool(file_.get(), 64 * kPageSize);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(100 + t);
      std::vector<PageHandle> held;  // up to 4 pins at a time per thread
      for (int i = 0; i < 5000; i++) {
        PageId id = kFirstDataPage + rng() % kPages;
        auto h = pool.Pin(id);
        if (!h.ok() || !Matches(*h, id)) {
          failures++;
          continue;
        }
        held.push_back(std::move(h).value());
        if (held.size() > 4) held.erase(held.begin() + rng() % held.size());
        for (const PageHandle& x : held) {
          if (!Matches(x, x.page_id())) failures++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  BufferPoolStats s = pool.stats();
  EXPECT_EQ(s.hits + s.misses, 4u * 5000);
  EXPECT_GT(s.evictions, 0u);
  EXPECT_LE(s.frames_in_use, 64u);
}

TEST_F(BufferPoolTest, ConcurrentMissesOfOnePageReadItOnce) {
  MakeFile(20);
  BufferPool pool(file_.get(), 0);
  gated_->CloseGate();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  std::atomic<int> started{0};
  for (int t = 0; t < 6; t++) {
    threads.emplace_back([&] {
      started++;
      auto h = pool.Pin(9);
      if (h.ok() && Matches(*h, 9)) ok++;
    });
  }
  gated_->WaitForReads(9, 1);
  while (started.load() < 6) std::this_thread::yield();
  // Give the other threads time to find the page loading (they must wait, not read).
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // The pool lock is not held during the read: other pages still work.
  std::thread other([&] {
    auto h = pool.Pin(10);
    if (h.ok() && Matches(*h, 10)) ok++;
  });
  gated_->WaitForReads(10, 1);
  gated_->OpenGate();
  for (auto& t : threads) t.join();
  other.join();
  EXPECT_EQ(ok.load(), 7);
  EXPECT_EQ(gated_->reads(9), 1);
  EXPECT_EQ(pool.stats().misses, 2u);
  EXPECT_EQ(pool.stats().hits, 5u);
}

TEST_F(BufferPoolTest, ConcurrentMissesShareAFailedRead) {
  MakeFile(100);
  FlipByteOnDisk(9, 100);
  BufferPool pool(file_.get(), 0);
  gated_->CloseGate();
  std::vector<std::thread> threads;
  std::atomic<int> corrupt{0};
  std::atomic<int> started{0};
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&] {
      started++;
      auto h = pool.Pin(9);
      if (!h.ok() && h.status().IsCorruption() &&
          h.status().message().find("page 9:") != std::string::npos) {
        corrupt++;
      }
    });
  }
  gated_->WaitForReads(9, 1);
  while (started.load() < 4) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  gated_->OpenGate();
  for (auto& t : threads) t.join();
  EXPECT_EQ(corrupt.load(), 4);
  EXPECT_EQ(gated_->reads(9), 1);
  EXPECT_EQ(pool.stats().frames_in_use, 0u);
  // The failed frame was returned: all 64 frames can still be pinned.
  PinAllFrames(&pool, 9);
}

TEST_F(BufferPoolTest, WritePageInvalidatesCachedCopy) {
  MakeFile(20);
  BufferPool pool(file_.get(), 0);
  {
    auto h = pool.Pin(12);
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(Matches(*h, 12, 0));
  }
  ASSERT_TRUE(pool.WritePage(12, Content(12, 1).data()).ok());
  EXPECT_EQ(pool.stats().frames_in_use, 0u);
  auto h = pool.Pin(12);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(Matches(*h, 12, 1));
  EXPECT_EQ(pool.stats().misses, 2u);
  EXPECT_EQ(gated_->reads(12), 2);
  h->Release();
  // Written with the right checksum: readable without the pool too.
  std::vector<char> page(kPageSize);
  ASSERT_TRUE(file_->ReadPage(12, page.data()).ok());
  // Writing a page that is not cached (or past the end) also works.
  ASSERT_TRUE(pool.WritePage(30, Content(30, 2).data()).ok());
  auto n = pool.Pin(30);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_TRUE(Matches(*n, 30, 2));
}

TEST_F(BufferPoolTest, DiscardAllDropsUnpinnedPages) {
  MakeFile(20);
  BufferPool pool(file_.get(), 0);
  auto keep = pool.Pin(3);
  ASSERT_TRUE(keep.ok());
  for (PageId id = 4; id < 10; id++) ASSERT_TRUE(pool.Pin(id).ok());
  EXPECT_EQ(pool.stats().frames_in_use, 7u);
  pool.DiscardAll();
  EXPECT_EQ(pool.stats().frames_in_use, 1u);
  EXPECT_TRUE(Matches(*keep, 3));
  uint64_t misses = pool.stats().misses;
  ASSERT_TRUE(pool.Pin(5).ok());
  EXPECT_EQ(pool.stats().misses, misses + 1);
  ASSERT_TRUE(pool.Pin(3).ok());
  EXPECT_EQ(pool.stats().misses, misses + 1);
}

TEST_F(BufferPoolTest, CorruptPageIsReportedAndNotCached) {
  MakeFile(100);
  FlipByteOnDisk(20, 4000);
  BufferPool pool(file_.get(), 0);
  auto bad = pool.Pin(20);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(bad.status().message(), "page 20: checksum mismatch in '" + path_ + "'");
  EXPECT_EQ(pool.stats().frames_in_use, 0u);
  auto good = pool.Pin(21);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_TRUE(Matches(*good, 21));
  // Not cached: a second Pin reads again and fails again.
  EXPECT_TRUE(pool.Pin(20).status().IsCorruption());
  EXPECT_EQ(gated_->reads(20), 2);
  // Beyond the end of the file.
  auto beyond = pool.Pin(5000);
  EXPECT_EQ(beyond.status().code(), StatusCode::kCorruption);
  EXPECT_NE(beyond.status().message().find("beyond end of file"), std::string::npos);
  // Failed reads never leak frames: all 64 frames can still be pinned.
  for (int round = 0; round < 100; round++) EXPECT_FALSE(pool.Pin(20).ok());
  good->Release();
  PinAllFrames(&pool, 20);
}

TEST_F(BufferPoolTest, DataIsThePayload) {
  MakeFile(4);
  BufferPool pool(file_.get(), 0);
  auto h = pool.Pin(3);
  ASSERT_TRUE(h.ok());
  std::vector<char> expect = Content(3);
  EXPECT_EQ(std::memcmp(h->data(), expect.data(), kPagePayloadSize), 0);
  EXPECT_EQ(h->page_id(), 3u);
}

TEST_F(BufferPoolTest, WritePageOfPinnedPageDies) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  MakeFile(4);
  EXPECT_DEATH(
      {
        BufferPool pool(file_.get(), 0);
        auto h = pool.Pin(3);
        (void)pool.WritePage(3, Content(3, 1).data());
      },
      "pinned");
}

}  // namespace
}  // namespace ruzu

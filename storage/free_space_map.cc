#include "storage/free_space_map.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "common/logging.h"

namespace ruzu {
namespace {

std::string ExtentString(const PageExtent& e) {
  return "[" + std::to_string(e.first) + ", +" + std::to_string(e.count) + ")";
}

}  // namespace

Status FreeSpaceMap::Validate(const std::vector<PageExtent>& free_extents, uint64_t page_count) {
  if (page_count < kFirstDataPage) {
    return Corruption("free space map: page count " + std::to_string(page_count) +
                      " is below the first data page");
  }
  std::vector<PageExtent> sorted = free_extents;
  std::sort(sorted.begin(), sorted.end(),
            [](const PageExtent& a, const PageExtent& b) { return a.first < b.first; });
  uint64_t prev_end = kFirstDataPage;
  for (const PageExtent& e : sorted) {
    if (e.count == 0) return Corruption("free space map: empty extent " + ExtentString(e));
    if (e.first < kFirstDataPage) {
      return Corruption("free space map: extent " + ExtentString(e) + " covers a header page");
    }
    if (e.first > page_count || e.count > page_count - e.first) {
      return Corruption("free space map: extent " + ExtentString(e) + " reaches past page count " +
                        std::to_string(page_count));
    }
    if (e.first < prev_end) {
      return Corruption("free space map: extent " + ExtentString(e) + " overlaps another extent");
    }
    prev_end = e.first + e.count;
  }
  return Status::OK();
}

FreeSpaceMap::FreeSpaceMap(std::vector<PageExtent> free_extents, uint64_t page_count)
    : page_count_(page_count) {
  Status st = Validate(free_extents, page_count);
  CHECK(st.ok()) << st.ToString();
  // Free() coalesces adjacent extents.
  for (const PageExtent& e : free_extents) Free(e);
}

void FreeSpaceMap::Insert(PageId first, uint64_t count) {
  free_.emplace(first, count);
  by_size_.emplace(count, first);
  free_pages_ += count;
}

void FreeSpaceMap::Erase(std::map<PageId, uint64_t>::iterator it) {
  by_size_.erase({it->second, it->first});
  free_pages_ -= it->second;
  free_.erase(it);
}

PageExtent FreeSpaceMap::Allocate(uint64_t count) {
  CHECK_GT(count, 0u);
  // Best fit: the smallest extent that is large enough (lowest page on ties).
  auto fit = by_size_.lower_bound({count, 0});
  if (fit != by_size_.end()) {
    PageId first = fit->second;
    uint64_t size = fit->first;
    Erase(free_.find(first));
    if (size > count) Insert(first + count, size - count);
    return PageExtent{first, count};
  }
  // Grow the file. A free extent at the very end is used as the start of the
  // new extent rather than being stranded.
  PageId first = page_count_;
  if (!free_.empty()) {
    auto last = std::prev(free_.end());
    if (last->first + last->second == page_count_) {
      first = last->first;
      Erase(last);
    }
  }
  CHECK_LE(count, std::numeric_limits<uint64_t>::max() - first);
  page_count_ = first + count;
  return PageExtent{first, count};
}

void FreeSpaceMap::Free(PageExtent extent) {
  CHECK_GT(extent.count, 0u) << "freeing empty extent " << ExtentString(extent);
  CHECK_GE(extent.first, kFirstDataPage) << "freeing header page " << ExtentString(extent);
  CHECK(extent.first <= page_count_ && extent.count <= page_count_ - extent.first)
      << "freeing " << ExtentString(extent) << " past page count " << page_count_;
  PageId first = extent.first;
  uint64_t count = extent.count;
  uint64_t end = first + count;

  auto next = free_.lower_bound(first);
  if (next != free_.end()) {
    CHECK_GE(next->first, end) << "double free: " << ExtentString(extent) << " overlaps free extent "
                               << ExtentString(PageExtent{next->first, next->second});
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    uint64_t prev_end = prev->first + prev->second;
    CHECK_LE(prev_end, first) << "double free: " << ExtentString(extent) << " overlaps free extent "
                              << ExtentString(PageExtent{prev->first, prev->second});
    if (prev_end == first) {
      first = prev->first;
      count += prev->second;
      Erase(prev);
    }
  }
  if (next != free_.end() && next->first == end) {
    count += next->second;
    Erase(next);
  }
  Insert(first, count);
}

bool FreeSpaceMap::IsFree(PageId page) const {
  if (page >= page_count_) return true;
  auto it = free_.upper_bound(page);
  if (it == free_.begin()) return false;
  --it;
  return page - it->first < it->second;
}

uint64_t FreeSpaceMap::free_page_count() const { return free_pages_; }

std::vector<PageExtent> FreeSpaceMap::Extents() const {
  std::vector<PageExtent> out;
  out.reserve(free_.size());
  for (const auto& [first, count] : free_) out.push_back(PageExtent{first, count});
  return out;
}

}  // namespace ruzu

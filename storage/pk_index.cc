#include "storage/pk_index.h"

#include <xxhash.h>

#include <cstring>

#include <algorithm>

#include "storage/page_io.h"

namespace ruzu {
namespace {

static_assert(sizeof(PkEntry) == 16, "PkEntry is stored raw");
constexpr uint64_t kEntriesPerPage = kPagePayloadSize / sizeof(PkEntry);

uint64_t EntryPages(uint64_t entries) { return FixedSectionPages(entries, sizeof(PkEntry)); }

}  // namespace

uint64_t PkKeyCode(const Value& key) {
  if (key.type() == LogicalType::kString) {
    return XXH3_64bits(key.string_value().data(), key.string_value().size());
  }
  return static_cast<uint64_t>(key.int_value());
}

Result<PageExtent> WritePkIndex(const std::vector<PkEntry>& sorted, FreeSpaceMap* space, BufferPool* pool) {
  std::vector<uint64_t> fences;
  for (uint64_t i = 0; i < sorted.size(); i += kEntriesPerPage) fences.push_back(sorted[i].code);
  BlobBuilder blob;
  blob.AddFixed(sorted.data(), sorted.size(), sizeof(PkEntry));
  blob.AddFixed(fences.data(), fences.size(), sizeof(uint64_t));
  return blob.Write(space, pool);
}

PkIndex& PkIndex::operator=(const PkIndex& other) {
  if (this == &other) return *this;
  std::lock_guard lock(mu_);
  extent_ = other.extent_;
  entries_ = other.entries_;
  fences_.reset();
  return *this;
}

bool PkIndex::Fits() const {
  if (entries_ == 0) return true;
  const uint64_t pages = EntryPages(entries_);
  return extent_.first >= kFirstDataPage && pages + FixedSectionPages(pages, 8) <= extent_.count;
}

Result<std::shared_ptr<const std::vector<uint64_t>>> PkIndex::Fences(BufferPool* pool) const {
  std::lock_guard lock(mu_);
  if (fences_ == nullptr) {
    auto fences = std::make_shared<std::vector<uint64_t>>(EntryPages(entries_));
    RETURN_IF_ERROR(ReadFixedRange(pool, extent_.first + EntryPages(entries_), sizeof(uint64_t), 0,
                                   fences->size(), fences->data()));
    if (!std::is_sorted(fences->begin(), fences->end())) {
      return Corruption("primary-key index at page " + std::to_string(extent_.first) + ": fences out of order");
    }
    fences_ = std::move(fences);
  }
  return fences_;
}

Status PkIndex::Lookup(BufferPool* pool, uint64_t code, std::vector<uint64_t>* out) const {
  if (entries_ == 0) return Status::OK();
  if (!Fits()) {
    return Corruption("primary-key index at page " + std::to_string(extent_.first) + " is larger than its pages");
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const std::vector<uint64_t>> fences, Fences(pool));
  // Entries equal to `code` may start on the page before the first fence
  // that is >= code.
  auto it = std::lower_bound(fences->begin(), fences->end(), code);
  uint64_t page = it == fences->begin() ? 0 : static_cast<uint64_t>(it - fences->begin()) - 1;
  const uint64_t pages = fences->size();
  for (; page < pages; page++) {
    ASSIGN_OR_RETURN(PageHandle handle, pool->Pin(extent_.first + page));
    const uint64_t n = std::min(kEntriesPerPage, entries_ - page * kEntriesPerPage);
    std::vector<PkEntry> items(n);
    std::memcpy(items.data(), handle.data(), n * sizeof(PkEntry));
    auto pos = std::lower_bound(items.begin(), items.end(), code,
                                [](const PkEntry& e, uint64_t c) { return e.code < c; });
    for (; pos != items.end() && pos->code == code; ++pos) out->push_back(pos->offset);
    if (pos != items.end()) break;  // passed the code: later pages hold larger codes
  }
  return Status::OK();
}

Status PkIndex::ReadAll(BufferPool* pool, std::vector<PkEntry>* out) const {
  if (entries_ == 0) return Status::OK();
  if (!Fits()) {
    return Corruption("primary-key index at page " + std::to_string(extent_.first) + " is larger than its pages");
  }
  size_t start = out->size();
  out->resize(start + entries_);
  return ReadFixedRange(pool, extent_.first, sizeof(PkEntry), 0, entries_, &(*out)[start]);
}

}  // namespace ruzu

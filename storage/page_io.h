// Blobs: data laid out over consecutive pages in sections. A section starts
// on a page boundary and is either
//   - fixed-width: items of `width` bytes, floor(4088 / width) per page, so
//     no item straddles a page (random access is one page), or
//   - bytes: a byte stream filling each page's 4088-byte payload in turn.
// Column chunks, CSR groups, the primary-key index and the manifest are
// blobs. Their section sizes follow from counts kept in the manifest.
#ifndef RUZU_STORAGE_PAGE_IO_H_
#define RUZU_STORAGE_PAGE_IO_H_

#include <cstdint>
#include <string>

#include "common/status.h"
#include "storage/buffer_pool.h"
#include "storage/free_space_map.h"

namespace ruzu {

// Pages a fixed-width section of `count` items needs.
uint64_t FixedSectionPages(uint64_t count, uint32_t width);
// Pages a byte section of `n` bytes needs.
uint64_t ByteSectionPages(uint64_t n);

// The fewest bytes (0..8) that hold `max_value` as an unsigned integer.
uint32_t BytesFor(uint64_t max_value);
// Appends values as little-endian integers of `width` bytes each.
void AppendPacked(const uint64_t* values, size_t count, uint32_t width, std::string* out);
// The little-endian integer of `width` bytes at `in`.
inline uint64_t LoadPacked(const char* in, uint32_t width) {
  uint64_t v = 0;
  for (uint32_t b = 0; b < width; b++) v |= uint64_t{static_cast<uint8_t>(in[b])} << (8 * b);
  return v;
}

// Builds a blob in memory, then writes it to newly allocated pages.
class BlobBuilder {
 public:
  void AddFixed(const void* items, uint64_t count, uint32_t width);
  void AddBytes(const void* data, uint64_t n);
  uint64_t page_count() const { return payload_.size() / kPagePayloadSize; }
  // Allocates page_count() pages from `space` (an empty blob allocates
  // nothing and returns {kInvalidPageId, 0}) and writes them through `pool`.
  Result<PageExtent> Write(FreeSpaceMap* space, BufferPool* pool) const;
  // Writes into `extent` (already allocated), padding with empty pages.
  // REQUIRES: page_count() <= extent.count.
  Status WriteTo(PageExtent extent, BufferPool* pool) const;

 private:
  std::string payload_;  // whole page payloads, back to back
};

// Reads item `index` of the fixed-width section starting at `first_page`.
Status ReadFixedItem(BufferPool* pool, PageId first_page, uint32_t width, uint64_t index, void* out);
// Reads items [begin, begin + count) of a fixed-width section into `out`.
Status ReadFixedRange(BufferPool* pool, PageId first_page, uint32_t width, uint64_t begin,
                      uint64_t count, void* out);
// Reads `n` bytes at byte offset `offset` of the byte section at `first_page`.
Status ReadBytes(BufferPool* pool, PageId first_page, uint64_t offset, uint64_t n, void* out);

}  // namespace ruzu

#endif  // RUZU_STORAGE_PAGE_IO_H_

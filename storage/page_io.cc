#include "storage/page_io.h"

#include <cstring>

#include "common/logging.h"

namespace ruzu {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "pages store integers little-endian, as the host does");

uint64_t FixedSectionPages(uint64_t count, uint32_t width) {
  uint64_t per_page = kPagePayloadSize / width;
  return (count + per_page - 1) / per_page;
}

uint64_t ByteSectionPages(uint64_t n) { return (n + kPagePayloadSize - 1) / kPagePayloadSize; }

uint32_t BytesFor(uint64_t max_value) {
  uint32_t bytes = 0;
  while (max_value != 0) {
    bytes++;
    max_value >>= 8;
  }
  return bytes;
}

void AppendPacked(const uint64_t* values, size_t count, uint32_t width, std::string* out) {
  size_t at = out->size();
  out->resize(at + count * width);
  char* dst = out->data() + at;
  if (width == 8) {
    std::memcpy(dst, values, count * 8);  // little-endian host (x86-64, aarch64)
    return;
  }
  for (size_t i = 0; i < count; i++) {
    uint64_t v = values[i];
    for (uint32_t b = 0; b < width; b++) *dst++ = static_cast<char>(v >> (8 * b));
  }
}

void BlobBuilder::AddFixed(const void* items, uint64_t count, uint32_t width) {
  CHECK_GT(width, 0u);
  const char* src = static_cast<const char*>(items);
  uint64_t per_page = kPagePayloadSize / width;
  for (uint64_t done = 0; done < count; done += per_page) {
    uint64_t n = std::min(per_page, count - done);
    size_t start = payload_.size();
    payload_.resize(start + kPagePayloadSize, '\0');
    std::memcpy(&payload_[start], src + done * width, n * width);
  }
}

void BlobBuilder::AddBytes(const void* data, uint64_t n) {
  size_t start = payload_.size();
  payload_.resize(start + ByteSectionPages(n) * kPagePayloadSize, '\0');
  if (n > 0) std::memcpy(&payload_[start], data, n);
}

Result<PageExtent> BlobBuilder::Write(FreeSpaceMap* space, BufferPool* pool) const {
  uint64_t pages = page_count();
  if (pages == 0) return PageExtent{kInvalidPageId, 0};
  PageExtent extent = space->Allocate(pages);
  for (uint64_t i = 0; i < pages; i++) {
    Status s = pool->WritePage(extent.first + i, payload_.data() + i * kPagePayloadSize);
    if (!s.ok()) {
      space->Free(extent);
      return s;
    }
  }
  return extent;
}

Status BlobBuilder::WriteTo(PageExtent extent, BufferPool* pool) const {
  CHECK_LE(page_count(), extent.count);
  const std::string empty(kPagePayloadSize, '\0');
  for (uint64_t i = 0; i < extent.count; i++) {
    const char* payload = i < page_count() ? payload_.data() + i * kPagePayloadSize : empty.data();
    RETURN_IF_ERROR(pool->WritePage(extent.first + i, payload));
  }
  return Status::OK();
}

Status ReadFixedItem(BufferPool* pool, PageId first_page, uint32_t width, uint64_t index, void* out) {
  uint64_t per_page = kPagePayloadSize / width;
  ASSIGN_OR_RETURN(PageHandle page, pool->Pin(first_page + index / per_page));
  std::memcpy(out, page.data() + (index % per_page) * width, width);
  return Status::OK();
}

Status ReadFixedRange(BufferPool* pool, PageId first_page, uint32_t width, uint64_t begin,
                      uint64_t count, void* out) {
  uint64_t per_page = kPagePayloadSize / width;
  char* dst = static_cast<char*>(out);
  uint64_t i = begin, end = begin + count;
  while (i < end) {
    uint64_t slot = i % per_page;
    uint64_t n = std::min(per_page - slot, end - i);
    ASSIGN_OR_RETURN(PageHandle page, pool->Pin(first_page + i / per_page));
    std::memcpy(dst, page.data() + slot * width, n * width);
    dst += n * width;
    i += n;
  }
  return Status::OK();
}

Status ReadBytes(BufferPool* pool, PageId first_page, uint64_t offset, uint64_t n, void* out) {
  char* dst = static_cast<char*>(out);
  while (n > 0) {
    uint64_t in_page = offset % kPagePayloadSize;
    uint64_t take = std::min<uint64_t>(kPagePayloadSize - in_page, n);
    ASSIGN_OR_RETURN(PageHandle page, pool->Pin(first_page + offset / kPagePayloadSize));
    std::memcpy(dst, page.data() + in_page, take);
    dst += take;
    offset += take;
    n -= take;
  }
  return Status::OK();
}

}  // namespace ruzu

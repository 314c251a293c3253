// A column chunk: one column's values for one group of rows, as a blob.
//   [null bitmap bytes, only when flags & kChunkHasNulls]
// then, with flags & kChunkPacked (integers, DATE, TIMESTAMP and STRING as
// written now), one byte section with w = (flags >> 8) & 0xFF bytes per
// little-endian integer (0..8):
//   integer types: [i64 base][value - base, w bytes each]   (frame of reference)
//   STRING:        [end offset per value, w bytes each][string bytes]
// and otherwise (DOUBLE, FLOAT, BOOL, and chunks of format version 1):
//   fixed-width types: [values, FixedWidth(type) bytes each]
//   STRING:            [u64 end offset per value][string bytes]
// A NULL's slot holds the base / zero (or an empty string).
#ifndef RUZU_STORAGE_COLUMN_CHUNK_H_
#define RUZU_STORAGE_COLUMN_CHUNK_H_

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "storage/buffer_pool.h"
#include "storage/free_space_map.h"
#include "storage/format/manifest_generated.h"

namespace ruzu {

// Rows per node group (node columns, CSR groups, relationship properties).
// A checkpoint rewrites only the groups that changed.
constexpr uint64_t kNodeGroupSize = 4096;
constexpr uint32_t kChunkHasNulls = 1;
constexpr uint32_t kChunkPacked = 2;

// Writes `values` (all of `type` or NULL) as a new chunk.
Result<format::ChunkMeta> WriteChunk(const Value* values, size_t count, LogicalType type, FreeSpaceMap* space,
                                     BufferPool* pool);
inline Result<format::ChunkMeta> WriteChunk(const std::vector<Value>& values, LogicalType type,
                                            FreeSpaceMap* space, BufferPool* pool) {
  return WriteChunk(values.data(), values.size(), type, space, pool);
}

// Checks that `meta` is self-consistent for `type` (sizes fit its pages and a
// group) so a corrupt manifest cannot cause huge allocations or wild reads.
Status ValidateChunk(const format::ChunkMeta& meta, LogicalType type);

// Appends values [begin, begin + count) of the chunk to `out`.
// REQUIRES: ValidateChunk(meta, type) passed; begin + count <= num_values.
Status ReadChunk(BufferPool* pool, const format::ChunkMeta& meta, LogicalType type, uint64_t begin,
                 uint64_t count, std::vector<Value>* out);

// All pages of a chunk, for freeing.
inline PageExtent ChunkExtent(const format::ChunkMeta& meta) {
  return PageExtent{meta.first_page(), meta.page_count()};
}

}  // namespace ruzu

#endif  // RUZU_STORAGE_COLUMN_CHUNK_H_

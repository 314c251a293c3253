#include "storage/column_chunk.h"

#include <algorithm>
#include <cstring>

#include "storage/page_io.h"

namespace ruzu {
namespace {

uint64_t BitmapBytes(uint64_t n) { return (n + 7) / 8; }

// Raw fixed-width encoding of a non-NULL value.
void EncodeFixed(const Value& v, LogicalType type, char* out) {
  switch (type) {
    case LogicalType::kInt64: case LogicalType::kTimestamp: {
      int64_t x = v.int_value();
      std::memcpy(out, &x, 8);
      break;
    }
    case LogicalType::kInt32: case LogicalType::kDate: {
      int32_t x = static_cast<int32_t>(v.int_value());
      std::memcpy(out, &x, 4);
      break;
    }
    case LogicalType::kInt16: {
      int16_t x = static_cast<int16_t>(v.int_value());
      std::memcpy(out, &x, 2);
      break;
    }
    case LogicalType::kInt8: case LogicalType::kBool:
      out[0] = static_cast<char>(v.int_value());
      break;
    case LogicalType::kDouble: {
      double x = v.double_value();
      std::memcpy(out, &x, 8);
      break;
    }
    case LogicalType::kFloat: {
      float x = static_cast<float>(v.double_value());
      std::memcpy(out, &x, 4);
      break;
    }
    default:  // STRING and query-time types are not fixed-width
      break;
  }
}

Value DecodeFixed(const char* in, LogicalType type) {
  switch (type) {
    case LogicalType::kInt64: case LogicalType::kTimestamp: {
      int64_t x;
      std::memcpy(&x, in, 8);
      return type == LogicalType::kInt64 ? Value::Int64(x) : Value::Timestamp(x);
    }
    case LogicalType::kInt32: case LogicalType::kDate: {
      int32_t x;
      std::memcpy(&x, in, 4);
      return type == LogicalType::kInt32 ? Value::Int32(x) : Value::Date(x);
    }
    case LogicalType::kInt16: {
      int16_t x;
      std::memcpy(&x, in, 2);
      return Value::Int16(x);
    }
    case LogicalType::kInt8: return Value::Int8(static_cast<int8_t>(in[0]));
    case LogicalType::kBool: return Value::Bool(in[0] != 0);
    case LogicalType::kDouble: {
      double x;
      std::memcpy(&x, in, 8);
      return Value::Double(x);
    }
    case LogicalType::kFloat: {
      float x;
      std::memcpy(&x, in, 4);
      return Value::Float(x);
    }
    default: break;  // not fixed-width
  }
  return Value::Null(type);
}

// Types written with kChunkPacked.
bool IsPackedType(LogicalType type) {
  switch (type) {
    case LogicalType::kInt64: case LogicalType::kInt32: case LogicalType::kInt16: case LogicalType::kInt8:
    case LogicalType::kDate: case LogicalType::kTimestamp: case LogicalType::kString:
      return true;
    default:
      return false;
  }
}

Value IntegerValue(LogicalType type, int64_t v) {
  switch (type) {
    case LogicalType::kInt32: return Value::Int32(static_cast<int32_t>(v));
    case LogicalType::kInt16: return Value::Int16(static_cast<int16_t>(v));
    case LogicalType::kInt8: return Value::Int8(static_cast<int8_t>(v));
    case LogicalType::kDate: return Value::Date(static_cast<int32_t>(v));
    case LogicalType::kTimestamp: return Value::Timestamp(v);
    default: return Value::Int64(v);
  }
}

uint32_t PackedWidth(const format::ChunkMeta& meta) { return meta.flags() >> 8 & 0xFF; }

// Bytes of the packed section before the string bytes (STRING) or in all.
uint64_t PackedBytes(LogicalType type, uint64_t n, uint32_t width) {
  return type == LogicalType::kString ? n * width : 8 + n * width;
}

Status BadChunk(const format::ChunkMeta& meta, const std::string& why) {
  return Corruption("column chunk at page " + std::to_string(meta.first_page()) + ": " + why);
}

}  // namespace

Result<format::ChunkMeta> WriteChunk(const Value* values, size_t count, LogicalType type, FreeSpaceMap* space,
                                     BufferPool* pool) {
  const uint64_t n = count;
  std::string nulls(BitmapBytes(n), '\0');
  bool has_nulls = false;
  for (uint64_t i = 0; i < n; i++) {
    if (values[i].is_null()) {
      nulls[i / 8] |= static_cast<char>(1 << (i % 8));
      has_nulls = true;
    }
  }
  BlobBuilder blob;
  if (has_nulls) blob.AddBytes(nulls.data(), nulls.size());
  uint32_t flags = has_nulls ? kChunkHasNulls : 0;
  if (IsPackedType(type)) {
    std::vector<uint64_t> ints(n, 0);
    std::string section;
    uint32_t width;
    if (type == LogicalType::kString) {
      std::string bytes;
      for (uint64_t i = 0; i < n; i++) {
        if (!values[i].is_null()) bytes += values[i].string_value();
        ints[i] = bytes.size();
      }
      width = BytesFor(bytes.size());
      AppendPacked(ints.data(), n, width, &section);
      section += bytes;
    } else {
      // Frame of reference: the smallest value is the base, the others are
      // stored as unsigned distances from it in as few bytes as they need.
      bool any = false;
      int64_t low = 0, high = 0;
      for (uint64_t i = 0; i < n; i++) {
        const Value& v = values[i];
        if (v.is_null()) continue;
        low = any ? std::min(low, v.int_value()) : v.int_value();
        high = any ? std::max(high, v.int_value()) : v.int_value();
        any = true;
      }
      for (uint64_t i = 0; i < n; i++) {
        if (!values[i].is_null()) ints[i] = static_cast<uint64_t>(values[i].int_value()) - static_cast<uint64_t>(low);
      }
      width = BytesFor(static_cast<uint64_t>(high) - static_cast<uint64_t>(low));
      section.append(reinterpret_cast<const char*>(&low), 8);
      AppendPacked(ints.data(), n, width, &section);
    }
    blob.AddBytes(section.data(), section.size());
    flags |= kChunkPacked | width << 8;
  } else {
    const uint32_t width = FixedWidth(type);
    std::string raw(n * width, '\0');
    for (uint64_t i = 0; i < n; i++) {
      if (!values[i].is_null()) EncodeFixed(values[i], type, &raw[i * width]);
    }
    blob.AddFixed(raw.data(), n, width);
  }
  ASSIGN_OR_RETURN(PageExtent extent, blob.Write(space, pool));
  return format::ChunkMeta(extent.first, static_cast<uint32_t>(extent.count), flags, n);
}

Status ValidateChunk(const format::ChunkMeta& meta, LogicalType type) {
  const uint64_t n = meta.num_values();
  if (n > kNodeGroupSize) return BadChunk(meta, "more values than a group holds");
  if (meta.flags() & ~(kChunkHasNulls | kChunkPacked | 0xFF00u)) return BadChunk(meta, "unknown flags");
  const bool packed = meta.flags() & kChunkPacked;
  if (!packed && PackedWidth(meta) != 0) return BadChunk(meta, "a width without packing");
  if (packed && (!IsPackedType(type) || PackedWidth(meta) > 8)) return BadChunk(meta, "invalid packing");
  uint64_t pages = (meta.flags() & kChunkHasNulls) ? ByteSectionPages(BitmapBytes(n)) : 0;
  if (packed) {
    pages += ByteSectionPages(PackedBytes(type, n, PackedWidth(meta)));
  } else {
    pages += type == LogicalType::kString ? FixedSectionPages(n, 8) : FixedSectionPages(n, FixedWidth(type));
  }
  // String bytes follow; their length is checked when read.
  if (pages > meta.page_count()) return BadChunk(meta, "sections larger than the chunk");
  if (n > 0 && meta.first_page() < kFirstDataPage) return BadChunk(meta, "points into the header");
  return Status::OK();
}

Status ReadChunk(BufferPool* pool, const format::ChunkMeta& meta, LogicalType type, uint64_t begin,
                 uint64_t count, std::vector<Value>* out) {
  if (count == 0) return Status::OK();
  const uint64_t n = meta.num_values();
  PageId page = meta.first_page();
  // Only the bitmap bytes of rows [begin, begin + count): a point read
  // should not copy the whole group's bitmap.
  std::string nulls;
  const uint64_t first_null_byte = begin / 8;
  if (meta.flags() & kChunkHasNulls) {
    if (begin + count > n) return BadChunk(meta, "rows out of range");
    nulls.resize((begin + count - 1) / 8 - first_null_byte + 1);
    RETURN_IF_ERROR(ReadBytes(pool, page, first_null_byte, nulls.size(), nulls.data()));
    page += ByteSectionPages(BitmapBytes(n));
  }
  auto is_null = [&](uint64_t i) {
    return !nulls.empty() && (nulls[i / 8 - first_null_byte] >> (i % 8) & 1);
  };
  out->reserve(out->size() + count);
  const bool packed = meta.flags() & kChunkPacked;
  const uint64_t available = (meta.first_page() + meta.page_count() - page) * kPagePayloadSize;
  if (type == LogicalType::kString) {
    // ends[begin - 1] is where value `begin` starts.
    const uint64_t first = begin == 0 ? 0 : begin - 1;
    std::vector<uint64_t> ends(begin + count - first);
    uint64_t bytes_at;  // where the string bytes start, from `page`
    if (packed) {
      const uint32_t width = PackedWidth(meta);
      std::string raw(ends.size() * width, '\0');
      RETURN_IF_ERROR(ReadBytes(pool, page, first * width, raw.size(), raw.data()));
      for (size_t i = 0; i < ends.size(); i++) ends[i] = LoadPacked(&raw[i * width], width);
      bytes_at = n * width;
    } else {
      RETURN_IF_ERROR(ReadFixedRange(pool, page, 8, first, ends.size(), ends.data()));
      bytes_at = FixedSectionPages(n, 8) * kPagePayloadSize;
    }
    const uint64_t start = begin == 0 ? 0 : ends[0];
    const uint64_t stop = ends.back();
    if (stop < start || bytes_at > available || stop > available - bytes_at) {
      return BadChunk(meta, "string offsets out of range");
    }
    std::string bytes(stop - start, '\0');
    RETURN_IF_ERROR(ReadBytes(pool, page, bytes_at + start, bytes.size(), bytes.data()));
    uint64_t prev = start;
    for (uint64_t i = begin; i < begin + count; i++) {
      uint64_t end = ends[i - first];
      if (end < prev || end > stop) return BadChunk(meta, "string offsets not ascending");
      out->push_back(is_null(i) ? Value::Null(type) : Value::String(bytes.substr(prev - start, end - prev)));
      prev = end;
    }
    return Status::OK();
  }
  if (packed) {
    const uint32_t width = PackedWidth(meta);
    int64_t base;
    RETURN_IF_ERROR(ReadBytes(pool, page, 0, 8, &base));
    std::string raw(count * width, '\0');
    RETURN_IF_ERROR(ReadBytes(pool, page, 8 + begin * width, raw.size(), raw.data()));
    for (uint64_t i = 0; i < count; i++) {
      if (is_null(begin + i)) {
        out->push_back(Value::Null(type));
        continue;
      }
      const uint64_t v = static_cast<uint64_t>(base) + (width == 0 ? 0 : LoadPacked(&raw[i * width], width));
      out->push_back(IntegerValue(type, static_cast<int64_t>(v)));
    }
    return Status::OK();
  }
  const uint32_t width = FixedWidth(type);
  std::string raw(count * width, '\0');
  RETURN_IF_ERROR(ReadFixedRange(pool, page, width, begin, count, raw.data()));
  for (uint64_t i = 0; i < count; i++) {
    out->push_back(is_null(begin + i) ? Value::Null(type) : DecodeFixed(&raw[i * width], type));
  }
  return Status::OK();
}

}  // namespace ruzu

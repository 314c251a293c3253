#include "storage/column_chunk.h"

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

}  // namespace

Result<format::ChunkMeta> WriteChunk(const std::vector<Value>& values, LogicalType type,
                                     FreeSpaceMap* space, BufferPool* pool) {
  const uint64_t n = values.size();
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
  if (type == LogicalType::kString) {
    std::vector<uint64_t> ends(n);
    std::string bytes;
    for (uint64_t i = 0; i < n; i++) {
      if (!values[i].is_null()) bytes += values[i].string_value();
      ends[i] = bytes.size();
    }
    blob.AddFixed(ends.data(), n, 8);
    blob.AddBytes(bytes.data(), bytes.size());
  } else {
    const uint32_t width = FixedWidth(type);
    std::string raw(n * width, '\0');
    for (uint64_t i = 0; i < n; i++) {
      if (!values[i].is_null()) EncodeFixed(values[i], type, &raw[i * width]);
    }
    blob.AddFixed(raw.data(), n, width);
  }
  ASSIGN_OR_RETURN(PageExtent extent, blob.Write(space, pool));
  return format::ChunkMeta(extent.first, static_cast<uint32_t>(extent.count),
                           has_nulls ? kChunkHasNulls : 0, n);
}

Status ValidateChunk(const format::ChunkMeta& meta, LogicalType type) {
  const uint64_t n = meta.num_values();
  auto bad = [&](const char* why) {
    return Corruption("column chunk at page " + std::to_string(meta.first_page()) + ": " + why);
  };
  if (n > kNodeGroupSize) return bad("more values than a group holds");
  if (meta.flags() & ~kChunkHasNulls) return bad("unknown flags");
  uint64_t pages = (meta.flags() & kChunkHasNulls) ? ByteSectionPages(BitmapBytes(n)) : 0;
  pages += type == LogicalType::kString ? FixedSectionPages(n, 8) : FixedSectionPages(n, FixedWidth(type));
  // String bytes follow; their length is checked when read.
  if (pages > meta.page_count()) return bad("sections larger than the chunk");
  if (n > 0 && meta.first_page() < kFirstDataPage) return bad("points into the header");
  return Status::OK();
}

Status ReadChunk(BufferPool* pool, const format::ChunkMeta& meta, LogicalType type, uint64_t begin,
                 uint64_t count, std::vector<Value>* out) {
  if (count == 0) return Status::OK();
  const uint64_t n = meta.num_values();
  PageId page = meta.first_page();
  std::string nulls;
  if (meta.flags() & kChunkHasNulls) {
    nulls.resize(BitmapBytes(n));
    RETURN_IF_ERROR(ReadBytes(pool, page, 0, nulls.size(), nulls.data()));
    page += ByteSectionPages(nulls.size());
  }
  auto is_null = [&](uint64_t i) {
    return !nulls.empty() && (nulls[i / 8] >> (i % 8) & 1);
  };
  out->reserve(out->size() + count);
  if (type == LogicalType::kString) {
    // ends[begin - 1] is where value `begin` starts.
    uint64_t first = begin == 0 ? 0 : begin - 1;
    std::vector<uint64_t> ends(begin + count - first);
    RETURN_IF_ERROR(ReadFixedRange(pool, page, 8, first, ends.size(), ends.data()));
    uint64_t start = begin == 0 ? 0 : ends[0];
    uint64_t stop = ends.back();
    uint64_t bytes_page = page + FixedSectionPages(n, 8);
    uint64_t available = (meta.first_page() + meta.page_count() - bytes_page) * kPagePayloadSize;
    if (stop < start || stop > available) {
      return Corruption("column chunk at page " + std::to_string(meta.first_page()) +
                        ": string offsets out of range");
    }
    std::string bytes(stop - start, '\0');
    RETURN_IF_ERROR(ReadBytes(pool, bytes_page, start, bytes.size(), bytes.data()));
    uint64_t prev = start;
    for (uint64_t i = begin; i < begin + count; i++) {
      uint64_t end = ends[i - first];
      if (end < prev || end > stop) {
        return Corruption("column chunk at page " + std::to_string(meta.first_page()) +
                          ": string offsets not ascending");
      }
      out->push_back(is_null(i) ? Value::Null(type) : Value::String(bytes.substr(prev - start, end - prev)));
      prev = end;
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

#include "storage/page_file.h"

#include <gtest/gtest.h>

#include "common/test_util.h"
#include <stdlib.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/checksum.h"
#include "common/status.h"
#include "storage/file_system.h"

namespace ruzu {
namespace {


std::unique_ptr<PageFile> OpenPageFile(const std::string& path, uint64_t database_id = 0) {
  OpenOptions opts;
  opts.create = true;
  auto file = FileSystem::Default()->Open(path, opts);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  return std::make_unique<PageFile>(std::move(file).value(), database_id);
}

std::vector<char> Payload(uint64_t seed) {
  std::vector<char> p(kPagePayloadSize);
  std::mt19937_64 rng(seed);
  for (char& c : p) c = static_cast<char>(rng());
  return p;
}

std::vector<char> RawRead(PageFile* pf, PageId id) {
  std::vector<char> raw(kPageSize);
  size_t n = 0;
  EXPECT_TRUE(pf->file()->ReadAt(id * kPageSize, kPageSize, raw.data(), &n).ok());
  EXPECT_EQ(n, kPageSize);
  return raw;
}

void RawWrite(PageFile* pf, PageId id, const std::vector<char>& raw) {
  ASSERT_TRUE(pf->file()->WriteAt(id * kPageSize, raw.data(), raw.size()).ok());
}

uint32_t LoadU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
uint64_t LoadU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
void StoreU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = static_cast<char>(v >> (8 * i));
}

TEST(PageFileTest, RoundTrip) {
  auto pf = OpenPageFile(TempPath("roundtrip"), 0x1234);
  for (PageId id = 2; id < 10; id++) ASSERT_TRUE(pf->WritePage(id, Payload(id).data()).ok());
  auto count = pf->PageCount();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 10u);
  std::vector<char> page(kPageSize);
  for (PageId id = 2; id < 10; id++) {
    ASSERT_TRUE(pf->ReadPage(id, page.data()).ok()) << id;
    std::vector<char> expect = Payload(id);
    EXPECT_EQ(std::memcmp(page.data(), expect.data(), kPagePayloadSize), 0) << id;
  }
  // Overwrite one page; the others stay.
  ASSERT_TRUE(pf->WritePage(5, Payload(99).data()).ok());
  ASSERT_TRUE(pf->ReadPage(5, page.data()).ok());
  EXPECT_EQ(std::memcmp(page.data(), Payload(99).data(), kPagePayloadSize), 0);
  ASSERT_TRUE(pf->ReadPage(6, page.data()).ok());
  EXPECT_EQ(std::memcmp(page.data(), Payload(6).data(), kPagePayloadSize), 0);
}

TEST(PageFileTest, TrailerLayout) {
  const uint64_t db = 0xDEADBEEFCAFEF00Dull;
  auto pf = OpenPageFile(TempPath("layout"), db);
  std::vector<char> payload = Payload(7);
  ASSERT_TRUE(pf->WritePage(4, payload.data()).ok());
  std::vector<char> raw = RawRead(pf.get(), 4);
  EXPECT_EQ(std::memcmp(raw.data(), payload.data(), kPagePayloadSize), 0);
  // CRC-32C over page number u64 LE, database id u64 LE, payload.
  std::string prefix(16, '\0');
  for (int i = 0; i < 8; i++) prefix[i] = static_cast<char>(uint64_t{4} >> (8 * i));
  for (int i = 0; i < 8; i++) prefix[8 + i] = static_cast<char>(db >> (8 * i));
  std::string all = prefix + std::string(payload.begin(), payload.end());
  uint32_t expect = Crc32c(all.data(), all.size());
  EXPECT_EQ(LoadU32(raw.data() + 4088), expect);
  EXPECT_EQ(PageFile::PageChecksum(4, db, payload.data()), expect);
  EXPECT_EQ(LoadU32(raw.data() + 4092), 0u);
}

TEST(PageFileTest, DetectsAFlippedBitAnywhereAndNamesThePage) {
  std::string path = TempPath("bitflip");
  auto pf = OpenPageFile(path, 77);
  for (PageId id = 2; id < 5; id++) ASSERT_TRUE(pf->WritePage(id, Payload(id).data()).ok());
  const std::vector<char> good = RawRead(pf.get(), 3);
  std::vector<char> out(kPageSize);
  for (size_t byte = 0; byte < kPageSize; byte++) {
    std::vector<char> bad = good;
    bad[byte] ^= static_cast<char>(1 << (byte % 8));
    RawWrite(pf.get(), 3, bad);
    Status st = pf->ReadPage(3, out.data());
    ASSERT_EQ(st.code(), StatusCode::kCorruption) << "byte " << byte;
    ASSERT_EQ(st.message(), "page 3: checksum mismatch in '" + path + "'") << "byte " << byte;
  }
  // Every bit of a few bytes in each region: payload, checksum, reserved.
  for (size_t byte : {size_t{0}, size_t{2000}, size_t{4087}, size_t{4088}, size_t{4091}, size_t{4092},
                      size_t{4095}}) {
    for (int bit = 0; bit < 8; bit++) {
      std::vector<char> bad = good;
      bad[byte] ^= static_cast<char>(1 << bit);
      RawWrite(pf.get(), 3, bad);
      EXPECT_TRUE(pf->ReadPage(3, out.data()).IsCorruption()) << byte << ":" << bit;
    }
  }
  RawWrite(pf.get(), 3, good);
  EXPECT_TRUE(pf->ReadPage(3, out.data()).ok());
  // Neighbours were never affected.
  EXPECT_TRUE(pf->ReadPage(2, out.data()).ok());
  EXPECT_TRUE(pf->ReadPage(4, out.data()).ok());
}

TEST(PageFileTest, PageNumberIsMixedIn) {
  auto pf = OpenPageFile(TempPath("misdirected"), 5);
  ASSERT_TRUE(pf->WritePage(3, Payload(3).data()).ok());
  ASSERT_TRUE(pf->WritePage(5, Payload(5).data()).ok());
  RawWrite(pf.get(), 5, RawRead(pf.get(), 3));  // a misdirected write
  std::vector<char> out(kPageSize);
  EXPECT_TRUE(pf->ReadPage(3, out.data()).ok());
  Status st = pf->ReadPage(5, out.data());
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find("page 5:"), std::string::npos) << st.message();
}

TEST(PageFileTest, DatabaseIdIsMixedIn) {
  std::string path = TempPath("dbid");
  {
    auto pf = OpenPageFile(path, 1111);
    ASSERT_TRUE(pf->WritePage(2, Payload(2).data()).ok());
  }
  std::vector<char> out(kPageSize);
  auto other = OpenPageFile(path, 2222);
  Status st = other->ReadPage(2, out.data());
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  other->set_database_id(1111);
  EXPECT_EQ(other->database_id(), 1111u);
  EXPECT_TRUE(other->ReadPage(2, out.data()).ok());
}

TEST(PageFileTest, ReadBeyondEndOfFile) {
  std::string path = TempPath("short");
  auto pf = OpenPageFile(path, 1);
  std::vector<char> out(kPageSize);
  Status st = pf->ReadPage(2, out.data());
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.message(), "page 2: beyond end of file '" + path + "' (file has 0 pages)");
  ASSERT_TRUE(pf->WritePage(3, Payload(3).data()).ok());
  // A partial page at the end is beyond the end too.
  ASSERT_TRUE(pf->file()->WriteAt(4 * kPageSize, "abc", 3).ok());
  st = pf->ReadPage(4, out.data());
  EXPECT_EQ(st.message(), "page 4: beyond end of file '" + path + "' (file has 4 pages)");
  st = pf->ReadPage(1000000, out.data());
  EXPECT_EQ(st.message(), "page 1000000: beyond end of file '" + path + "' (file has 4 pages)");
  st = pf->ReadPage(kInvalidPageId, out.data());
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  // Page 2 was never written: zeros do not pass the checksum.
  st = pf->ReadPage(2, out.data());
  EXPECT_EQ(st.message(), "page 2: checksum mismatch in '" + path + "'");
}

TEST(PageFileTest, TruncatePages) {
  auto pf = OpenPageFile(TempPath("truncate"), 1);
  for (PageId id = 2; id < 8; id++) ASSERT_TRUE(pf->WritePage(id, Payload(id).data()).ok());
  ASSERT_TRUE(pf->TruncatePages(4).ok());
  EXPECT_EQ(*pf->PageCount(), 4u);
  std::vector<char> out(kPageSize);
  EXPECT_TRUE(pf->ReadPage(3, out.data()).ok());
  EXPECT_TRUE(pf->ReadPage(4, out.data()).IsCorruption());
  ASSERT_TRUE(pf->Sync().ok());
}

DatabaseHeader SampleHeader(uint64_t epoch) {
  DatabaseHeader h;
  h.format_version = kFormatVersion;
  h.database_id = 0x0102030405060708ull;
  h.epoch = epoch;
  h.manifest_first_page = 40 + epoch;
  h.manifest_page_count = 3;
  h.manifest_bytes = 9000 + epoch;
  h.manifest_crc = 0xA1B2C3D4u;
  h.wal_salt = 0x1122334455667788ull ^ epoch;
  h.page_count = 100 + epoch;
  return h;
}

void ExpectHeaderEq(const DatabaseHeader& a, const DatabaseHeader& b) {
  EXPECT_EQ(a.format_version, b.format_version);
  EXPECT_EQ(a.database_id, b.database_id);
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_EQ(a.manifest_first_page, b.manifest_first_page);
  EXPECT_EQ(a.manifest_page_count, b.manifest_page_count);
  EXPECT_EQ(a.manifest_bytes, b.manifest_bytes);
  EXPECT_EQ(a.manifest_crc, b.manifest_crc);
  EXPECT_EQ(a.wal_salt, b.wal_salt);
  EXPECT_EQ(a.page_count, b.page_count);
}

TEST(PageFileHeaderTest, EncodingIsExplicitLittleEndian) {
  auto pf = OpenPageFile(TempPath("hdr_layout"));
  DatabaseHeader h = SampleHeader(9);
  ASSERT_TRUE(pf->WriteHeader(0, h).ok());
  std::vector<char> raw = RawRead(pf.get(), 0);
  const char* p = raw.data();
  EXPECT_EQ(std::string(p, 8), "RUZUGRPH");
  EXPECT_EQ(LoadU32(p + 8), kFormatVersion);
  EXPECT_EQ(LoadU64(p + 12), h.database_id);
  EXPECT_EQ(LoadU64(p + 20), h.epoch);
  EXPECT_EQ(LoadU64(p + 28), h.manifest_first_page);
  EXPECT_EQ(LoadU64(p + 36), h.manifest_page_count);
  EXPECT_EQ(LoadU64(p + 44), h.manifest_bytes);
  EXPECT_EQ(LoadU32(p + 52), h.manifest_crc);
  EXPECT_EQ(LoadU64(p + 56), h.wal_salt);
  EXPECT_EQ(LoadU64(p + 64), h.page_count);
  EXPECT_EQ(LoadU32(p + 72), kPageSize);
  for (size_t i = 76; i < kPagePayloadSize; i++) ASSERT_EQ(p[i], 0) << i;
  // Header slots use database id 0 in their checksum.
  EXPECT_EQ(LoadU32(p + 4088), PageFile::PageChecksum(0, 0, p));
}

TEST(PageFileHeaderTest, HigherEpochWins) {
  auto pf = OpenPageFile(TempPath("hdr_epoch"), 0x0102030405060708ull);
  ASSERT_TRUE(pf->WriteHeader(0, SampleHeader(5)).ok());
  ASSERT_TRUE(pf->WriteHeader(1, SampleHeader(6)).ok());
  int slot = -1;
  auto h = pf->ReadHeader(&slot);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(slot, 1);
  ExpectHeaderEq(*h, SampleHeader(6));

  ASSERT_TRUE(pf->WriteHeader(0, SampleHeader(7)).ok());
  h = pf->ReadHeader(&slot);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(slot, 0);
  ExpectHeaderEq(*h, SampleHeader(7));
  // The slot pointer is optional.
  EXPECT_TRUE(pf->ReadHeader().ok());
}

TEST(PageFileHeaderTest, OneTornSlotFallsBackToTheOther) {
  for (int torn = 0; torn < 2; torn++) {
    auto pf = OpenPageFile(TempPath("hdr_torn"));
    ASSERT_TRUE(pf->WriteHeader(0, SampleHeader(10)).ok());
    ASSERT_TRUE(pf->WriteHeader(1, SampleHeader(11)).ok());
    std::vector<char> raw = RawRead(pf.get(), torn);
    raw[30] ^= 0x10;  // inside manifest_first_page: magic intact, checksum not
    RawWrite(pf.get(), torn, raw);
    int slot = -1;
    auto h = pf->ReadHeader(&slot);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    EXPECT_EQ(slot, 1 - torn);
    ExpectHeaderEq(*h, SampleHeader(10 + (1 - torn)));
  }
}

TEST(PageFileHeaderTest, OnlySlotZeroWritten) {
  auto pf = OpenPageFile(TempPath("hdr_one"));
  ASSERT_TRUE(pf->WriteHeader(0, SampleHeader(1)).ok());
  ASSERT_EQ(*pf->PageCount(), 1u);
  int slot = -1;
  auto h = pf->ReadHeader(&slot);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(slot, 0);
  ExpectHeaderEq(*h, SampleHeader(1));
}

TEST(PageFileHeaderTest, BothSlotsTornIsCorruption) {
  std::string path = TempPath("hdr_both");
  auto pf = OpenPageFile(path);
  ASSERT_TRUE(pf->WriteHeader(0, SampleHeader(1)).ok());
  ASSERT_TRUE(pf->WriteHeader(1, SampleHeader(2)).ok());
  for (PageId slot = 0; slot < 2; slot++) {
    std::vector<char> raw = RawRead(pf.get(), slot);
    raw[1000 + slot] ^= 0x01;
    RawWrite(pf.get(), slot, raw);
  }
  auto h = pf->ReadHeader();
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(h.status().message(), "'" + path + "': both header slots are corrupted");
}

TEST(PageFileHeaderTest, WrongPageSizeIsNotAValidSlot) {
  auto pf = OpenPageFile(TempPath("hdr_pagesize"));
  ASSERT_TRUE(pf->WriteHeader(0, SampleHeader(1)).ok());
  ASSERT_TRUE(pf->WriteHeader(1, SampleHeader(2)).ok());
  // Slot 1 claims 8 KiB pages with a correct checksum.
  std::vector<char> raw = RawRead(pf.get(), 1);
  StoreU32(raw.data() + 72, 8192);
  StoreU32(raw.data() + 4088, PageFile::PageChecksum(1, 0, raw.data()));
  RawWrite(pf.get(), 1, raw);
  int slot = -1;
  auto h = pf->ReadHeader(&slot);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(slot, 0);
  EXPECT_EQ(h->epoch, 1u);
}

TEST(PageFileHeaderTest, NotADatabase) {
  // Empty file.
  {
    std::string path = TempPath("empty");
    auto pf = OpenPageFile(path);
    auto h = pf->ReadHeader();
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.status().code(), StatusCode::kNotADatabase);
    EXPECT_EQ(h.status().message(), "'" + path + "' is not a ruzu database (file is empty)");
  }
  // Shorter than a page.
  {
    std::string path = TempPath("tiny");
    auto pf = OpenPageFile(path);
    ASSERT_TRUE(pf->file()->WriteAt(0, "RUZUGRPH hello", 14).ok());
    auto h = pf->ReadHeader();
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.status().code(), StatusCode::kNotADatabase);
    EXPECT_EQ(h.status().message(), "'" + path + "' is not a ruzu database (no ruzu header)");
  }
  // 4 KiB of zeros, and 8 KiB of zeros.
  for (size_t pages : {1, 2}) {
    std::string path = TempPath("zeros");
    auto pf = OpenPageFile(path);
    std::vector<char> zeros(pages * kPageSize, 0);
    ASSERT_TRUE(pf->file()->WriteAt(0, zeros.data(), zeros.size()).ok());
    auto h = pf->ReadHeader();
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.status().code(), StatusCode::kNotADatabase) << h.status().ToString();
    EXPECT_EQ(h.status().message(), "'" + path + "' is not a ruzu database");
  }
  // Random bytes.
  {
    std::string path = TempPath("random");
    auto pf = OpenPageFile(path);
    std::vector<char> junk(3 * kPageSize);
    std::mt19937 rng(42);
    for (char& c : junk) c = static_cast<char>(rng());
    ASSERT_TRUE(pf->file()->WriteAt(0, junk.data(), junk.size()).ok());
    auto h = pf->ReadHeader();
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.status().code(), StatusCode::kNotADatabase) << h.status().ToString();
  }
}

TEST(PageFileHeaderTest, NewerVersionIsUnsupported) {
  std::string path = TempPath("hdr_newer");
  auto pf = OpenPageFile(path);
  DatabaseHeader h = SampleHeader(3);
  h.format_version = kFormatVersion + 1;
  ASSERT_TRUE(pf->WriteHeader(0, h).ok());
  ASSERT_TRUE(pf->WriteHeader(1, SampleHeader(2)).ok());
  auto r = pf->ReadHeader();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(r.status().message(), "'" + path + "' has format version " + std::to_string(kFormatVersion + 1) +
                                      "; this build reads version " + std::to_string(kFormatVersion));
}

TEST(PageFileHeaderTest, VersionZeroIsRejected) {
  auto pf = OpenPageFile(TempPath("hdr_zero"));
  DatabaseHeader h = SampleHeader(3);
  h.format_version = 0;
  ASSERT_TRUE(pf->WriteHeader(0, h).ok());
  auto r = pf->ReadHeader();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
  // With a good slot next to it, the good slot is used even at a lower epoch.
  ASSERT_TRUE(pf->WriteHeader(1, SampleHeader(2)).ok());
  int slot = -1;
  r = pf->ReadHeader(&slot);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(slot, 1);
  EXPECT_EQ(r->epoch, 2u);
}

TEST(PageFileHeaderTest, HeaderIgnoresDataPageDatabaseId) {
  auto pf = OpenPageFile(TempPath("hdr_dbid"), 0);
  ASSERT_TRUE(pf->WriteHeader(0, SampleHeader(4)).ok());
  pf->set_database_id(0xABCDEF);
  auto h = pf->ReadHeader();
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_TRUE(pf->WriteHeader(1, SampleHeader(5)).ok());
  pf->set_database_id(0);
  int slot = -1;
  h = pf->ReadHeader(&slot);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(slot, 1);
}

}  // namespace
}  // namespace ruzu

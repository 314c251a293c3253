// Tests of WalWriter and WalReader in the style of LevelDB's log_test: write
// logs, damage them byte by byte, and check what recovery returns.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include <stdlib.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/checksum.h"
#include "common/status.h"
#include "storage/file_system.h"
#include "wal/wal_format.h"
#include "wal/wal_reader.h"
#include "wal/wal_writer.h"

namespace ruzu {
namespace {

// A fresh WAL path.
std::string WalTempPath(const std::string& name) { return TempPath(name) + ".wal"; }

constexpr uint64_t kDbId = 0x5eed0001;
constexpr uint64_t kSalt = 0xa11ce;
constexpr uint8_t kTypeA = WalRecordType::kFirstUser;
constexpr uint8_t kTypeB = 200;

FileSystem* Fs() { return FileSystem::Default(); }


std::string ReadAll(const std::string& path) {
  OpenOptions options;
  options.read_only = true;
  auto file = Fs()->Open(path, options);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return "";
  auto size = (*file)->Size();
  EXPECT_TRUE(size.ok());
  std::string data(*size, '\0');
  size_t got = 0;
  EXPECT_TRUE((*file)->ReadAt(0, data.size(), data.data(), &got).ok());
  EXPECT_EQ(got, data.size());
  return data;
}

void WriteAll(const std::string& path, const std::string& data) {
  OpenOptions options;
  options.create = true;
  auto file = Fs()->Open(path, options);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE((*file)->Truncate(0).ok());
  ASSERT_TRUE((*file)->WriteAt(0, data.data(), data.size()).ok());
}

std::string Payload(uint64_t seed, size_t size) {
  std::string p(size, '\0');
  std::mt19937_64 rng(seed);
  for (char& c : p) c = static_cast<char>(rng());
  return p;
}

struct Rec {
  uint8_t type;
  std::string payload;
};
struct Txn {
  uint64_t id;
  std::vector<Rec> records;
};

std::unique_ptr<WalWriter> CreateWriter(const std::string& path, uint64_t salt = kSalt, FileSystem* fs = Fs()) {
  auto w = WalWriter::Create(fs, path, kDbId, salt);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return w.ok() ? std::move(w).value() : nullptr;
}

Status CommitTxn(WalWriter* w, const Txn& txn) {
  for (const Rec& r : txn.records) w->Add(txn.id, r.type, r.payload);
  return w->Commit(txn.id);
}

// Writes `txns` and returns the log's size after each commit.
std::vector<uint64_t> WriteTxns(WalWriter* w, const std::vector<Txn>& txns) {
  std::vector<uint64_t> ends;
  for (const Txn& t : txns) {
    Status s = CommitTxn(w, t);
    EXPECT_TRUE(s.ok()) << s.ToString();
    ends.push_back(w->size_bytes());
  }
  return ends;
}

Result<WalContents> ReadLog(const std::string& path, uint64_t salt = kSalt) {
  return WalReader::Read(Fs(), path, kDbId, salt);
}

// Checks that `got` holds exactly the first `n` of `want`, with consecutive
// LSNs from `first_lsn`.
void ExpectCommitted(const WalContents& got, const std::vector<Txn>& want, size_t n,
                     uint64_t first_lsn = kWalFirstLsn) {
  ASSERT_EQ(got.committed.size(), n);
  uint64_t lsn = first_lsn;
  for (size_t i = 0; i < n; i++) {
    const WalTransaction& t = got.committed[i];
    EXPECT_EQ(t.txn_id, want[i].id);
    ASSERT_EQ(t.records.size(), want[i].records.size()) << "txn " << i;
    for (size_t j = 0; j < t.records.size(); j++) {
      EXPECT_EQ(t.records[j].type, want[i].records[j].type);
      EXPECT_EQ(t.records[j].lsn, lsn++);
      EXPECT_TRUE(t.records[j].payload == want[i].records[j].payload) << "txn " << i << " record " << j;
    }
    EXPECT_EQ(t.commit_lsn, lsn++);
  }
}

// Transactions with 1..4 records of assorted sizes.
std::vector<Txn> MakeTxns(int count, uint64_t seed, size_t max_size = 300) {
  std::mt19937_64 rng(seed);
  std::vector<Txn> txns;
  for (int i = 0; i < count; i++) {
    Txn t{100 + static_cast<uint64_t>(i), {}};
    int n = 1 + static_cast<int>(rng() % 4);
    for (int j = 0; j < n; j++) {
      size_t size = rng() % (max_size + 1);
      if (rng() % 5 == 0) size = 0;
      t.records.push_back({static_cast<uint8_t>(j % 2 ? kTypeB : kTypeA), Payload(rng(), size)});
    }
    txns.push_back(std::move(t));
  }
  return txns;
}

// --- Round trips ----------------------------------------------------------

TEST(WalTest, EmptyLog) {
  const std::string path = WalTempPath("empty");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->size_bytes(), kWalHeaderSize);
  EXPECT_EQ(w->next_lsn(), kWalFirstLsn);
  auto c = ReadLog(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->committed.empty());
  EXPECT_EQ(c->valid_end, kWalHeaderSize);
  EXPECT_EQ(c->next_lsn, kWalFirstLsn);
  EXPECT_FALSE(c->had_torn_tail);
  EXPECT_FALSE(c->stale);
  auto info = Fs()->Stat(path + ".tmp");
  EXPECT_TRUE(info.status().IsNotFound()) << "the temporary file must be renamed away";
}

TEST(WalTest, RoundTripManyTransactions) {
  const std::string path = WalTempPath("roundtrip");
  std::vector<Txn> txns = MakeTxns(200, 1, 5000);
  // Sizes around the alignment and frame boundaries, and big payloads.
  std::vector<size_t> sizes = {0, 1, 7, 8, 9, 15, 16, 17, 39, 40, 41, 4095, 4096, 4097, 1 << 20, (1 << 20) + 3};
  Txn special{7, {}};
  for (size_t i = 0; i < sizes.size(); i++) special.records.push_back({kTypeA, Payload(i, sizes[i])});
  txns.insert(txns.begin() + 50, special);
  txns.push_back(Txn{8, {{kTypeB, Payload(99, 1 << 20)}}});

  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  WriteTxns(w.get(), txns);
  auto c = ReadLog(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectCommitted(*c, txns, txns.size());
  EXPECT_EQ(c->valid_end, w->size_bytes());
  EXPECT_EQ(ReadAll(path).size(), w->size_bytes());
  EXPECT_EQ(c->next_lsn, w->next_lsn());
  EXPECT_FALSE(c->had_torn_tail);
  EXPECT_EQ(c->dropped_uncommitted, 0u);
}

TEST(WalTest, InterleavedTransactionsComeBackInCommitOrder) {
  const std::string path = WalTempPath("interleaved");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  w->Add(1, kTypeA, "a1");
  w->Add(2, kTypeA, "b1");
  w->Add(1, kTypeB, "a2");
  ASSERT_TRUE(w->Commit(2).ok());
  w->Add(3, kTypeA, "c1");
  ASSERT_TRUE(w->Commit(1).ok());
  // Transaction 3 is never committed: it never reaches the file.
  auto c = ReadLog(path);
  ASSERT_TRUE(c.ok());
  ExpectCommitted(*c, {Txn{2, {{kTypeA, "b1"}}}, Txn{1, {{kTypeA, "a1"}, {kTypeB, "a2"}}}}, 2);
  EXPECT_FALSE(c->had_torn_tail);
  EXPECT_TRUE(w->HasPending(3));
}

TEST(WalTest, DiscardAndEmptyCommitWriteNothing) {
  const std::string path = WalTempPath("discard");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  w->Add(1, kTypeA, "rolled back");
  w->Discard(1);
  EXPECT_FALSE(w->HasPending(1));
  ASSERT_TRUE(w->Commit(1).ok());
  ASSERT_TRUE(w->Commit(42).ok());  // never added anything
  EXPECT_EQ(w->size_bytes(), kWalHeaderSize);
  EXPECT_EQ(w->next_lsn(), kWalFirstLsn);
  EXPECT_EQ(ReadAll(path).size(), kWalHeaderSize);
}

TEST(WalTest, RejectedRecordsFailTheCommit) {
  const std::string path = WalTempPath("reject");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  for (int type = 0; type < WalRecordType::kFirstUser; type++) {
    w->Add(1, kTypeA, "fine");
    w->Add(1, static_cast<uint8_t>(type), "x");
    w->Add(1, kTypeA, "fine too");
    Status s = w->Commit(1);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << type;
    EXPECT_NE(s.message().find("reserved"), std::string::npos) << s.message();
    EXPECT_FALSE(w->HasPending(1));
  }
  const std::string huge(kWalMaxPayloadSize + 1, 'x');
  w->Add(2, kTypeA, huge);
  EXPECT_EQ(w->Commit(2).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w->size_bytes(), kWalHeaderSize);
  EXPECT_EQ(ReadAll(path).size(), kWalHeaderSize);
  EXPECT_FALSE(w->poisoned());
  // The writer goes on; other transactions are unaffected.
  w->Add(3, 255, "");
  EXPECT_TRUE(w->Commit(3).ok());
  auto c = ReadLog(path);
  ASSERT_TRUE(c.ok());
  ExpectCommitted(*c, {Txn{3, {{255, ""}}}}, 1);
}

TEST(WalTest, TruncateBufferedDropsOnlyLaterRecordsOfThatTransaction) {
  const std::string path = WalTempPath("savepoint");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->BufferedSize(1), 0u);
  w->Add(1, kTypeA, "before 1");
  w->Add(1, kTypeB, "before 2");
  const size_t savepoint = w->BufferedSize(1);
  EXPECT_GT(savepoint, 0u);
  w->Add(1, kTypeA, "after 1");
  w->Add(2, kTypeA, "other transaction");
  w->Add(1, kTypeB, Payload(7, 500));
  EXPECT_GT(w->BufferedSize(1), savepoint);
  w->TruncateBuffered(1, savepoint);
  EXPECT_EQ(w->BufferedSize(1), savepoint);
  w->TruncateBuffered(1, savepoint);  // again: nothing more to drop
  w->Add(1, kTypeA, "after rollback");
  ASSERT_TRUE(w->Commit(1).ok());
  ASSERT_TRUE(w->Commit(2).ok());
  auto c = ReadLog(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectCommitted(*c,
                  {Txn{1, {{kTypeA, "before 1"}, {kTypeB, "before 2"}, {kTypeA, "after rollback"}}},
                   Txn{2, {{kTypeA, "other transaction"}}}},
                  2);
}

TEST(WalTest, TruncateBufferedToNothingWritesNothing) {
  const std::string path = WalTempPath("savepoint_empty");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  const size_t savepoint = w->BufferedSize(1);
  w->Add(1, kTypeA, "rolled back to the savepoint");
  EXPECT_TRUE(w->HasPending(1));
  w->TruncateBuffered(1, savepoint);
  EXPECT_FALSE(w->HasPending(1));
  EXPECT_EQ(w->BufferedSize(1), 0u);
  w->TruncateBuffered(7, 0);  // a transaction with nothing buffered
  EXPECT_FALSE(w->HasPending(7));
  ASSERT_TRUE(w->Commit(1).ok());
  EXPECT_EQ(w->size_bytes(), kWalHeaderSize);
  EXPECT_EQ(ReadAll(path).size(), kWalHeaderSize);
}

TEST(WalTest, TruncateBufferedDoesNotUndoARejectedRecord) {
  const std::string path = WalTempPath("savepoint_rejected");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  w->Add(1, kTypeA, "fine");
  const size_t savepoint = w->BufferedSize(1);
  w->Add(1, 0, "reserved type");
  w->TruncateBuffered(1, savepoint);
  EXPECT_EQ(w->Commit(1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadAll(path).size(), kWalHeaderSize);
}

// The bytes on disk are exactly those wal_format.h documents.
TEST(WalTest, FormatMatchesDocumentation) {
  const std::string path = WalTempPath("format");
  auto w = CreateWriter(path, /*salt=*/0x1122334455667788ULL);
  ASSERT_NE(w, nullptr);
  w->Add(9, 0x42, "hello");
  ASSERT_TRUE(w->Commit(9).ok());
  const std::string data = ReadAll(path);

  auto u32 = [&](size_t off) {
    uint32_t v;
    std::memcpy(&v, data.data() + off, 4);  // the test host is little-endian
    return v;
  };
  auto u64 = [&](size_t off) {
    uint64_t v;
    std::memcpy(&v, data.data() + off, 8);
    return v;
  };
  ASSERT_EQ(data.size(), 48u + 48u + 40u);
  EXPECT_EQ(data.substr(0, 8), std::string("RUZUWAL\x01", 8));
  EXPECT_EQ(u32(8), 1u);
  EXPECT_EQ(u32(12), 0u);
  EXPECT_EQ(u64(16), kDbId);
  EXPECT_EQ(u64(24), 0x1122334455667788ULL);
  EXPECT_EQ(u64(32), 1u);  // first LSN
  EXPECT_EQ(u32(40), Crc32c(data.data(), 40));
  EXPECT_EQ(u32(44), 0u);
  // The data record at 48.
  EXPECT_EQ(u32(48), 5u);
  EXPECT_EQ(u32(52), Crc32c(data.data() + 56, 32 + 5));
  EXPECT_EQ(u64(56), 0x1122334455667788ULL);
  EXPECT_EQ(u64(64), 1u);  // LSN
  EXPECT_EQ(u64(72), 9u);  // txn
  EXPECT_EQ(static_cast<uint8_t>(data[80]), 0x42);
  EXPECT_EQ(data.substr(81, 7), std::string(7, '\0'));
  EXPECT_EQ(data.substr(88, 5), "hello");
  EXPECT_EQ(data.substr(93, 3), std::string(3, '\0'));
  // The commit record at 96.
  EXPECT_EQ(u32(96), 0u);
  EXPECT_EQ(u32(100), Crc32c(data.data() + 104, 32));
  EXPECT_EQ(u64(104), 0x1122334455667788ULL);
  EXPECT_EQ(u64(112), 2u);
  EXPECT_EQ(u64(120), 9u);
  EXPECT_EQ(static_cast<uint8_t>(data[128]), WalRecordType::kCommit);
}

// --- Torn tails -------------------------------------------------------------

// Cuts the log at every byte offset of its last two batches: recovery returns
// the complete committed prefix, reports a torn tail, and never fails; the
// writer then continues from there.
TEST(WalTest, TruncationAtEveryOffsetOfTheLastTwoBatches) {
  const std::string path = WalTempPath("truncate_src");
  std::vector<Txn> txns = MakeTxns(3, 2);
  txns.push_back(Txn{500, {{kTypeA, Payload(1, 13)}, {kTypeB, Payload(2, 100)}}});
  txns.push_back(Txn{501, {{kTypeA, ""}, {kTypeB, Payload(3, 50)}, {kTypeA, Payload(4, 7)}}});
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  std::vector<uint64_t> ends = WriteTxns(w.get(), txns);
  w.reset();
  const std::string full = ReadAll(path);
  ASSERT_EQ(full.size(), ends.back());

  const std::string cut = WalTempPath("truncated");
  for (uint64_t len = ends[2]; len <= full.size(); len++) {
    SCOPED_TRACE("length " + std::to_string(len));
    WriteAll(cut, full.substr(0, len));
    auto c = ReadLog(cut);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    size_t n = 0;
    while (n < ends.size() && ends[n] <= len) n++;
    ExpectCommitted(*c, txns, n);
    EXPECT_EQ(c->valid_end, ends[n - 1]);
    EXPECT_EQ(c->had_torn_tail, len != ends[n - 1]);
    EXPECT_LE(c->dropped_uncommitted, n < txns.size() ? txns[n].records.size() : 0);

    // Continue the log after the torn tail.
    auto a = WalWriter::OpenForAppend(Fs(), cut, kDbId, kSalt, c->valid_end, c->next_lsn);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(ReadAll(cut).size(), c->valid_end);
    std::vector<Txn> now(txns.begin(), txns.begin() + static_cast<std::ptrdiff_t>(n));
    now.push_back(Txn{900, {{kTypeA, "after recovery"}}});
    ASSERT_TRUE(CommitTxn(a->get(), now.back()).ok());
    auto again = ReadLog(cut);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    ExpectCommitted(*again, now, now.size());
    EXPECT_FALSE(again->had_torn_tail);
  }
}

TEST(WalTest, BitFlipInLastBatchIsTornTail) {
  const std::string path = WalTempPath("flip_last_src");
  std::vector<Txn> txns = MakeTxns(4, 3);
  txns.push_back(Txn{600, {{kTypeA, Payload(5, 21)}, {kTypeB, Payload(6, 3)}}});
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  std::vector<uint64_t> ends = WriteTxns(w.get(), txns);
  const std::string full = ReadAll(path);
  const std::string damaged_path = WalTempPath("flip_last");
  for (uint64_t off = ends[3]; off < ends[4]; off++) {
    SCOPED_TRACE("offset " + std::to_string(off));
    std::string damaged = full;
    damaged[off] = static_cast<char>(damaged[off] ^ (1 << (off % 8)));
    WriteAll(damaged_path, damaged);
    auto c = ReadLog(damaged_path);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ExpectCommitted(*c, txns, 4);
    EXPECT_TRUE(c->had_torn_tail);
    EXPECT_EQ(c->valid_end, ends[3]);
  }
}

TEST(WalTest, BitFlipBeforeValidRecordsIsCorruption) {
  const std::string path = WalTempPath("flip_mid_src");
  std::vector<Txn> txns = MakeTxns(5, 4);
  txns[1] = Txn{700, {{kTypeA, Payload(7, 11)}, {kTypeB, Payload(8, 64)}}};
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  std::vector<uint64_t> ends = WriteTxns(w.get(), txns);
  const std::string full = ReadAll(path);
  const std::string damaged_path = WalTempPath("flip_mid");
  for (uint64_t off = ends[0]; off < ends[1]; off++) {
    SCOPED_TRACE("offset " + std::to_string(off));
    std::string damaged = full;
    damaged[off] = static_cast<char>(damaged[off] ^ (0x80 >> (off % 8)));
    WriteAll(damaged_path, damaged);
    auto c = ReadLog(damaged_path);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), StatusCode::kCorruption);
    EXPECT_NE(c.status().message().find("WAL '" + damaged_path + "': corrupted record at offset "),
              std::string::npos)
        << c.status().message();
    EXPECT_NE(c.status().message().find("(valid records follow)"), std::string::npos);
  }
  // The offset named is the first damaged record.
  std::string damaged = full;
  damaged[ends[0] + 50] ^= 1;
  WriteAll(damaged_path, damaged);
  auto c = ReadLog(damaged_path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("offset " + std::to_string(ends[0]) + " "), std::string::npos)
      << c.status().message();
}

TEST(WalTest, ZeroFilledAndGarbageTailsAreTorn) {
  const std::string path = WalTempPath("tails_src");
  std::vector<Txn> txns = MakeTxns(10, 5);
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  std::vector<uint64_t> ends = WriteTxns(w.get(), txns);
  const std::string full = ReadAll(path);
  const std::string tail_path = WalTempPath("tails");
  std::mt19937_64 rng(6);
  for (size_t extra : {1, 7, 8, 40, 41, 4096, 5000, 70000}) {
    SCOPED_TRACE("extra " + std::to_string(extra));
    for (bool zeros : {true, false}) {
      WriteAll(tail_path, full + (zeros ? std::string(extra, '\0') : Payload(rng(), extra)));
      auto c = ReadLog(tail_path);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      ExpectCommitted(*c, txns, txns.size());
      EXPECT_TRUE(c->had_torn_tail);
      EXPECT_EQ(c->valid_end, ends.back());
    }
  }
  // A garbage frame header claiming a 4 GiB payload.
  std::string bogus(40, '\0');
  std::memset(&bogus[0], 0xff, 4);
  WriteAll(tail_path, full + bogus);
  auto c = ReadLog(tail_path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->had_torn_tail);
  EXPECT_EQ(c->committed.size(), txns.size());
}

// A batch is one write; after a crash any of its sectors may be missing.
// Later records of the same batch surviving must not look like corruption.
TEST(WalTest, TornBatchWithLaterPartSurvivingIsTornTail) {
  const std::string path = WalTempPath("holes_src");
  std::vector<Txn> txns = MakeTxns(3, 7);
  txns.push_back(Txn{800, {{kTypeA, Payload(9, 600)}, {kTypeB, Payload(10, 600)}, {kTypeA, Payload(11, 10)}}});
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  std::vector<uint64_t> ends = WriteTxns(w.get(), txns);
  const std::string full = ReadAll(path);
  const std::string damaged_path = WalTempPath("holes");
  // Zero a 512-byte "sector" at different places inside the last batch.
  for (uint64_t hole = ends[2]; hole + 512 <= ends[3]; hole += 64) {
    SCOPED_TRACE("hole at " + std::to_string(hole));
    std::string damaged = full;
    std::memset(&damaged[hole], 0, 512);
    WriteAll(damaged_path, damaged);
    auto c = ReadLog(damaged_path);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ExpectCommitted(*c, txns, 3);
    EXPECT_TRUE(c->had_torn_tail);
  }
}

// The same record twice (e.g. a re-applied write) is not applied twice.
TEST(WalTest, DuplicatedTailIsNotAppliedTwice) {
  const std::string path = WalTempPath("dup_src");
  std::vector<Txn> txns = MakeTxns(4, 8);
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  std::vector<uint64_t> ends = WriteTxns(w.get(), txns);
  const std::string full = ReadAll(path);
  const std::string dup_path = WalTempPath("dup");

  // The last commit record again.
  WriteAll(dup_path, full + full.substr(full.size() - kWalRecordHeaderSize));
  auto c = ReadLog(dup_path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectCommitted(*c, txns, txns.size());
  EXPECT_TRUE(c->had_torn_tail);
  EXPECT_EQ(c->valid_end, ends.back());

  // The whole last batch again.
  WriteAll(dup_path, full + full.substr(ends[2]));
  c = ReadLog(dup_path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectCommitted(*c, txns, txns.size());
  EXPECT_TRUE(c->had_torn_tail);
  EXPECT_EQ(c->dropped_uncommitted, 0u);
}

TEST(WalTest, RecordsWithoutCommitAreDropped) {
  const std::string path = WalTempPath("nocommit_src");
  std::vector<Txn> txns = MakeTxns(3, 9);
  txns.push_back(Txn{1000, {{kTypeA, "one"}, {kTypeB, "two"}}});
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  std::vector<uint64_t> ends = WriteTxns(w.get(), txns);
  const std::string full = ReadAll(path);
  // Drop only the last commit record: two valid but uncommitted records remain.
  const std::string cut = WalTempPath("nocommit");
  WriteAll(cut, full.substr(0, full.size() - kWalRecordHeaderSize));
  auto c = ReadLog(cut);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectCommitted(*c, txns, 3);
  EXPECT_EQ(c->dropped_uncommitted, 2u);
  EXPECT_TRUE(c->had_torn_tail);
  EXPECT_EQ(c->valid_end, ends[2]);
  EXPECT_EQ(c->next_lsn, c->committed.back().commit_lsn + 1);
}

// --- Headers ----------------------------------------------------------------

TEST(WalTest, MissingFileIsNotFound) {
  auto c = ReadLog(WalTempPath("missing"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
}

TEST(WalTest, ShortOrZeroHeaderIsAnEmptyLog) {
  const std::string path = WalTempPath("short");
  for (const std::string& data :
       {std::string(), std::string("RUZU"), std::string("RUZUWAL\x01", 8) + std::string(30, 'x'),
        std::string(kWalHeaderSize, '\0'), std::string(kWalHeaderSize + 100, '\0')}) {
    WriteAll(path, data);
    auto c = ReadLog(path);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->valid_end, 0u);
    EXPECT_TRUE(c->committed.empty());
    EXPECT_FALSE(c->stale);
  }
  // The caller then recreates it.
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  ASSERT_TRUE(CommitTxn(w.get(), Txn{1, {{kTypeA, "x"}}}).ok());
  auto c = ReadLog(path);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->committed.size(), 1u);
}

TEST(WalTest, WrongMagicIsNotADatabase) {
  const std::string path = WalTempPath("magic");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  std::string data = ReadAll(path);
  data[3] = 'X';
  WriteAll(path, data);
  auto c = ReadLog(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotADatabase);
  EXPECT_EQ(c.status().message(), "'" + path + "' is not a ruzu WAL");

  WriteAll(path, "this is a text file, not a write-ahead log at all\n");
  c = ReadLog(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotADatabase);
}

TEST(WalTest, DamagedHeaderIsCorruption) {
  const std::string path = WalTempPath("header_crc");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  const std::string good = ReadAll(path);
  for (size_t off = 8; off < kWalHeaderSize; off++) {
    std::string data = good;
    data[off] ^= 0x10;
    WriteAll(path, data);
    auto c = ReadLog(path);
    ASSERT_FALSE(c.ok()) << off;
    EXPECT_EQ(c.status().code(), StatusCode::kCorruption) << off;
    EXPECT_NE(c.status().message().find(path), std::string::npos);
  }
}

TEST(WalTest, OtherFormatVersionIsRejected) {
  const std::string path = WalTempPath("version");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  std::string data = ReadAll(path);
  data[8] = 2;
  const uint32_t crc = Crc32c(data.data(), 40);
  std::memcpy(&data[40], &crc, 4);
  WriteAll(path, data);
  auto c = ReadLog(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotADatabase);
}

TEST(WalTest, WrongDatabaseId) {
  const std::string path = WalTempPath("dbid");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  auto c = WalReader::Read(Fs(), path, 77, kSalt);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(c.status().message(), "WAL '" + path + "' belongs to another database (id " + std::to_string(kDbId) +
                                      ", expected 77)");
}

// --- Reset and stale logs ---------------------------------------------------

TEST(WalTest, ResetMakesOldLogStale) {
  const std::string path = WalTempPath("reset");
  std::vector<Txn> txns = MakeTxns(3, 10);
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  WriteTxns(w.get(), txns);
  const std::string before_reset = ReadAll(path);
  const uint64_t lsn = w->next_lsn();
  // A transaction open across the checkpoint keeps its records.
  w->Add(77, kTypeA, "open across reset");
  ASSERT_TRUE(w->Reset(kSalt + 1).ok());
  EXPECT_EQ(w->salt(), kSalt + 1);
  EXPECT_EQ(w->size_bytes(), kWalHeaderSize);
  EXPECT_EQ(w->next_lsn(), lsn);
  EXPECT_EQ(ReadAll(path).size(), kWalHeaderSize);

  // Recovery with the old salt (the checkpoint is not recorded): stale.
  auto c = ReadLog(path, kSalt);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->stale);
  EXPECT_TRUE(c->committed.empty());
  // With the new salt: an empty log continuing the LSNs.
  c = ReadLog(path, kSalt + 1);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->stale);
  EXPECT_TRUE(c->committed.empty());
  EXPECT_EQ(c->next_lsn, lsn);

  ASSERT_TRUE(w->Commit(77).ok());
  c = ReadLog(path, kSalt + 1);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectCommitted(*c, {Txn{77, {{kTypeA, "open across reset"}}}}, 1, lsn);

  // If the old records had survived behind the new header, their salt
  // gives them away: a torn tail, never replayed.
  const std::string new_header = ReadAll(path).substr(0, kWalHeaderSize);
  const std::string mixed = WalTempPath("reset_mixed");
  WriteAll(mixed, new_header + before_reset.substr(kWalHeaderSize));
  c = ReadLog(mixed, kSalt + 1);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->committed.empty());
  EXPECT_TRUE(c->had_torn_tail);
  EXPECT_EQ(c->valid_end, kWalHeaderSize);
}

TEST(WalTest, StaleLogIsRecreated) {
  const std::string path = WalTempPath("stale");
  auto w = CreateWriter(path, kSalt);
  ASSERT_NE(w, nullptr);
  WriteTxns(w.get(), MakeTxns(2, 11));
  w.reset();
  auto c = ReadLog(path, kSalt + 5);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->stale);
  auto fresh = WalWriter::Create(Fs(), path, kDbId, kSalt + 5, c->next_lsn);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  ASSERT_TRUE(CommitTxn(fresh->get(), Txn{3, {{kTypeA, "new"}}}).ok());
  auto again = ReadLog(path, kSalt + 5);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->stale);
  ASSERT_EQ(again->committed.size(), 1u);
  EXPECT_EQ(again->committed[0].records[0].lsn, c->next_lsn);
}

// --- OpenForAppend ------------------------------------------------------------

TEST(WalTest, OpenForAppendAfterTornTailThenMoreCommits) {
  const std::string path = WalTempPath("append");
  std::vector<Txn> txns = MakeTxns(5, 12);
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  WriteTxns(w.get(), txns);
  // A crash in the middle of the next batch.
  w->Add(999, kTypeA, Payload(1, 3000));
  w.reset();
  std::string data = ReadAll(path);
  WriteAll(path, data + Payload(2, 1700));  // garbage standing in for half a batch

  auto c = ReadLog(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->had_torn_tail);
  ExpectCommitted(*c, txns, txns.size());
  auto a = WalWriter::OpenForAppend(Fs(), path, kDbId, kSalt, c->valid_end, c->next_lsn);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  std::vector<Txn> more = MakeTxns(5, 13);
  for (Txn& t : more) t.id += 1000;
  WriteTxns(a->get(), more);
  txns.insert(txns.end(), more.begin(), more.end());

  c = ReadLog(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectCommitted(*c, txns, txns.size());
  EXPECT_FALSE(c->had_torn_tail);
  EXPECT_EQ(c->valid_end, (*a)->size_bytes());
}

TEST(WalTest, OpenForAppendChecksItsArguments) {
  const std::string path = WalTempPath("append_args");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  WriteTxns(w.get(), MakeTxns(2, 14));
  const uint64_t end = w->size_bytes();
  const uint64_t lsn = w->next_lsn();
  w.reset();
  EXPECT_EQ(WalWriter::OpenForAppend(Fs(), path, kDbId, kSalt + 1, end, lsn).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WalWriter::OpenForAppend(Fs(), path, kDbId + 1, kSalt, end, lsn).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WalWriter::OpenForAppend(Fs(), path, kDbId, kSalt, 0, lsn).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WalWriter::OpenForAppend(Fs(), path, kDbId, kSalt, end + 8, lsn).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WalWriter::OpenForAppend(Fs(), path, kDbId, kSalt, kWalHeaderSize, lsn).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WalWriter::OpenForAppend(Fs(), WalTempPath("nope"), kDbId, kSalt, end, lsn).status().code(),
            StatusCode::kNotFound);
  auto a = WalWriter::OpenForAppend(Fs(), path, kDbId, kSalt, end, lsn);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->size_bytes(), end);
  EXPECT_EQ((*a)->next_lsn(), lsn);
}

// --- Failures -----------------------------------------------------------------

// Failures to inject through FaultyFileSystem.
struct Faults {
  bool fail_sync = false;
  bool fail_truncate = false;
  // The next WriteAt writes half its bytes and then fails with this code.
  bool fail_next_write = false;
  StatusCode write_error = StatusCode::kIOError;
  int syncs = 0;
  int failed_syncs = 0;
};

class FaultyFile : public File {
 public:
  FaultyFile(std::unique_ptr<File> base, Faults* faults)
      : File(base->path()), base_(std::move(base)), faults_(faults) {}
  Status ReadAt(uint64_t offset, size_t n, char* out, size_t* bytes_read) override {
    return base_->ReadAt(offset, n, out, bytes_read);
  }
  Status WriteAt(uint64_t offset, const char* data, size_t n) override {
    if (faults_->fail_next_write) {
      faults_->fail_next_write = false;
      RETURN_IF_ERROR(base_->WriteAt(offset, data, n / 2));
      return Status(faults_->write_error, "write '" + path() + "': injected failure");
    }
    return base_->WriteAt(offset, data, n);
  }
  Status Sync() override {
    faults_->syncs++;
    if (faults_->fail_sync) {
      faults_->failed_syncs++;
      return IOError("sync '" + path() + "': injected failure");
    }
    return base_->Sync();
  }
  Status Truncate(uint64_t size) override {
    if (faults_->fail_truncate) return IOError("truncate '" + path() + "': injected failure");
    return base_->Truncate(size);
  }
  Result<uint64_t> Size() override { return base_->Size(); }
  Status Lock(LockMode mode) override { return base_->Lock(mode); }

 private:
  std::unique_ptr<File> base_;
  Faults* faults_;
};

class FaultyFileSystem : public FileSystem {
 public:
  Faults faults;

  Result<std::unique_ptr<File>> Open(const std::string& path, const OpenOptions& options) override {
    ASSIGN_OR_RETURN(std::unique_ptr<File> file, Fs()->Open(path, options));
    return std::unique_ptr<File>(new FaultyFile(std::move(file), &faults));
  }
  Result<FileInfo> Stat(const std::string& path) override { return Fs()->Stat(path); }
  Status Remove(const std::string& path) override { return Fs()->Remove(path); }
  Status Rename(const std::string& from, const std::string& to) override { return Fs()->Rename(from, to); }
  Status SyncDir(const std::string& dir) override { return Fs()->SyncDir(dir); }
  Status CreateDir(const std::string& dir) override { return Fs()->CreateDir(dir); }
  Result<std::vector<std::string>> List(const std::string& dir) override { return Fs()->List(dir); }
};

TEST(WalTest, FailedSyncPoisonsTheWriter) {
  const std::string path = WalTempPath("poison");
  FaultyFileSystem fs;
  auto w = CreateWriter(path, kSalt, &fs);
  ASSERT_NE(w, nullptr);
  std::vector<Txn> txns = MakeTxns(3, 15);
  WriteTxns(w.get(), txns);
  const uint64_t end = w->size_bytes();

  fs.faults.fail_sync = true;
  w->Add(50, kTypeA, "lost");
  Status s = w->Commit(50);
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(s.message().rfind("WAL is unusable after a failed sync; reopen the database", 0), 0u) << s.message();
  EXPECT_TRUE(w->poisoned());
  EXPECT_EQ(fs.faults.failed_syncs, 1);
  EXPECT_EQ(w->size_bytes(), end);

  // Even with the disk healthy again, nothing more is accepted, and fsync is
  // never retried.
  fs.faults.fail_sync = false;
  const int syncs = fs.faults.syncs;
  w->Add(51, kTypeA, "x");
  EXPECT_FALSE(w->HasPending(51));
  EXPECT_EQ(w->Commit(51).code(), StatusCode::kIOError);
  EXPECT_EQ(w->Commit(50).code(), StatusCode::kIOError);
  EXPECT_EQ(w->Reset(kSalt + 1).code(), StatusCode::kIOError);
  EXPECT_EQ(w->Commit(51).message(), s.message());
  EXPECT_EQ(fs.faults.syncs, syncs);

  // Reopening recovers the synced prefix (the unsynced batch may or may not
  // be there; here the page cache still has it).
  auto c = ReadLog(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_GE(c->committed.size(), txns.size());
  c->committed.resize(txns.size());
  ExpectCommitted(*c, txns, txns.size());
}

TEST(WalTest, FailedWriteIsCutBackAndLaterCommitsWork) {
  for (StatusCode code : {StatusCode::kIOError, StatusCode::kDiskFull}) {
    const std::string path = WalTempPath("write_fail");
    FaultyFileSystem fs;
    auto w = CreateWriter(path, kSalt, &fs);
    ASSERT_NE(w, nullptr);
    std::vector<Txn> txns = MakeTxns(3, 16);
    WriteTxns(w.get(), txns);
    const uint64_t end = w->size_bytes();
    const uint64_t lsn = w->next_lsn();

    fs.faults.fail_next_write = true;
    fs.faults.write_error = code;
    w->Add(60, kTypeA, Payload(1, 5000));
    Status s = w->Commit(60);
    EXPECT_EQ(s.code(), code);
    EXPECT_FALSE(w->poisoned());
    EXPECT_FALSE(w->HasPending(60));
    EXPECT_EQ(w->size_bytes(), end);
    EXPECT_EQ(w->next_lsn(), lsn);
    EXPECT_EQ(ReadAll(path).size(), end) << "the half-written batch must be cut off";

    std::vector<Txn> more = MakeTxns(2, 17);
    for (Txn& t : more) t.id += 2000;
    WriteTxns(w.get(), more);
    txns.insert(txns.end(), more.begin(), more.end());
    auto c = ReadLog(path);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ExpectCommitted(*c, txns, txns.size());
    EXPECT_FALSE(c->had_torn_tail);
  }
}

TEST(WalTest, FailedWriteThatCannotBeUndonePoisons) {
  const std::string path = WalTempPath("undo_fail");
  FaultyFileSystem fs;
  auto w = CreateWriter(path, kSalt, &fs);
  ASSERT_NE(w, nullptr);
  fs.faults.fail_next_write = true;
  fs.faults.fail_truncate = true;
  w->Add(1, kTypeA, Payload(1, 100));
  EXPECT_EQ(w->Commit(1).code(), StatusCode::kIOError);
  EXPECT_TRUE(w->poisoned());
  w->Add(2, kTypeA, "x");
  EXPECT_EQ(w->Commit(2).code(), StatusCode::kIOError);
}

TEST(WalTest, KillPointsAreCalledInOrder) {
  const std::string path = WalTempPath("kill");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  std::vector<std::string> points;
  uint64_t size_at_after_write = 0;
  w->set_kill_point([&](const char* point) {
    points.push_back(point);
    if (std::string(point) == "wal.after_write") size_at_after_write = ReadAll(path).size();
  });
  ASSERT_TRUE(CommitTxn(w.get(), Txn{1, {{kTypeA, "abc"}}}).ok());
  EXPECT_EQ(points, (std::vector<std::string>{"wal.before_write", "wal.after_write", "wal.after_sync"}));
  EXPECT_EQ(size_at_after_write, w->size_bytes());
  points.clear();
  ASSERT_TRUE(w->Reset(kSalt + 1).ok());
  EXPECT_EQ(points, (std::vector<std::string>{"wal.reset.before_rename", "wal.reset.after_rename"}));
  w->set_kill_point(nullptr);
  ASSERT_TRUE(CommitTxn(w.get(), Txn{2, {{kTypeA, "abc"}}}).ok());
}

TEST(WalTest, CreateReplacesAnExistingLog) {
  const std::string path = WalTempPath("recreate");
  auto w = CreateWriter(path);
  ASSERT_NE(w, nullptr);
  WriteTxns(w.get(), MakeTxns(3, 18));
  w.reset();
  w = CreateWriter(path, kSalt);
  ASSERT_NE(w, nullptr);
  auto c = ReadLog(path);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->committed.empty());
  EXPECT_FALSE(c->had_torn_tail);
  EXPECT_EQ(ReadAll(path).size(), kWalHeaderSize);
  EXPECT_EQ(WalWriter::Create(Fs(), path, kDbId, kSalt, 0).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ruzu

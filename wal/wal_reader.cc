#include "wal/wal_reader.h"

#include <cstring>
#include <map>
#include <set>

#include "common/checksum.h"
#include "wal/record_codec.h"
#include "wal/wal_format.h"

namespace ruzu {
namespace {
uint64_t RoundUp8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }
}  // namespace
namespace {

struct Frame {
  uint32_t length = 0;
  uint64_t salt = 0, lsn = 0, txn_id = 0;
  uint8_t type = 0;
  uint64_t next = 0;  // offset of the following record
};

// Parses and checks the record at `pos`; false when it is not a valid record.
bool ParseFrame(const std::string& data, uint64_t pos, uint64_t salt, Frame* f) {
  if (pos + kWalRecordHeaderSize > data.size()) return false;
  WalDecoder d(std::string_view(data).substr(pos, kWalRecordHeaderSize));
  uint32_t crc;
  d.GetU32(&f->length);
  d.GetU32(&crc);
  d.GetU64(&f->salt);
  d.GetU64(&f->lsn);
  d.GetU64(&f->txn_id);
  d.GetU8(&f->type);
  if (f->length > kWalMaxPayloadSize || f->length > data.size() - pos - kWalRecordHeaderSize) return false;
  if (f->salt != salt) return false;
  for (int i = 33; i < 40; i++) {
    if (data[pos + i] != 0) return false;
  }
  uint32_t actual = Crc32c(data.data() + pos + 8, kWalRecordHeaderSize - 8);
  actual = Crc32c(data.data() + pos + kWalRecordHeaderSize, f->length, actual);
  if (actual != crc) return false;
  if (f->type == WalRecordType::kCommit ? f->length != 0 : f->type < WalRecordType::kFirstUser) return false;
  f->next = RoundUp8(pos + kWalRecordHeaderSize + f->length);
  return true;
}

}  // namespace

Result<WalContents> WalReader::Read(FileSystem* fs, const std::string& path, uint64_t expected_database_id,
                                    uint64_t expected_salt) {
  OpenOptions options;
  options.read_only = true;
  ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs->Open(path, options));
  ASSIGN_OR_RETURN(uint64_t size, file->Size());
  WalContents out;
  if (size < kWalHeaderSize) return out;  // creation was cut short: an empty log
  std::string data(size, '\0');
  size_t got = 0;
  RETURN_IF_ERROR(file->ReadAt(0, size, data.data(), &got));
  data.resize(got);
  if (data.size() < kWalHeaderSize) return out;
  if (std::memcmp(data.data(), kWalMagic, sizeof kWalMagic) != 0) {
    if (data.find_first_not_of('\0', 0) >= kWalHeaderSize) return out;  // zero-filled header
    return NotADatabase("'" + path + "' is not a ruzu WAL");
  }
  WalDecoder d(data);
  uint64_t magic;
  uint32_t version, reserved, crc;
  uint64_t database_id, salt, first_lsn;
  d.GetU64(&magic);
  d.GetU32(&version);
  d.GetU32(&reserved);
  d.GetU64(&database_id);
  d.GetU64(&salt);
  d.GetU64(&first_lsn);
  d.GetU32(&crc);
  if (Crc32c(data.data(), kWalHeaderCrcOffset) != crc) return Corruption("WAL '" + path + "': header checksum mismatch");
  if (version != kWalFormatVersion) {
    return Status(StatusCode::kUnsupported, "WAL '" + path + "' has format version " + std::to_string(version));
  }
  if (database_id != expected_database_id) {
    return Corruption("WAL '" + path + "' belongs to another database (id " + std::to_string(database_id) +
                      ", expected " + std::to_string(expected_database_id) + ")");
  }
  out.valid_end = kWalHeaderSize;
  if (salt != expected_salt) {
    out.stale = true;
    return out;
  }
  std::map<uint64_t, WalTransaction> open;
  std::set<uint64_t> committed_ids;
  uint64_t pos = kWalHeaderSize;
  uint64_t expected_lsn = 0;  // 0: the first record may have any LSN
  Frame f;
  while (pos < data.size()) {
    if (!ParseFrame(data, pos, salt, &f) || (expected_lsn != 0 && f.lsn != expected_lsn)) {
      // A crash can only tear the last transaction's batch, which was one
      // write. So valid records after this point are a torn tail only when
      // they all belong to that same unfinished transaction; anything else
      // (another transaction, or a transaction already committed) means the
      // log is damaged before its tail.
      std::set<uint64_t> later_txns;
      for (uint64_t probe = pos + 8; probe + kWalRecordHeaderSize <= data.size(); probe += 8) {
        Frame later;
        if (ParseFrame(data, probe, salt, &later) && (expected_lsn == 0 || later.lsn >= expected_lsn)) {
          later_txns.insert(later.txn_id);
        }
      }
      bool torn = later_txns.empty();
      if (later_txns.size() == 1 && open.size() <= 1) {
        uint64_t txn = *later_txns.begin();
        torn = open.empty() ? committed_ids.count(txn) == 0 : open.begin()->first == txn;
      }
      if (!torn) {
        return Corruption("WAL '" + path + "': corrupted record at offset " + std::to_string(pos) +
                          " (valid records follow)");
      }
      out.had_torn_tail = true;
      break;
    }
    if (f.type == WalRecordType::kCommit) {
      auto it = open.find(f.txn_id);
      WalTransaction txn;
      txn.txn_id = f.txn_id;
      if (it != open.end()) {
        txn = std::move(it->second);
        open.erase(it);
      }
      committed_ids.insert(f.txn_id);
      out.committed.push_back(std::move(txn));
    } else {
      WalTransaction& txn = open[f.txn_id];
      txn.txn_id = f.txn_id;
      txn.records.push_back(WalRecord{f.type, f.lsn, data.substr(pos + kWalRecordHeaderSize, f.length)});
    }
    expected_lsn = f.lsn + 1;
    out.next_lsn = f.lsn + 1;
    pos = f.next;
    out.valid_end = pos;
  }
  for (const auto& [id, txn] : open) out.dropped_uncommitted += txn.records.size();
  return out;
}

}  // namespace ruzu

#include "storage/testing/fault_injection_file_system.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace ruzu {
namespace {

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    ::ruzu::Status _s = (expr);                             \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)

OpenOptions Create() {
  OpenOptions o;
  o.create = true;
  return o;
}

OpenOptions ReadOnly() {
  OpenOptions o;
  o.read_only = true;
  return o;
}

std::unique_ptr<File> MustOpen(FileSystem* fs, const std::string& path,
                               const OpenOptions& options = Create()) {
  Result<std::unique_ptr<File>> f = fs->Open(path, options);
  EXPECT_TRUE(f.ok()) << path << ": " << f.status().ToString();
  return f.ok() ? std::move(f).value() : nullptr;
}

Status Write(File* f, uint64_t offset, const std::string& data) {
  return f->WriteAt(offset, data.data(), data.size());
}

std::string ReadAll(File* f) {
  Result<uint64_t> size = f->Size();
  EXPECT_TRUE(size.ok());
  if (!size.ok()) return "";
  std::string out(*size, '\0');
  size_t n = 0;
  Status s = f->ReadAt(0, out.size(), &out[0], &n);
  EXPECT_TRUE(s.ok()) << s.ToString();
  out.resize(n);
  return out;
}

std::string Contents(FaultInjectionFileSystem* fs, const std::string& path) {
  Result<std::string> r = fs->ReadFileContents(path);
  EXPECT_TRUE(r.ok()) << path << ": " << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

bool Exists(FaultInjectionFileSystem* fs, const std::string& path) { return fs->Stat(path).ok(); }

// --- Basic file system behaviour ---------------------------------------------

TEST(FaultInjectionFileSystemTest, ReadWriteStatAndOpenOptions) {
  FaultInjectionFileSystem fs;
  EXPECT_EQ(fs.Open("a", OpenOptions()).status().code(), StatusCode::kNotFound);
  // read_only wins over create, as in PosixFileSystem (no O_CREAT).
  OpenOptions ro_create = ReadOnly();
  ro_create.create = true;
  EXPECT_EQ(fs.Open("a", ro_create).status().code(), StatusCode::kNotFound);

  auto f = MustOpen(&fs, "a");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->path(), "a");
  ASSERT_OK(Write(f.get(), 0, "hello"));
  ASSERT_OK(Write(f.get(), 10, "world"));  // leaves a zero-filled hole
  EXPECT_EQ(ReadAll(f.get()), std::string("hello\0\0\0\0\0world", 15));
  char buf[8];
  size_t n = 0;
  ASSERT_OK(f->ReadAt(12, sizeof(buf), buf, &n));
  EXPECT_EQ(std::string(buf, n), "rld");  // short read at end of file
  ASSERT_OK(f->ReadAt(100, sizeof(buf), buf, &n));
  EXPECT_EQ(n, 0u);
  ASSERT_OK(f->Truncate(4));
  EXPECT_EQ(*f->Size(), 4u);

  OpenOptions excl = Create();
  excl.exclusive = true;
  EXPECT_EQ(fs.Open("a", excl).status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(fs.Open("b", excl).ok());

  Result<FileInfo> a = fs.Stat("a");
  Result<FileInfo> b = fs.Stat("b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->kind, FileKind::kRegular);
  EXPECT_EQ(a->size, 4u);
  EXPECT_EQ(a->device, 1u);
  EXPECT_EQ(b->device, 1u);
  EXPECT_NE(a->inode, b->inode);
  // Another spelling of the same path is the same file.
  EXPECT_EQ(fs.Stat("./a")->inode, a->inode);
  EXPECT_EQ(fs.Stat(".")->kind, FileKind::kDirectory);
  EXPECT_EQ(fs.Stat("/")->kind, FileKind::kDirectory);
  EXPECT_EQ(fs.Stat("nope").status().code(), StatusCode::kNotFound);

  auto ro = MustOpen(&fs, "a", ReadOnly());
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(Write(ro.get(), 0, "x").code(), StatusCode::kIOError);
  EXPECT_EQ(ro->Truncate(0).code(), StatusCode::kIOError);
  EXPECT_EQ(ReadAll(ro.get()), "hell");
  EXPECT_EQ(fs.Open(".", ReadOnly()).status().code(), StatusCode::kInvalidArgument);
}

TEST(FaultInjectionFileSystemTest, DirectoriesListRemoveRename) {
  FaultInjectionFileSystem fs;
  EXPECT_EQ(fs.CreateDir("db/sub").code(), StatusCode::kNotFound);  // parent must exist
  EXPECT_EQ(fs.Open("db/x", Create()).status().code(), StatusCode::kNotFound);
  ASSERT_OK(fs.CreateDir("db"));
  ASSERT_OK(fs.CreateDir("db"));  // idempotent, like PosixFileSystem
  ASSERT_OK(fs.CreateDir("db/sub"));
  EXPECT_EQ(fs.Stat("db")->kind, FileKind::kDirectory);
  ASSERT_OK(fs.WriteFileContents("db/b", "B", /*durable=*/false));
  ASSERT_OK(fs.WriteFileContents("db/a", "A", /*durable=*/false));
  ASSERT_OK(fs.WriteFileContents("db/sub/c", "C", /*durable=*/false));
  EXPECT_EQ(fs.CreateDir("db/a").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(fs.Open("db/a/x", Create()).status().code(), StatusCode::kIOError);  // ENOTDIR

  Result<std::vector<std::string>> names = fs.List("db");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"a", "b", "sub"}));
  EXPECT_EQ(*fs.List("."), (std::vector<std::string>{"db"}));
  EXPECT_EQ(fs.List("missing").status().code(), StatusCode::kNotFound);

  EXPECT_EQ(fs.Remove("db/sub").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(fs.Remove("db/zzz").code(), StatusCode::kNotFound);
  ASSERT_OK(fs.Remove("db/b"));
  EXPECT_FALSE(Exists(&fs, "db/b"));

  // Rename keeps the inode, replaces the target, and open Files follow it.
  uint64_t inode = fs.Stat("db/a")->inode;
  auto f = MustOpen(&fs, "db/a");
  ASSERT_OK(fs.WriteFileContents("db/target", "old", /*durable=*/false));
  ASSERT_OK(fs.Rename("db/a", "db/target"));
  EXPECT_FALSE(Exists(&fs, "db/a"));
  EXPECT_EQ(fs.Stat("db/target")->inode, inode);
  ASSERT_OK(Write(f.get(), 1, "!"));
  EXPECT_EQ(Contents(&fs, "db/target"), "A!");
  EXPECT_EQ(fs.Rename("db/a", "db/z").code(), StatusCode::kNotFound);
  EXPECT_EQ(fs.Rename("db/target", "db/sub").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(fs.Rename("db/target", "nodir/x").code(), StatusCode::kNotFound);

  // A removed file stays usable through a File that has it open.
  ASSERT_OK(fs.Remove("db/target"));
  ASSERT_OK(Write(f.get(), 0, "z"));
  EXPECT_EQ(ReadAll(f.get()), "z!");
}

// --- Durability and crashes -----------------------------------------------------

TEST(FaultInjectionFileSystemTest, CrashKeepsOnlySyncedData) {
  FaultInjectionFileSystem fs;
  auto f = MustOpen(&fs, "data");
  ASSERT_OK(fs.SyncDir("."));
  ASSERT_OK(Write(f.get(), 0, "synced"));
  ASSERT_OK(f->Sync());
  ASSERT_OK(Write(f.get(), 6, "+lost"));
  ASSERT_OK(Write(f.get(), 0, "S"));
  EXPECT_EQ(Contents(&fs, "data"), "Synced+lost");

  fs.SimulateCrash();
  EXPECT_EQ(Contents(&fs, "data"), "synced");

  // The old File is dead; a new one works.
  Status s = Write(f.get(), 0, "x");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("file system crashed"), std::string::npos);
  char c;
  size_t n;
  EXPECT_EQ(f->ReadAt(0, 1, &c, &n).code(), StatusCode::kIOError);
  EXPECT_EQ(f->Sync().code(), StatusCode::kIOError);
  EXPECT_EQ(f->Size().status().code(), StatusCode::kIOError);
  EXPECT_EQ(f->Lock(File::LockMode::kShared).code(), StatusCode::kIOError);
  auto g = MustOpen(&fs, "data");
  ASSERT_OK(Write(g.get(), 6, "!"));
  EXPECT_EQ(ReadAll(g.get()), "synced!");

  // An unsynced truncate is undone as well.
  ASSERT_OK(g->Truncate(2));
  fs.SimulateCrash();
  EXPECT_EQ(Contents(&fs, "data"), "synced");
}

TEST(FaultInjectionFileSystemTest, DirectoryEntriesNeedSyncDir) {
  FaultInjectionFileSystem fs;
  // Data synced but the entry never was: the file vanishes.
  {
    auto f = MustOpen(&fs, "unlinked");
    ASSERT_OK(Write(f.get(), 0, "data"));
    ASSERT_OK(f->Sync());
  }
  ASSERT_OK(fs.WriteFileContents("kept", "v1", /*durable=*/true));
  ASSERT_OK(fs.WriteFileContents("removed", "r", /*durable=*/true));
  fs.SimulateCrash();
  EXPECT_FALSE(Exists(&fs, "unlinked"));
  EXPECT_EQ(Contents(&fs, "kept"), "v1");

  // Unsynced removal and rename revert; the rename target's old file returns.
  ASSERT_OK(fs.Remove("removed"));
  ASSERT_OK(fs.WriteFileContents("tmp", "v2", /*durable=*/false));
  {
    auto f = MustOpen(&fs, "tmp");
    ASSERT_OK(f->Sync());  // data durable, entries not
  }
  ASSERT_OK(fs.Rename("tmp", "kept"));
  EXPECT_EQ(Contents(&fs, "kept"), "v2");
  fs.SimulateCrash();
  EXPECT_EQ(Contents(&fs, "removed"), "r");
  EXPECT_EQ(Contents(&fs, "kept"), "v1");
  EXPECT_FALSE(Exists(&fs, "tmp"));

  // The same sequence with SyncDir sticks.
  ASSERT_OK(fs.Remove("removed"));
  ASSERT_OK(fs.WriteFileContents("tmp", "v2", /*durable=*/false));
  {
    auto f = MustOpen(&fs, "tmp");
    ASSERT_OK(f->Sync());
  }
  ASSERT_OK(fs.Rename("tmp", "kept"));
  ASSERT_OK(fs.SyncDir("."));
  fs.SimulateCrash();
  EXPECT_FALSE(Exists(&fs, "removed"));
  EXPECT_FALSE(Exists(&fs, "tmp"));
  EXPECT_EQ(Contents(&fs, "kept"), "v2");
  EXPECT_EQ(*fs.List("."), (std::vector<std::string>{"kept"}));

  // The classic bug: rename made durable, data not synced -> empty file.
  ASSERT_OK(fs.WriteFileContents("tmp2", "v3", /*durable=*/false));
  ASSERT_OK(fs.Rename("tmp2", "kept"));
  ASSERT_OK(fs.SyncDir("."));
  fs.SimulateCrash();
  EXPECT_EQ(Contents(&fs, "kept"), "");
}

TEST(FaultInjectionFileSystemTest, UnsyncedDirectoryLosesItsContents) {
  FaultInjectionFileSystem fs;
  ASSERT_OK(fs.CreateDir("db"));
  ASSERT_OK(fs.WriteFileContents("db/f", "x", /*durable=*/true));  // entry durable in db
  fs.SimulateCrash();
  EXPECT_FALSE(Exists(&fs, "db"));  // "." was never synced
  EXPECT_FALSE(Exists(&fs, "db/f"));

  ASSERT_OK(fs.CreateDir("db"));
  ASSERT_OK(fs.SyncDir("."));
  ASSERT_OK(fs.WriteFileContents("db/f", "x", /*durable=*/false));
  ASSERT_OK(fs.SyncDir("db"));
  {
    auto f = MustOpen(&fs, "db/f");
    ASSERT_OK(f->Sync());
  }
  fs.SimulateCrash();
  EXPECT_EQ(Contents(&fs, "db/f"), "x");
  EXPECT_EQ(fs.SyncDir("nodir").code(), StatusCode::kNotFound);
  EXPECT_EQ(fs.SyncDir("db/f").code(), StatusCode::kIOError);
}

// Builds the same unsynced history in any FaultInjectionFileSystem.
void BuildRandomCrashHistory(FaultInjectionFileSystem* fs) {
  ASSERT_OK(fs->WriteFileContents("f", std::string(1024, 'o'), /*durable=*/true));
  ASSERT_OK(fs->SyncDir("."));
  auto f = MustOpen(fs, "f");
  ASSERT_OK(Write(f.get(), 300, std::string(1500, 'a')));  // spans sectors 0..3
  ASSERT_OK(Write(f.get(), 4096, std::string(2048, 'b')));
  ASSERT_OK(f->Truncate(5000));
}

TEST(FaultInjectionFileSystemTest, RandomCrashIsDeterministicPerSeed) {
  std::set<std::string> outcomes;
  for (uint64_t seed = 0; seed < 50; seed++) {
    FaultInjectionFileSystem fs1, fs2;
    BuildRandomCrashHistory(&fs1);
    BuildRandomCrashHistory(&fs2);
    CrashOptions options;
    options.seed = seed;
    options.keep_random_unsynced = true;
    fs1.SimulateCrash(options);
    fs2.SimulateCrash(options);
    std::string image = Contents(&fs1, "f");
    EXPECT_EQ(image, Contents(&fs2, "f")) << "seed " << seed;
    // Synced bytes the writes did not cover are never touched.
    EXPECT_EQ(image.substr(0, 300), std::string(300, 'o')) << "seed " << seed;
    outcomes.insert(image);
  }
  EXPECT_GT(outcomes.size(), 5u);  // the seed matters

  // The default drops all of it.
  FaultInjectionFileSystem fs;
  BuildRandomCrashHistory(&fs);
  fs.SimulateCrash();
  EXPECT_EQ(Contents(&fs, "f"), std::string(1024, 'o'));
}

TEST(FaultInjectionFileSystemTest, RandomCrashKeepsWholeDroppedPartialAndTornWrites) {
  // One unsynced 4 KiB write at offset 0 to an empty durable file: every
  // outcome is a prefix of whole sectors of 'x', maybe then one garbage sector.
  bool full = false, dropped = false, partial = false, torn = false;
  for (uint64_t seed = 0; seed < 200; seed++) {
    FaultInjectionFileSystem fs;
    ASSERT_OK(fs.WriteFileContents("f", "", /*durable=*/true));
    auto f = MustOpen(&fs, "f");
    ASSERT_OK(Write(f.get(), 0, std::string(4096, 'x')));
    CrashOptions options;
    options.seed = seed;
    options.keep_random_unsynced = true;
    fs.SimulateCrash(options);
    std::string image = Contents(&fs, "f");
    ASSERT_EQ(image.size() % 512, 0u) << "seed " << seed;
    size_t good = image.find_first_not_of('x');
    if (good == std::string::npos) good = image.size();
    ASSERT_EQ(good % 512, 0u) << "seed " << seed;
    if (image.size() == 4096 && good == 4096) {
      full = true;
    } else if (image.empty()) {
      dropped = true;
    } else if (good == image.size()) {
      partial = true;
    } else {
      ASSERT_EQ(image.size(), good + 512) << "only the last kept sector may be torn, seed " << seed;
      torn = true;
    }
  }
  EXPECT_TRUE(full);
  EXPECT_TRUE(dropped);
  EXPECT_TRUE(partial);
  EXPECT_TRUE(torn);
}

// --- Fault rules ---------------------------------------------------------------

TEST(FaultInjectionFileSystemTest, FailNthWriteKinds) {
  FaultInjectionFileSystem fs;
  auto f = MustOpen(&fs, "f");
  fs.FailNthWrite(2, FaultKind::kIOError);
  ASSERT_OK(Write(f.get(), 0, "aaaa"));
  EXPECT_EQ(Write(f.get(), 4, "bbbb").code(), StatusCode::kIOError);
  ASSERT_OK(Write(f.get(), 8, "cccc"));  // not persistent: only the 2nd fails
  EXPECT_EQ(Contents(&fs, "f"), std::string("aaaa\0\0\0\0cccc", 12));
  EXPECT_EQ(fs.faults_injected(), 1u);
  EXPECT_EQ(fs.write_count(), 3u);

  fs.FailNthWrite(1, FaultKind::kDiskFull);  // counting restarts when armed
  EXPECT_EQ(Write(f.get(), 0, "dddd").code(), StatusCode::kDiskFull);
  EXPECT_EQ(Contents(&fs, "f").substr(0, 4), "aaaa");

  fs.FailNthWrite(1, FaultKind::kShortWrite);
  Status s = Write(f.get(), 0, "12345678");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("short write"), std::string::npos);
  EXPECT_EQ(Contents(&fs, "f"), std::string("1234\0\0\0\0cccc", 12));
  EXPECT_EQ(fs.faults_injected(), 3u);

  fs.ClearFaults();
  fs.FailNthWrite(0, FaultKind::kIOError);  // n == 0: disarmed
  ASSERT_OK(Write(f.get(), 0, "ok"));
}

TEST(FaultInjectionFileSystemTest, PersistentFaultsAndPathFilter) {
  FaultInjectionFileSystem fs;
  auto wal = MustOpen(&fs, "db.wal");
  auto data = MustOpen(&fs, "db.data");
  FaultOptions options;
  options.persistent = true;
  options.path_suffix = ".wal";
  fs.FailNthWrite(2, FaultKind::kIOError, options);
  ASSERT_OK(Write(wal.get(), 0, "1"));
  ASSERT_OK(Write(data.get(), 0, "x"));  // not counted by the rule
  ASSERT_OK(Write(data.get(), 1, "y"));
  EXPECT_EQ(Write(wal.get(), 1, "2").code(), StatusCode::kIOError);
  EXPECT_EQ(Write(wal.get(), 1, "3").code(), StatusCode::kIOError);  // persistent
  EXPECT_EQ(Write(wal.get(), 1, "4").code(), StatusCode::kIOError);
  ASSERT_OK(Write(data.get(), 2, "z"));
  EXPECT_EQ(Contents(&fs, "db.wal"), "1");
  EXPECT_EQ(Contents(&fs, "db.data"), "xyz");
  EXPECT_EQ(fs.faults_injected(), 3u);
  EXPECT_EQ(fs.write_count(), 7u);

  // Persistent read faults too.
  FaultOptions persistent;
  persistent.persistent = true;
  fs.FailNthRead(2, persistent);
  char buf[4];
  size_t n = 0;
  ASSERT_OK(data->ReadAt(0, 3, buf, &n));
  EXPECT_EQ(data->ReadAt(0, 3, buf, &n).code(), StatusCode::kIOError);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(wal->ReadAt(0, 1, buf, &n).code(), StatusCode::kIOError);
  fs.ClearFaults();
  ASSERT_OK(wal->ReadAt(0, 1, buf, &n));
  EXPECT_EQ(fs.read_count(), 4u);
}

TEST(FaultInjectionFileSystemTest, FailedSyncMakesNothingDurable) {
  FaultInjectionFileSystem fs;
  auto f = MustOpen(&fs, "f");
  ASSERT_OK(fs.SyncDir("."));
  ASSERT_OK(Write(f.get(), 0, "one"));
  ASSERT_OK(f->Sync());
  ASSERT_OK(Write(f.get(), 3, "two"));
  fs.FailNthSync(1);
  EXPECT_EQ(f->Sync().code(), StatusCode::kIOError);
  EXPECT_EQ(ReadAll(f.get()), "onetwo");  // reads still see it
  EXPECT_EQ(fs.sync_count(), 2u);
  fs.SimulateCrash();
  EXPECT_EQ(Contents(&fs, "f"), "one");

  // The rule is spent; the next good Sync persists everything pending,
  // including what the failed one missed.
  auto g = MustOpen(&fs, "f");
  ASSERT_OK(Write(g.get(), 3, "two"));
  fs.FailNthSync(1);
  EXPECT_EQ(g->Sync().code(), StatusCode::kIOError);
  ASSERT_OK(Write(g.get(), 6, "three"));
  ASSERT_OK(g->Sync());
  fs.SimulateCrash();
  EXPECT_EQ(Contents(&fs, "f"), "onetwothree");
}

TEST(FaultInjectionFileSystemTest, FailedSyncDir) {
  FaultInjectionFileSystem fs;
  ASSERT_OK(fs.WriteFileContents("f", "x", /*durable=*/false));
  fs.FailNthSyncDir(1);
  EXPECT_EQ(fs.SyncDir(".").code(), StatusCode::kIOError);
  EXPECT_EQ(fs.sync_dir_count(), 1u);
  fs.SimulateCrash();
  EXPECT_FALSE(Exists(&fs, "f"));
}

TEST(FaultInjectionFileSystemTest, CorruptNthReadFlipsOneBit) {
  FaultInjectionFileSystem fs;
  const std::string data = "abcdefgh";
  ASSERT_OK(fs.WriteFileContents("f", data, /*durable=*/true));
  auto f = MustOpen(&fs, "f", ReadOnly());
  fs.CorruptNthRead(2);
  std::string buf(data.size(), '\0');
  size_t n = 0;
  ASSERT_OK(f->ReadAt(0, buf.size(), &buf[0], &n));
  EXPECT_EQ(buf, data);
  ASSERT_OK(f->ReadAt(0, buf.size(), &buf[0], &n));
  ASSERT_EQ(n, data.size());
  int flipped_bits = 0;
  for (size_t i = 0; i < n; i++)
    flipped_bits += __builtin_popcount(static_cast<unsigned char>(buf[i] ^ data[i]));
  EXPECT_EQ(flipped_bits, 1);
  ASSERT_OK(f->ReadAt(0, buf.size(), &buf[0], &n));
  EXPECT_EQ(buf, data);  // the file itself is intact
  EXPECT_EQ(Contents(&fs, "f"), data);
  EXPECT_EQ(fs.faults_injected(), 1u);
}

TEST(FaultInjectionFileSystemTest, DiskFullFailsOnlyGrowingWrites) {
  FaultInjectionFileSystem fs;
  auto f = MustOpen(&fs, "f");
  ASSERT_OK(Write(f.get(), 0, "12345678"));
  fs.SetDiskFull(true);
  ASSERT_OK(Write(f.get(), 2, "ab"));  // in place
  EXPECT_EQ(Write(f.get(), 6, "abcd").code(), StatusCode::kDiskFull);
  EXPECT_EQ(Write(f.get(), 8, "x").code(), StatusCode::kDiskFull);
  EXPECT_EQ(Contents(&fs, "f"), "12ab5678");  // a failed write writes nothing
  EXPECT_EQ(fs.faults_injected(), 2u);
  fs.SetDiskFull(false);
  ASSERT_OK(Write(f.get(), 8, "x"));
  fs.SetDiskFull(true);
  fs.ClearFaults();
  ASSERT_OK(Write(f.get(), 9, "y"));
}

// --- Locks ----------------------------------------------------------------------

TEST(FaultInjectionFileSystemTest, LocksFollowFlockRules) {
  FaultInjectionFileSystem fs;
  auto a = MustOpen(&fs, "lock");
  auto b = MustOpen(&fs, "lock");
  auto c = MustOpen(&fs, "./lock", ReadOnly());
  ASSERT_OK(a->Lock(File::LockMode::kExclusive));
  ASSERT_OK(a->Lock(File::LockMode::kExclusive));  // again on the same File
  EXPECT_EQ(b->Lock(File::LockMode::kExclusive).code(), StatusCode::kDatabaseLocked);
  EXPECT_EQ(c->Lock(File::LockMode::kShared).code(), StatusCode::kDatabaseLocked);
  a.reset();  // released on destruction
  ASSERT_OK(b->Lock(File::LockMode::kShared));
  ASSERT_OK(c->Lock(File::LockMode::kShared));  // shared + shared
  auto d = MustOpen(&fs, "lock");
  EXPECT_EQ(d->Lock(File::LockMode::kExclusive).code(), StatusCode::kDatabaseLocked);
  // Other files are independent.
  auto other = MustOpen(&fs, "other");
  ASSERT_OK(other->Lock(File::LockMode::kExclusive));

  // A crash kills the holders; the rebooted system has no locks.
  ASSERT_OK(fs.WriteFileContents("lock", "", /*durable=*/true));
  fs.SimulateCrash();
  auto e = MustOpen(&fs, "lock");
  ASSERT_OK(e->Lock(File::LockMode::kExclusive));
  b.reset();  // destroying a dead holder does not drop e's lock
  auto g = MustOpen(&fs, "lock");
  EXPECT_EQ(g->Lock(File::LockMode::kShared).code(), StatusCode::kDatabaseLocked);
}

// --- Helpers and trace --------------------------------------------------------

TEST(FaultInjectionFileSystemTest, HelpersChangeBothImages) {
  FaultInjectionFileSystem fs;
  ASSERT_OK(fs.WriteFileContents("f", "abcdef", /*durable=*/true));
  ASSERT_OK(fs.CorruptByte("f", 1, 0x01));
  EXPECT_EQ(Contents(&fs, "f"), "accdef");
  ASSERT_OK(fs.TruncateFile("f", 4));
  EXPECT_EQ(Contents(&fs, "f"), "accd");
  fs.SimulateCrash();
  EXPECT_EQ(Contents(&fs, "f"), "accd");  // durable image changed too
  EXPECT_EQ(fs.CorruptByte("f", 4, 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(fs.CorruptByte("nope", 0, 1).code(), StatusCode::kNotFound);
  ASSERT_OK(fs.TruncateFile("f", 6));
  EXPECT_EQ(Contents(&fs, "f"), std::string("accd\0\0", 6));

  // An unsynced rewrite of an existing file reverts at a crash.
  ASSERT_OK(fs.WriteFileContents("f", "new", /*durable=*/false));
  EXPECT_EQ(Contents(&fs, "f"), "new");
  fs.SimulateCrash();
  EXPECT_EQ(Contents(&fs, "f"), std::string("accd\0\0", 6));
  EXPECT_EQ(fs.ReadFileContents(".").status().code(), StatusCode::kInvalidArgument);
  // Helpers are not counted.
  EXPECT_EQ(fs.write_count() + fs.read_count() + fs.sync_count(), 0u);
}

TEST(FaultInjectionFileSystemTest, TraceRecordsOrder) {
  FaultInjectionFileSystem fs;
  fs.SetRecordOps(true);
  ASSERT_OK(fs.CreateDir("db"));
  auto f = MustOpen(&fs, "db/x.wal");
  ASSERT_OK(Write(f.get(), 0, "abc"));
  ASSERT_OK(f->Sync());
  ASSERT_OK(fs.Rename("db/x.wal", "db/y.wal"));
  ASSERT_OK(fs.SyncDir("db"));
  fs.FailNthWrite(1, FaultKind::kIOError);
  EXPECT_FALSE(Write(f.get(), 3, "d").ok());
  ASSERT_OK(f->Truncate(1));
  fs.SimulateCrash();
  EXPECT_EQ(fs.ops(),
            (std::vector<std::string>{"mkdir db", "create db/x.wal", "write db/x.wal 0 3", "sync db/x.wal",
                                      "rename db/x.wal db/y.wal", "syncdir db", "write db/x.wal 3 1 FAILED",
                                      "truncate db/x.wal 1", "crash"}));
  fs.ClearOps();
  fs.SetRecordOps(false);
  ASSERT_OK(fs.SyncDir("."));
  EXPECT_TRUE(fs.ops().empty());
}

// --- Threads ----------------------------------------------------------------------

TEST(FaultInjectionFileSystemTest, ConcurrentReads) {
  FaultInjectionFileSystem fs;
  std::string data;
  for (int i = 0; i < 4096; i++) data.push_back(static_cast<char>(i * 7));
  ASSERT_OK(fs.WriteFileContents("f", data, /*durable=*/true));
  auto f = MustOpen(&fs, "f", ReadOnly());
  std::vector<std::thread> threads;
  std::vector<int> errors(8, 0);
  for (size_t t = 0; t < errors.size(); t++) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 0; i < 500; i++) {
        uint64_t offset = (i * 131 + t * 17) % data.size();
        char buf[64];
        size_t n = 0;
        Status s = f->ReadAt(offset, sizeof(buf), buf, &n);
        if (!s.ok() || std::string(buf, n) != data.substr(offset, sizeof(buf))) errors[t]++;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int e : errors) EXPECT_EQ(e, 0);
  EXPECT_EQ(fs.read_count(), 8u * 500u);
}

TEST(FaultInjectionFileSystemTest, FilesMayOutliveTheFileSystem) {
  std::unique_ptr<File> f;
  {
    FaultInjectionFileSystem fs;
    f = MustOpen(&fs, "f");
    ASSERT_OK(f->Lock(File::LockMode::kExclusive));
  }
  ASSERT_OK(Write(f.get(), 0, "still fine"));
  EXPECT_EQ(ReadAll(f.get()), "still fine");
}

}  // namespace
}  // namespace ruzu

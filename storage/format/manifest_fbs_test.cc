// The generated manifest code builds, verifies and rejects garbage.
#include <gtest/gtest.h>

#include "storage/format/manifest_generated.h"

namespace ruzu {
namespace {

TEST(ManifestFbsTest, RoundTripAndVerify) {
  flatbuffers::FlatBufferBuilder b;
  format::Extent free_list(7, 3);
  format::ManifestBuilder mb(b);
  mb.add_format_version(1);
  mb.add_epoch(42);
  mb.add_free_list(&free_list);
  mb.add_free_extent_count(5);
  b.Finish(mb.Finish());
  flatbuffers::Verifier verifier(b.GetBufferPointer(), b.GetSize());
  ASSERT_TRUE(format::VerifyManifestBuffer(verifier));
  const format::Manifest* m = format::GetManifest(b.GetBufferPointer());
  EXPECT_EQ(m->epoch(), 42u);
  EXPECT_EQ(m->free_list()->first_page(), 7u);
  EXPECT_EQ(m->free_extent_count(), 5u);

  std::string garbage(b.GetSize(), '\xff');
  flatbuffers::Verifier bad(reinterpret_cast<const uint8_t*>(garbage.data()), garbage.size());
  EXPECT_FALSE(format::VerifyManifestBuffer(bad));
}

}  // namespace
}  // namespace ruzu

// A deterministic social graph for benchmarks and data files: Person nodes
// with a name, an age, a birthday and a score, and Knows edges between them.
//
//   SocialGraph graph({/*persons=*/100000, /*degree=*/10, /*seed=*/1});
//   PersonRow person;
//   for (uint64_t i = 0; i < graph.persons(); i++) { graph.Person(i, &person); ... }
//   graph.ForEachKnows(0, graph.knows(), [&](const KnowsRow& k) { ... });
//
// Every row is a pure function of (spec, row number): nothing is held in
// memory, rows can be produced in any order or in parallel ranges, and the
// same spec gives the same graph on every machine.
//
// Edge ends: each end of each edge is, with probability 1/2, a uniformly
// random person and otherwise a "popular" one: rank floor(N * u^2) for
// uniform u, so P(rank < x) = sqrt(x / N), mapped to a person id by a fixed
// bijection that scatters popular persons over the id range. Popularity is
// the same for both directions (people who are followed a lot also follow a
// lot). With N = 100K and degree 10 the busiest person has ~1.6K edges each
// way (mean 10), and the number of 2-hop paths is ~1.7x that of a uniform
// graph. No self loops; duplicate edges (same from and to) may occur.
#ifndef RUZU_TOOLS_BENCH_SOCIAL_GRAPH_H_
#define RUZU_TOOLS_BENCH_SOCIAL_GRAPH_H_

#include <cstdint>
#include <string>

#include "common/status.h"

namespace ruzu {
namespace bench {

struct SocialGraphSpec {
  uint64_t persons = 0;
  // Average number of Knows edges leaving (and entering) a person.
  uint64_t degree = 0;
  uint64_t seed = 1;

  uint64_t knows() const { return persons * degree; }
  // Errors (InvalidArgument) for sizes the generator cannot produce:
  // more than 2^32 persons, fewer than 2 persons with edges, or an edge
  // count that overflows.
  Status Validate() const;
};

struct PersonRow {
  int64_t id = 0;        // the row number
  std::string name;      // "First Last", from 64 x 64 names (not unique)
  int64_t age = 0;       // 18 .. 80
  int32_t birthday = 0;  // days since 1970-01-01; the age on 2026-01-01 is `age`
  double score = 0;      // [0, 100) with 4 decimals, e.g. 37.4159
};

struct KnowsRow {
  int64_t from = 0;
  int64_t to = 0;
  int64_t since = 0;  // a year, 1990 .. 2026
};

// The column layout shared by the generator's CSV files and the benchmarks'
// schema, in KuzuDB's DDL.
extern const char kSocialGraphSchema[];

class SocialGraph {
 public:
  // REQUIRES: spec.Validate().ok().
  explicit SocialGraph(const SocialGraphSpec& spec);

  const SocialGraphSpec& spec() const { return spec_; }
  uint64_t persons() const { return spec_.persons; }
  uint64_t knows() const { return spec_.knows(); }

  // Person `i`; reuses `row`'s string capacity. Any i works: rows past
  // persons() are more persons of the same kind (for benchmarks that add some).
  void Person(uint64_t i, PersonRow* row) const;

  // Edge number `j` (REQUIRES: j < knows()).
  KnowsRow Knows(uint64_t j) const {
    const uint64_t h_from = Mix(edge_seed_ + 2 * j);
    const uint64_t h_to = Mix(edge_seed_ + 2 * j + 1);
    KnowsRow row;
    const uint64_t from = Endpoint(h_from);
    uint64_t to = Endpoint(h_to);
    if (to == from) to = to + 1 == spec_.persons ? 0 : to + 1;
    row.from = static_cast<int64_t>(from);
    row.to = static_cast<int64_t>(to);
    // The endpoints used all of both hashes' high bits; mix them again so the
    // year is independent of who the edge connects.
    row.since = 1990 + static_cast<int64_t>(Below(Mix(h_from ^ (h_to >> 1)), 37));
    return row;
  }

  // Calls `visit(const KnowsRow&)` for edges [begin, end) in order. A
  // template so the visitor inlines: this is the fast path for big graphs.
  template <typename Visit>
  void ForEachKnows(uint64_t begin, uint64_t end, Visit&& visit) const {
    for (uint64_t j = begin; j < end; j++) visit(Knows(j));
  }

  // SplitMix64's finalizer: a bijective 64-bit mix.
  static uint64_t Mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }

 private:
  // A value in [0, n) from the high bits of `h` (Lemire's multiply-shift:
  // no division).
  static uint64_t Below(uint64_t h, uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(h) * n) >> 64);
  }

  // One end of an edge from a 64-bit hash: its lowest bit picks uniform or
  // popular, the other bits the person.
  uint64_t Endpoint(uint64_t h) const {
    if ((h & 1) == 0) return Below(h, spec_.persons);
    const double u = static_cast<double>(h >> 11) * 0x1p-53;
    const uint64_t rank = static_cast<uint64_t>(u * u * static_cast<double>(spec_.persons));
    // rank <= 2^32 and scatter_multiplier_ < 2^32, so the sum fits in 64 bits.
    return (rank * scatter_multiplier_ + scatter_offset_) % spec_.persons;
  }

  SocialGraphSpec spec_;
  uint64_t person_seed_;
  uint64_t edge_seed_;
  // rank -> id is x * multiplier + offset mod persons, a bijection because
  // the multiplier is coprime with persons.
  uint64_t scatter_multiplier_;
  uint64_t scatter_offset_;
};

}  // namespace bench
}  // namespace ruzu

#endif  // RUZU_TOOLS_BENCH_SOCIAL_GRAPH_H_

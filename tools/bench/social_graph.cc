#include "tools/bench/social_graph.h"

#include <numeric>

namespace ruzu {
namespace bench {
namespace {

// 64 first names and 64 last names: 4096 combinations, so names repeat (as
// real ones do) and GROUP BY name has work to do.
constexpr const char* kFirstNames[64] = {
    "Aaliyah", "Adam",  "Aiko",   "Alice",    "Amara", "Ana",   "Arjun", "Ben",    "Bruno", "Carla", "Chen",
    "Chloe",   "Dan",   "Dmitri", "Elena",    "Emma",  "Farah", "Felix", "Fatima", "Grace", "Hana",  "Hugo",
    "Ines",    "Ivan",  "Jack",   "Jamal",    "Jin",   "Julia", "Kai",   "Karin",  "Leila", "Liam",  "Lucia",
    "Mateo",   "Maya",  "Mei",    "Mohammed", "Nadia", "Noah",  "Nora",  "Olga",   "Omar",  "Paula", "Pedro",
    "Priya",   "Quinn", "Rafael", "Rosa",     "Sami",  "Sara",  "Sofia", "Tariq",  "Tess",  "Umar",  "Uma",
    "Victor",  "Vera",  "Wei",    "Xavier",   "Yara",  "Yusuf", "Zara",  "Zoe",    "Emil",
};
constexpr const char* kLastNames[64] = {
    "Abe",      "Ahmed",  "Alvarez",  "Andersen", "Bauer",   "Becker", "Chen",     "Costa",
    "Cruz",     "Dubois", "Eriksson", "Fischer",  "Garcia",  "Gomez",  "Gupta",    "Hansen",
    "Haddad",   "Ito",    "Ivanova",  "Jensen",   "Kaur",    "Kim",    "Kowalski", "Kumar",
    "Lambert",  "Larsen", "Lee",      "Lopez",    "Martin",  "Meyer",  "Moreau",   "Mueller",
    "Nakamura", "Nguyen", "Novak",    "Okafor",   "Olsen",   "Park",   "Patel",    "Pereira",
    "Petrov",   "Rossi",  "Russo",    "Sato",     "Schmidt", "Silva",  "Singh",    "Smith",
    "Suzuki",   "Tanaka", "Taylor",   "Torres",   "Wagner",  "Walker", "Wang",     "Weber",
    "Wilson",   "Wong",   "Yamamoto", "Yilmaz",   "Young",   "Zhang",  "Zhou",     "Ziegler",
};

// Days from 1970-01-01 to January 1st of `year` (proleptic Gregorian).
int32_t DaysToNewYear(int64_t year) {
  const int64_t y = year - 1;  // leap days before `year` count from year 1
  const int64_t days_before = y * 365 + y / 4 - y / 100 + y / 400;
  constexpr int64_t kDaysBefore1970 = 1969 * 365 + 1969 / 4 - 1969 / 100 + 1969 / 400;
  return static_cast<int32_t>(days_before - kDaysBefore1970);
}

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// Ages are as of this day.
constexpr int64_t kReferenceYear = 2026;

}  // namespace

const char kSocialGraphSchema[] =
    "CREATE NODE TABLE Person(id INT64, name STRING, age INT64, birthday DATE, score DOUBLE, "
    "PRIMARY KEY(id));\n"
    "CREATE REL TABLE Knows(FROM Person TO Person, since INT64);\n";

Status SocialGraphSpec::Validate() const {
  if (persons > (uint64_t{1} << 32)) {
    return InvalidArgument("at most 2^32 persons, not " + std::to_string(persons));
  }
  if (degree > 0 && persons < 2)
    return InvalidArgument("edges need at least 2 persons (there are no self loops)");
  if (persons > 0 && degree > (uint64_t{1} << 62) / persons) {
    return InvalidArgument("persons x degree is too large: " + std::to_string(persons) + " x " +
                           std::to_string(degree));
  }
  return Status::OK();
}

SocialGraph::SocialGraph(const SocialGraphSpec& spec)
    : spec_(spec),
      person_seed_(Mix(spec.seed ^ 0x70657273'6f6e7321ULL)),
      edge_seed_(Mix(spec.seed ^ 0x6b6e6f77'73656467ULL)) {
  const uint64_t n = spec.persons > 0 ? spec.persons : 1;
  // Near n / golden ratio, so consecutive ranks land far apart.
  scatter_multiplier_ = static_cast<uint64_t>(static_cast<double>(n) * 0.6180339887498949) | 1;
  while (std::gcd(scatter_multiplier_, n) != 1) scatter_multiplier_ += 2;
  scatter_offset_ = Mix(edge_seed_ ^ 1) % n;
}

void SocialGraph::Person(uint64_t i, PersonRow* row) const {
  const uint64_t h = Mix(person_seed_ + 2 * i);
  const uint64_t g = Mix(person_seed_ + 2 * i + 1);
  row->id = static_cast<int64_t>(i);
  row->name.assign(kFirstNames[h & 63]);
  row->name.push_back(' ');
  row->name.append(kLastNames[(h >> 6) & 63]);
  row->age = 18 + static_cast<int64_t>(Below(h, 63));
  // Born in kReferenceYear - 1 - age, so the age on 1 January of
  // kReferenceYear is exactly `age`.
  const int64_t year = kReferenceYear - 1 - row->age;
  row->birthday = DaysToNewYear(year) + static_cast<int32_t>(Below(g, IsLeapYear(year) ? 366 : 365));
  // The low half of g: the birthday used the high bits.
  row->score = static_cast<double>(Below(g << 32, 1000000)) / 1e4;
}

}  // namespace bench
}  // namespace ruzu

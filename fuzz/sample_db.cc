#include "fuzz/sample_db.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "db/connection.h"
#include "db/database.h"
#include "fuzz/fuzz_util.h"
#include "storage/testing/fault_injection_file_system.h"

namespace ruzu::fuzz {
namespace {

void CheckOk(const Status& s, const std::string& what) {
  RUZU_FUZZ_CHECK(s.ok(), "building the sample database: " + what + ": " + s.ToString());
}

void Run(Connection* conn, const std::string& cypher) {
  auto r = conn->Query(cypher);
  CheckOk(r.status(), cypher);
}

void CreateSchema(Connection* conn) {
  Run(conn,
      "CREATE NODE TABLE Person(name STRING, age INT64, small INT8, mid INT16, num INT32, score DOUBLE, "
      "f FLOAT, ok BOOL, born DATE, seen TIMESTAMP, PRIMARY KEY(name))");
  Run(conn, "CREATE NODE TABLE City(id INT64, name STRING, population INT32, PRIMARY KEY(id))");
  Run(conn, "CREATE REL TABLE Knows(FROM Person TO Person, since INT64, note STRING)");
  Run(conn, "CREATE REL TABLE LivesIn(FROM Person TO City, moved DATE, w DOUBLE)");
}

std::vector<Value> PersonRow(int i) {
  return {
      Value::String("p" + std::to_string(i)),
      i % 7 == 0 ? Value::Null(LogicalType::kInt64) : Value::Int64(20 + i % 60),
      Value::Int8(static_cast<int8_t>(i % 100 - 50)),
      Value::Int16(static_cast<int16_t>(i * 37 % 30000)),
      Value::Int32(i * 1000),
      Value::Double(i * 0.25),
      Value::Float(static_cast<float>(i) / 3),
      i % 5 == 0 ? Value::Null(LogicalType::kBool) : Value::Bool(i % 2 == 0),
      Value::Date(10000 + i),
      Value::Timestamp(int64_t{1700000000} * 1000000 + i),
  };
}

void InsertPeople(Database* db, int first, int count) {
  auto txn = db->Begin(TransactionMode::kReadWrite);
  CheckOk(txn.status(), "Begin");
  for (int i = first; i < first + count; i++)
    CheckOk((*txn)->InsertNode("Person", PersonRow(i)).status(), "InsertNode");
  CheckOk((*txn)->Commit(), "Commit");
}

Value Name(int i) { return Value::String("p" + std::to_string(i)); }

// `people` people, three cities, Knows from each person i to (7i + 3) mod
// people (plus a self loop every fourth), and LivesIn for everyone.
void InsertGraph(Database* db, Connection* conn, int people) {
  for (int first = 0; first < people; first += 1000) InsertPeople(db, first, std::min(1000, people - first));
  Run(conn,
      "CREATE (:City {id: 1, name: 'Oslo', population: 700000}), (:City {id: 2, name: 'Lima'}), "
      "(:City {id: 3, name: 'Quito', population: 2800000})");
  auto txn = db->Begin(TransactionMode::kReadWrite);
  CheckOk(txn.status(), "Begin");
  for (int i = 0; i < people; i++) {
    CheckOk((*txn)
                ->InsertRel("Knows", Name(i), Name((i * 7 + 3) % people),
                            {Value::Int64(2000 + i),
                             i % 3 == 0 ? Value::String("") : Value::String("note " + std::to_string(i))})
                .status(),
            "InsertRel Knows");
    if (i % 4 == 0) {
      CheckOk(
          (*txn)
              ->InsertRel("Knows", Name(i), Name(i), {Value::Int64(1999), Value::Null(LogicalType::kString)})
              .status(),
          "InsertRel Knows (loop)");
    }
    CheckOk((*txn)
                ->InsertRel("LivesIn", Name(i), Value::Int64(1 + i % 3),
                            {Value::Date(15000 + i), Value::Double(i / 7.0)})
                .status(),
            "InsertRel LivesIn");
  }
  CheckOk((*txn)->Commit(), "Commit");
}

// Inserts, updates and deletions of every kind the WAL records.
void ChangeGraph(Database* db, Connection* conn, int people) {
  InsertPeople(db, people, 5);
  const std::string p = std::to_string(people);
  Run(conn, "MATCH (a:Person {name: 'p" + p +
                "'}), (b:Person {name: 'p1'}) CREATE (a)-[:Knows {since: 2024}]->(b)");
  Run(conn, "MATCH (p:Person) WHERE p.age > 70 SET p.score = p.score + 1, p.f = NULL");
  Run(conn, "MATCH (p:Person {name: 'p2'}) SET p.seen = timestamp('2020-01-01 00:00:00'), p.small = 5");
  Run(conn, "MATCH (p:Person {name: 'p3'}) SET p.age = NULL, p.born = date('2001-02-03'), p.ok = true");
  Run(conn, "MATCH (:Person {name: 'p4'})-[k:Knows]->() SET k.note = 'changed', k.since = 1");
  Run(conn, "MATCH (:Person {name: 'p5'})-[k:Knows]->() DELETE k");
  Run(conn, "MATCH (p:Person {name: 'p6'}) DETACH DELETE p");
  Run(conn, "MATCH (c:City {id: 2}) SET c.population = 9000000");
  Run(conn, "BEGIN TRANSACTION");
  Run(conn, "CREATE (:Person {name: 'p6', age: 66})");
  Run(conn, "MATCH (a:Person {name: 'p6'}), (c:City {id: 3}) CREATE (a)-[:LivesIn {w: 0.5}]->(c)");
  Run(conn, "COMMIT");
}

DbImage Build(SampleDb which) {
  QuietLogging();
  FaultInjectionFileSystem fs;
  DatabaseOptions options;
  options.file_system = &fs;
  options.checkpoint_on_close = false;
  {
    auto db = Database::Open("db", options);
    CheckOk(db.status(), "Open");
    Connection conn(db->get());
    CreateSchema(&conn);
    switch (which) {
      case SampleDb::kCheckpointAndWal:
      case SampleDb::kCheckpointOnly:
        InsertGraph(db->get(), &conn, 30);
        CheckOk((*db)->Checkpoint(), "Checkpoint");
        ChangeGraph(db->get(), &conn, 30);
        if (which == SampleDb::kCheckpointOnly) CheckOk((*db)->Checkpoint(), "Checkpoint");
        break;
      case SampleDb::kWalOnly:
        InsertGraph(db->get(), &conn, 12);
        ChangeGraph(db->get(), &conn, 12);
        break;
      case SampleDb::kTwoGroups:
        InsertGraph(db->get(), &conn, 4500);
        CheckOk((*db)->Checkpoint(), "Checkpoint");
        Run(&conn, "MATCH (p:Person {name: 'p4400'}) SET p.age = 1");
        Run(&conn, "MATCH (p:Person {name: 'p4401'}) DETACH DELETE p");
        Run(&conn, "CREATE (:Person {name: 'p9999', age: 9})");
        break;
    }
    if (which == SampleDb::kCheckpointAndWal) {
      // ALTER TABLE commits by a checkpoint of its own; put WAL records after it.
      Run(&conn, "ALTER TABLE City ADD country STRING DEFAULT 'n/a'");
      Run(&conn, "MATCH (c:City {id: 1}) SET c.country = 'NO'");
      Run(&conn, "MATCH (p:Person {name: 'p7'}) SET p.score = 7.5");
      Run(&conn, "MATCH (:Person {name: 'p8'})-[k:Knows]->() DELETE k");
    }
    CheckOk((*db)->Close(), "Close");
  }
  DbImage image;
  auto data = fs.ReadFileContents("db");
  CheckOk(data.status(), "reading db");
  auto wal = fs.ReadFileContents("db.wal");
  CheckOk(wal.status(), "reading db.wal");
  image.data = std::move(*data);
  image.wal = std::move(*wal);
  return image;
}

}  // namespace

const DbImage& GetSampleDb(SampleDb which) {
  static const DbImage* images[kNumSampleDbs] = {
      new DbImage(Build(SampleDb::kCheckpointAndWal)),
      new DbImage(Build(SampleDb::kCheckpointOnly)),
      new DbImage(Build(SampleDb::kWalOnly)),
      new DbImage(Build(SampleDb::kTwoGroups)),
  };
  return *images[static_cast<int>(which)];
}

}  // namespace ruzu::fuzz

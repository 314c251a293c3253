// The fuzz targets' entry points. Each is what LLVMFuzzerTestOneInput calls
// in that target's binary (fuzz/fuzz_entry.cc, with RUZU_FUZZ_ENTRY naming the
// function), and what fuzz_regression_test replays the corpora through.
// Every function returns 0 and aborts (with a message) when its oracle fails.
#ifndef RUZU_FUZZ_FUZZ_TARGETS_H_
#define RUZU_FUZZ_FUZZ_TARGETS_H_

#include <cstddef>
#include <cstdint>

namespace ruzu::fuzz {

// Cypher text -> ParseCypher; whatever parses must print (ToString) to text
// that parses to the same printed form. Also ParseCypherExpression.
int CypherParseOneInput(const uint8_t* data, size_t size);

// [option bytes][CSV file]: serial and parallel CsvReader agree (rows, lines,
// skipped rows, error); the rows written by CsvWriter read back the same.
int CsvOneInput(const uint8_t* data, size_t size);

// [flags][(target/op, offset, value) patches]: a small valid database image
// (data file + WAL) is patched, optionally re-sealed (checksums recomputed),
// then opened, verified, dumped and queried: errors only, never a crash.
int DatabaseFileOneInput(const uint8_t* data, size_t size);

// Cypher text run through Connection::Query on a small fixed database
// (reopened from the same image every time), under a watchdog that
// interrupts it; afterwards Verify must find nothing wrong.
int QueryOneInput(const uint8_t* data, size_t size);

}  // namespace ruzu::fuzz

#endif  // RUZU_FUZZ_FUZZ_TARGETS_H_

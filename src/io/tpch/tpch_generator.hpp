#pragma once

// TPC-H data generator written from the TPC-H specification (clause 4.2): the 8 tables at any scale factor as
// dbgen-style .tbl text ('|'-separated fields, trailing '|', newline). It is not byte-compatible with dbgen, but
// follows the spec's cardinalities, key rules, value domains, formulas and text grammar, so the 22 queries select
// what they select on official data.
//
// Output is deterministic: every row (or part with its 4 partsupp rows, or order with its lineitems) is drawn from
// its own seeded random stream, so a table can be cut into any number of parts, generated in parallel, and the
// concatenated result is the same bytes.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace basalt {

enum class TpchTable { kRegion, kNation, kSupplier, kCustomer, kPart, kPartSupp, kOrders, kLineitem };

// "region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem".
const char* tpch_table_name(TpchTable table);

// Exact row count for all tables except lineitem, for which it is the count the generator will produce.
// Throws std::runtime_error if scale_factor is not a positive finite number.
int64_t tpch_row_count(TpchTable table, double scale_factor);

// Generates one table's rows as .tbl text. The table's rows are split into `parts` contiguous independent parts;
// this call produces part `part` (0-based) and calls sink with buffers of complete lines (about 1 MB each).
// parts/part let callers generate in parallel; output concatenated in part order is identical for any `parts`.
// partsupp is split at part boundaries (4 rows each) and lineitem at order boundaries, so a part may be empty
// when `parts` exceeds the number of such units. Safe to call concurrently from several threads.
void generate_tpch_table(TpchTable table, double scale_factor, int part, int parts,
                         const std::function<void(std::string_view lines)>& sink);

// Writes <dir>/<table>.tbl for all 8 tables using `threads` threads (creates dir). progress(table, rows_done) may
// be called from any thread (guard it yourself), it may be empty. (This implementation calls it only from the
// calling thread, after each written chunk, with the table's cumulative row count.)
void generate_tpch_files(double scale_factor, const std::string& dir, int threads,
                         const std::function<void(const char* table, int64_t rows)>& progress = {});

}  // namespace basalt

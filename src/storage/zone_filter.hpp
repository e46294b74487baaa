// A predicate a scan can test against zone maps: `column op constant` on a table column. A block whose min
// and max prove no row can satisfy it is skipped without being read.
#pragma once

#include "storage/column_encoding.hpp"
#include "types/value.hpp"

namespace basalt {

enum class ZoneOp { kEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

struct ZoneFilter {
    idx_t column = 0;  // table column
    ZoneOp op = ZoneOp::kEqual;
    Value constant;
};

// Orders two non-NULL values of one type by their stored representation: -1, 0 or 1 (0 for types without an
// order here, such as intervals).
int compare_values(const Value& a, const Value& b);

// False when the zone map proves that no row of the block satisfies the filter. NULLs satisfy no comparison,
// so an all-NULL block never matches. The constant must have the column's type (else: true, no pruning).
bool zone_may_match(const ZoneMap& zone, idx_t rows, const ZoneFilter& filter);

}  // namespace basalt

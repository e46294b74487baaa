// Casts between every pair of supported types, with PostgreSQL's rules for which casts are implicit.
#pragma once

#include "types/logical_type.hpp"
#include "vector/vector.hpp"

namespace basalt {

// Converts count rows of src into result (whose type is the target). Throws 22P02/22003/22007/22008 on
// values that do not convert, 42846 when no cast between the types exists.
void cast_vector(const Vector& src, Vector& result, idx_t count);
Value cast_value(const Value& value, const LogicalType& target);

bool cast_exists(const LogicalType& from, const LogicalType& to);
// The cost of an implicit cast from -> to (0 when equal), or -1 when PostgreSQL would not cast implicitly.
int implicit_cast_cost(const LogicalType& from, const LogicalType& to);

// The type both sides are cast to for comparisons, CASE branches, UNION columns (PostgreSQL's
// select_common_type, simplified). Throws 42804 when there is none; `context` names the construct.
bool try_common_supertype(const LogicalType& a, const LogicalType& b, LogicalType& out);
LogicalType common_supertype(const LogicalType& a, const LogicalType& b, const char* context, int position);

// Whether a value of `from` may be stored into a column of type `to` (PostgreSQL's implicit and assignment
// casts: numbers to any number, anything to text, between date and timestamps).
bool assignment_cast_allowed(const LogicalType& from, const LogicalType& to);

// DECIMAL type that holds every value of an integer type exactly.
LogicalType decimal_for_integer(const LogicalType& integer_type);

}  // namespace basalt

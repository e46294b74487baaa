// The constant values of an `x IN (...)` list as a hash set, so each row costs one probe instead of one
// comparison per constant (10,000 constants over a million rows took minutes). Values are of the list's
// common type; equality is PostgreSQL's (vector/value_compare.hpp). NULL constants are not stored: the
// caller remembers them, since they only turn "not found" into NULL.
#pragma once

#include <cstdint>
#include <memory>

#include "vector/vector.hpp"

namespace basalt {

class InListSet {
public:
    // What probe() reports per row.
    enum Outcome : uint8_t { kMissing = 0, kFound = 1, kNullInput = 2 };

    explicit InListSet(const LogicalType& type);
    ~InListSet();
    InListSet(const InListSet&) = delete;
    InListSet& operator=(const InListSet&) = delete;

    // Adds row `row` of v (which must not be NULL there); duplicates are kept once. String bytes are copied.
    void insert(const Vector& v, idx_t row);
    // outcome[i] for rows 0..count-1 of v (a constant v answers every row from its one value).
    void probe(const Vector& v, idx_t count, uint8_t* outcome) const;
    size_t size() const;

    struct Table;

private:
    std::unique_ptr<Table> table_;
};

}  // namespace basalt

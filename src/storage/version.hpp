// Version numbers for multi-version concurrency control.
//   Commit ids count up from 1: the commit with id c made its rows visible to every snapshot >= c.
//   Transaction ids start at kTransactionIdStart, above every commit id, so a row deleted by a transaction
//   that has not committed yet carries a number no snapshot reaches: one comparison decides visibility.
#pragma once

#include <cstdint>
#include <limits>

#include "vector/validity_mask.hpp"

namespace basalt {

using txn_t = uint64_t;
using row_t = uint64_t;

inline constexpr txn_t kTransactionIdStart = txn_t{1} << 62;
inline constexpr txn_t kNotDeleted = 0;

// Row ids of rows a transaction inserted and has not committed yet (they live in its local storage).
inline constexpr row_t kLocalRowStart = row_t{1} << 62;
// The column id a scan uses to return row ids (BIGINT) instead of a stored column.
inline constexpr idx_t kRowIdColumn = std::numeric_limits<idx_t>::max();

// What a reader sees: commits up to snapshot, plus its own changes (marked with id).
struct TransactionView {
    txn_t snapshot = 0;
    txn_t id = 0;

    bool sees_insert(txn_t commit) const { return commit <= snapshot; }
    // A change stamped with a commit id, or with the id of the transaction making it (not committed yet).
    bool sees_change(txn_t stamp) const { return stamp == id || stamp <= snapshot; }
    bool sees_delete(txn_t deleted_by) const {
        return deleted_by != kNotDeleted && (deleted_by <= snapshot || deleted_by == id);
    }
};

}  // namespace basalt

// Gathers rows of a ColumnDataCollection by row number into a vector (hash join payloads, sort output).
#pragma once

#include <memory>

#include "execution/column_data_collection.hpp"

namespace basalt {

// out[i] = rows[row_ids[i]].column; out keeps `owner` alive when the column holds strings.
void gather_rows(const ColumnDataCollection& rows, idx_t column, const uint64_t* row_ids, idx_t count, Vector& out,
                 const std::shared_ptr<const void>& owner);

}  // namespace basalt

#include "main/query_result.hpp"

namespace basalt {

idx_t QueryResult::row_count() const {
    idx_t n = 0;
    for (const auto& c : chunks) n += c->size();
    return n;
}

Value QueryResult::get_value(idx_t column, idx_t row) const {
    for (const auto& c : chunks) {
        if (row < c->size()) return c->column(column).get_value(row);
        row -= c->size();
    }
    return Value();
}

}  // namespace basalt

#include "main/query_result.hpp"

namespace basalt {

std::unique_ptr<DataChunk> QueryResult::fetch() {
    if (next_chunk_ < chunks.size()) return std::move(chunks[next_chunk_++]);
    if (!stream) return nullptr;
    auto chunk = stream->next();
    if (!chunk) stream.reset();
    return chunk;
}

QueryResult& QueryResult::materialize() {
    while (stream) {
        auto chunk = stream->next();
        if (!chunk) {
            stream.reset();
            break;
        }
        chunks.push_back(std::move(chunk));
    }
    return *this;
}

idx_t QueryResult::row_count() const {
    idx_t n = 0;
    for (const auto& c : chunks) n += c ? c->size() : 0;
    return n;
}

Value QueryResult::get_value(idx_t column, idx_t row) const {
    for (const auto& c : chunks) {
        if (!c) continue;
        if (row < c->size()) return c->column(column).get_value(row);
        row -= c->size();
    }
    return Value();
}

}  // namespace basalt

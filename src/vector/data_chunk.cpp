#include "vector/data_chunk.hpp"

namespace basalt {

void DataChunk::initialize(const std::vector<LogicalType>& types, idx_t capacity) {
    capacity_ = capacity;
    columns_.clear();
    columns_.reserve(types.size());
    for (const auto& t : types) columns_.emplace_back(t, capacity);
    count_ = 0;
}

std::vector<LogicalType> DataChunk::types() const {
    std::vector<LogicalType> out;
    for (const auto& c : columns_) out.push_back(c.type());
    return out;
}

void DataChunk::reset() {
    for (auto& c : columns_) c.reset();
    count_ = 0;
}

void DataChunk::reference(const DataChunk& other) {
    columns_.resize(other.columns_.size());
    for (size_t i = 0; i < columns_.size(); i++) columns_[i].reference(other.columns_[i]);
    count_ = other.count_;
    capacity_ = other.capacity_;
}

std::string DataChunk::to_string() const {
    std::string out;
    for (idx_t r = 0; r < count_; r++) {
        for (idx_t c = 0; c < columns_.size(); c++) {
            if (c) out += '\t';
            out += columns_[c].get_value(r).to_string();
        }
        out += '\n';
    }
    return out;
}

}  // namespace basalt

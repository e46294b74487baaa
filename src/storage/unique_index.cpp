#include "storage/unique_index.hpp"

#include <cmath>
#include <cstring>

#include "types/physical_dispatch.hpp"

namespace basalt {

UniqueIndex::UniqueIndex(std::string name, std::vector<idx_t> columns, std::vector<std::string> column_names)
    : name_(std::move(name)), columns_(std::move(columns)), column_names_(std::move(column_names)), shards_(kShards) {}

size_t UniqueIndex::shard_index(const std::string& key) {
    // The top bits: the maps use the low bits of the same hash for their buckets.
    return (std::hash<std::string>{}(key) >> 58) % kShards;
}

void UniqueIndex::clear() {
    for (auto& s : shards_) std::unordered_map<std::string, row_t>().swap(s);
}

bool UniqueIndex::encode(const DataChunk& chunk, idx_t row, std::string& key) const {
    key.clear();
    for (idx_t c : columns_) {
        const Vector& v = chunk.column(c);
        idx_t r = v.is_constant() ? 0 : row;
        if (!v.validity().is_valid(r)) return false;
        dispatch_physical(v.type().physical(), [&](auto tag) {
            using T = typename decltype(tag)::type;
            T value = v.data<T>()[r];
            if constexpr (std::is_same_v<T, std::string_view>) {
                auto length = static_cast<uint32_t>(value.size());
                key.append(reinterpret_cast<const char*>(&length), sizeof(length));
                key.append(value.data(), value.size());
            } else {
                if constexpr (std::is_floating_point_v<T>) {
                    // Equal values must encode equally: -0 is 0, and every NaN is one NaN (as in PostgreSQL).
                    if (value == 0) value = 0;
                    if (std::isnan(value)) value = std::numeric_limits<T>::quiet_NaN();
                }
                char bytes[sizeof(T)];
                std::memcpy(bytes, &value, sizeof(T));
                key.append(bytes, sizeof(T));
            }
        });
    }
    return true;
}

std::string UniqueIndex::describe(const DataChunk& chunk, idx_t row) const {
    std::string names, values;
    for (size_t i = 0; i < columns_.size(); i++) {
        if (i > 0) {
            names += ", ";
            values += ", ";
        }
        names += column_names_[i];
        values += chunk.column(columns_[i]).get_value(row).to_string();
    }
    return "(" + names + ")=(" + values + ")";
}

std::optional<row_t> UniqueIndex::find(const std::string& key) const {
    const auto& map = shards_[shard_index(key)];
    auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return it->second;
}

void UniqueIndex::drop_column(idx_t index) {
    for (auto& c : columns_) {
        if (c > index) c--;
    }
}

}  // namespace basalt

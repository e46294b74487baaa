#include "storage/data_table.hpp"

#include "common/error.hpp"
#include "types/physical_dispatch.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

DataTable::DataTable(std::vector<LogicalType> types) : types_(std::move(types)), statistics_(types_.size()) {}

double DataTable::distinct_count(idx_t column) const {
    double d = statistics_[column].distinct_count();
    return std::max(1.0, std::min(d, static_cast<double>(row_count_)));
}

DataTable::Segment& DataTable::writable_segment() {
    if (row_groups_.empty() || row_groups_.back().count >= kRowGroupSize) row_groups_.emplace_back();
    RowGroup& group = row_groups_.back();
    if (group.segments.empty() || group.segments.back().count >= kVectorSize) {
        Segment segment;
        for (const auto& t : types_) segment.columns.emplace_back(t, kVectorSize);
        group.segments.push_back(std::move(segment));
    }
    return group.segments.back();
}

void DataTable::append(const DataChunk& chunk) {
    BASALT_ASSERT(chunk.column_count() == types_.size(), "append with the wrong number of columns");
    for (idx_t c = 0; c < types_.size(); c++) statistics_[c].update(chunk.column(c), chunk.size());
    idx_t offset = 0;
    while (offset < chunk.size()) {
        Segment& segment = writable_segment();
        idx_t n = std::min(chunk.size() - offset, kVectorSize - segment.count);
        for (idx_t c = 0; c < types_.size(); c++) {
            const Vector& src = chunk.column(c);
            Vector& dst = segment.columns[c];
            if (types_[c].physical() == PhysicalType::kString) {
                // Copy the bytes so the table owns them (invariant 1).
                const auto* in = src.data<std::string_view>();
                auto* out = dst.data<std::string_view>();
                for (idx_t i = 0; i < n; i++) {
                    idx_t row = src.is_constant() ? 0 : offset + i;
                    if (src.validity().is_valid(row)) {
                        out[segment.count + i] = dst.add_string(in[row]);
                    } else {
                        out[segment.count + i] = {};
                        dst.set_null(segment.count + i);
                    }
                }
            } else {
                vector_copy(src, src.is_constant() ? 0 : offset, n, dst, segment.count);
            }
        }
        segment.count += n;
        row_groups_.back().count += n;
        row_count_ += n;
        offset += n;
    }
}

bool DataTable::scan(idx_t row_group, idx_t& vector_index, const std::vector<idx_t>& column_ids,
                     DataChunk& out) const {
    if (row_group >= row_groups_.size()) return false;
    const RowGroup& group = row_groups_[row_group];
    if (vector_index >= group.segments.size()) return false;
    const Segment& segment = group.segments[vector_index++];
    for (idx_t i = 0; i < column_ids.size(); i++) out.column(i).reference(segment.columns[column_ids[i]]);
    out.set_size(segment.count);
    return true;
}

void DataTable::add_column(const LogicalType& type, const Value& default_value) {
    types_.push_back(type);
    statistics_.emplace_back();
    if (row_count_ > 0) {
        Vector v(type, 1);
        v.set_constant_value(default_value);
        statistics_.back().update(v, row_count_);
    }
    for (auto& group : row_groups_) {
        for (auto& segment : group.segments) {
            Vector v(type, kVectorSize);
            for (idx_t i = 0; i < segment.count; i++) v.set_value(i, default_value);
            segment.columns.push_back(std::move(v));
        }
    }
}

void DataTable::drop_column(idx_t index) {
    types_.erase(types_.begin() + static_cast<std::ptrdiff_t>(index));
    statistics_.erase(statistics_.begin() + static_cast<std::ptrdiff_t>(index));
    for (auto& group : row_groups_) {
        for (auto& segment : group.segments) {
            segment.columns.erase(segment.columns.begin() + static_cast<std::ptrdiff_t>(index));
        }
    }
}

void DataTable::truncate() {
    statistics_.assign(types_.size(), ColumnStatistics());
    row_groups_.clear();
    row_count_ = 0;
}

}  // namespace basalt

#include "storage/data_table.hpp"

#include <algorithm>
#include <mutex>

#include "common/error.hpp"
#include "types/physical_dispatch.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

DataTable::DataTable(std::vector<LogicalType> types) : types_(std::move(types)), statistics_(types_.size()) {}

idx_t DataTable::physical_row_count() const {
    std::shared_lock guard(lock_);
    return row_count_;
}

idx_t DataTable::live_row_count() const {
    std::shared_lock guard(lock_);
    return row_count_ - deleted_count_;
}

idx_t DataTable::row_group_count() const {
    std::shared_lock guard(lock_);
    return row_groups_.size();
}

double DataTable::distinct_count(idx_t column) const {
    std::shared_lock guard(lock_);
    double rows = static_cast<double>(row_count_ - deleted_count_);
    if (column == kRowIdColumn) return std::max(1.0, rows);
    double d = statistics_[column].distinct_count();
    return std::max(1.0, std::min(d, rows));
}

DataTable::Segment& DataTable::writable_segment() {
    if (row_groups_.empty() || row_groups_.back().count >= kRowGroupSize) row_groups_.emplace_back();
    RowGroup& group = row_groups_.back();
    if (group.segments.empty() || group.segments.back()->count >= kVectorSize) {
        auto segment = std::make_unique<Segment>();
        for (const auto& t : types_) segment->columns.emplace_back(t, kVectorSize);
        group.segments.push_back(std::move(segment));
    }
    return *group.segments.back();
}

DataTable::Segment* DataTable::locate(row_t row, idx_t& offset) const {
    if (row >= row_count_) return nullptr;
    const RowGroup& group = row_groups_[row / kRowGroupSize];
    idx_t in_group = row % kRowGroupSize;
    offset = in_group % kVectorSize;
    return group.segments[in_group / kVectorSize].get();
}

row_t DataTable::append_committed(std::vector<std::unique_ptr<DataChunk>> chunks, txn_t commit_id) {
    std::unique_lock guard(lock_);
    row_t first = row_count_;
    // Keys by position among the appended rows, encoded before the chunks' buffers move into segments.
    std::vector<std::vector<std::pair<std::string, row_t>>> keys(indexes_.size());
    if (!indexes_.empty()) {
        row_t position = 0;
        for (const auto& chunk : chunks) {
            for (idx_t i = 0; i < chunk->size(); i++, position++) {
                for (idx_t ix = 0; ix < indexes_.size(); ix++) {
                    std::string key;
                    if (indexes_[ix]->encode(*chunk, i, key)) keys[ix].emplace_back(std::move(key), position);
                }
            }
        }
    }
    for (auto& chunk_ptr : chunks) {
        DataChunk& chunk = *chunk_ptr;
        if (chunk.size() == 0) continue;
        BASALT_ASSERT(chunk.column_count() == types_.size(), "append with the wrong number of columns");
        for (idx_t c = 0; c < types_.size(); c++) statistics_[c].update(chunk.column(c), chunk.size());
        bool at_boundary = row_groups_.empty() || row_groups_.back().count >= kRowGroupSize ||
                           row_groups_.back().segments.back()->count >= kVectorSize;
        bool owned = true;
        for (idx_t c = 0; c < types_.size(); c++) owned = owned && !chunk.column(c).is_constant();
        if (at_boundary && owned && chunk.size() == kVectorSize) {
            // A full chunk of the transaction's own buffers (strings in its own heap) becomes a segment as is.
            if (row_groups_.empty() || row_groups_.back().count >= kRowGroupSize) row_groups_.emplace_back();
            auto segment = std::make_unique<Segment>();
            for (idx_t c = 0; c < types_.size(); c++) segment->columns.push_back(std::move(chunk.column(c)));
            segment->count = kVectorSize;
            segment->insert_runs.emplace_back(0, commit_id);
            row_groups_.back().segments.push_back(std::move(segment));
            row_groups_.back().count += kVectorSize;
            row_count_ += kVectorSize;
            continue;
        }
        idx_t offset = 0;
        while (offset < chunk.size()) {
            Segment& segment = writable_segment();
            idx_t n = std::min(chunk.size() - offset, kVectorSize - segment.count);
            // Copy the bytes so the table owns them (invariant 3).
            for (idx_t c = 0; c < types_.size(); c++) vector_copy_owned(chunk.column(c), offset, n, segment.columns[c], segment.count);
            if (segment.insert_runs.empty() || segment.insert_runs.back().second != commit_id) {
                segment.insert_runs.emplace_back(segment.count, commit_id);
            }
            segment.count += n;
            row_groups_.back().count += n;
            row_count_ += n;
            offset += n;
        }
    }
    for (idx_t ix = 0; ix < keys.size(); ix++) {
        for (auto& [key, position] : keys[ix]) indexes_[ix]->insert(key, first + position);
    }
    return first;
}

bool DataTable::scan(idx_t row_group, idx_t& vector_index, const std::vector<idx_t>& column_ids, DataChunk& out,
                     const TransactionView& view) const {
    std::shared_lock guard(lock_);
    if (row_group >= row_groups_.size()) return false;
    const RowGroup& group = row_groups_[row_group];
    if (vector_index >= group.segments.size()) return false;
    const Segment& segment = *group.segments[vector_index];
    row_t base = row_group * kRowGroupSize + vector_index * kVectorSize;
    vector_index++;

    // Commit ids grow with the offset (invariant 1), so the rows view sees inserted form a prefix.
    idx_t limit = segment.count;
    for (const auto& [first, commit] : segment.insert_runs) {
        if (!view.sees_insert(commit)) {
            limit = first;
            break;
        }
    }
    sel_t sel[kVectorSize];
    idx_t n = 0;
    if (segment.deleted) {
        for (idx_t i = 0; i < limit; i++) {
            if (!view.sees_delete(segment.deleted[i])) sel[n++] = static_cast<sel_t>(i);
        }
    } else {
        n = limit;
    }
    bool dense = n == limit;  // rows [0, n) exactly
    for (idx_t i = 0; i < column_ids.size(); i++) {
        Vector& target = out.column(i);
        if (column_ids[i] == kRowIdColumn) {
            target.reset();
            auto* ids = target.data<int64_t>();
            for (idx_t r = 0; r < n; r++) ids[r] = static_cast<int64_t>(base + (dense ? r : sel[r]));
        } else if (dense) {
            target.reference(segment.columns[column_ids[i]]);
        } else {
            vector_gather(segment.columns[column_ids[i]], sel, n, target);
        }
    }
    out.set_size(n);
    return true;
}

DeleteResult DataTable::delete_row(row_t row, const TransactionView& view) {
    std::unique_lock guard(lock_);
    idx_t offset = 0;
    Segment* segment = locate(row, offset);
    if (!segment) return DeleteResult::kInvisible;
    if (!segment->deleted) {
        segment->deleted = std::make_unique<txn_t[]>(kVectorSize);
        std::fill_n(segment->deleted.get(), kVectorSize, kNotDeleted);
    }
    txn_t& slot = segment->deleted[offset];
    if (slot == view.id) return DeleteResult::kAlreadyDeletedBySelf;
    if (slot != kNotDeleted) return slot <= view.snapshot ? DeleteResult::kInvisible : DeleteResult::kConflict;
    slot = view.id;
    return DeleteResult::kDeleted;
}

bool DataTable::replay_deletes(const std::vector<row_t>& rows, txn_t commit_id) {
    std::unique_lock guard(lock_);
    for (row_t row : rows) {
        idx_t offset = 0;
        Segment* segment = locate(row, offset);
        if (!segment) return false;
        if (!segment->deleted) {
            segment->deleted = std::make_unique<txn_t[]>(kVectorSize);
            std::fill_n(segment->deleted.get(), kVectorSize, kNotDeleted);
        }
        if (segment->deleted[offset] == kNotDeleted) deleted_count_++;
        segment->deleted[offset] = commit_id;
    }
    return true;
}

void DataTable::commit_deletes(const std::vector<row_t>& rows, txn_t commit_id) {
    std::unique_lock guard(lock_);
    for (row_t row : rows) {
        idx_t offset = 0;
        Segment* segment = locate(row, offset);
        if (segment && segment->deleted) segment->deleted[offset] = commit_id;
    }
    deleted_count_ += rows.size();
}

void DataTable::rollback_deletes(const std::vector<row_t>& rows, txn_t transaction_id) {
    std::unique_lock guard(lock_);
    for (row_t row : rows) {
        idx_t offset = 0;
        Segment* segment = locate(row, offset);
        if (segment && segment->deleted && segment->deleted[offset] == transaction_id) segment->deleted[offset] = kNotDeleted;
    }
}

DataTable::RowVersion DataTable::row_version(row_t row) const {
    // The caller holds lock_ (unique index checks run under it).
    RowVersion version;
    idx_t offset = 0;
    Segment* segment = locate(row, offset);
    if (!segment) return version;
    for (const auto& [first, commit] : segment->insert_runs) {
        if (first <= offset) version.inserted = commit;
    }
    if (segment->deleted) version.deleted = segment->deleted[offset];
    return version;
}

void DataTable::add_unique_index(std::unique_ptr<UniqueIndex> index) {
    std::unique_lock guard(lock_);
    indexes_.push_back(std::move(index));
}

void DataTable::add_column(const LogicalType& type, const Value& default_value) {
    std::unique_lock guard(lock_);
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
            for (idx_t i = 0; i < segment->count; i++) v.set_value(i, default_value);
            segment->columns.push_back(std::move(v));
        }
    }
}

void DataTable::drop_column(idx_t index) {
    std::unique_lock guard(lock_);
    types_.erase(types_.begin() + static_cast<std::ptrdiff_t>(index));
    statistics_.erase(statistics_.begin() + static_cast<std::ptrdiff_t>(index));
    for (auto& group : row_groups_) {
        for (auto& segment : group.segments) {
            segment->columns.erase(segment->columns.begin() + static_cast<std::ptrdiff_t>(index));
        }
    }
    std::vector<std::unique_ptr<UniqueIndex>> kept;
    for (auto& ix : indexes_) {
        const auto& columns = ix->columns();
        if (std::find(columns.begin(), columns.end(), index) != columns.end()) continue;  // dropped with its column
        ix->drop_column(index);
        kept.push_back(std::move(ix));
    }
    indexes_ = std::move(kept);
}

}  // namespace basalt

#include "storage/data_table.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

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

idx_t DataTable::row_group_rows(idx_t row_group) const {
    std::shared_lock guard(lock_);
    return row_group < row_groups_.size() ? row_groups_[row_group].count : 0;
}

double DataTable::distinct_count(idx_t column) const {
    std::shared_lock guard(lock_);
    double rows = static_cast<double>(row_count_ - deleted_count_);
    if (column == kRowIdColumn) return std::max(1.0, rows);
    double d = statistics_[column].distinct_count();
    return std::max(1.0, std::min(d, rows));
}

DataTable::Segment& DataTable::writable_segment() {
    if (needs_new_group()) row_groups_.emplace_back();
    RowGroup& group = row_groups_.back();
    if (group.segments.empty() || group.segments.back()->count >= kVectorSize) {
        auto segment = std::make_unique<Segment>();
        for (const auto& t : types_) segment->columns.emplace_back(t, kVectorSize);
        group.segments.push_back(std::move(segment));
    }
    return *group.segments.back();
}

DataTable::Segment* DataTable::locate(row_t row, idx_t& offset) const {
    if (row / kRowGroupSize >= row_groups_.size()) return nullptr;
    const RowGroup& group = row_groups_[row / kRowGroupSize];
    idx_t in_group = row % kRowGroupSize;
    if (in_group >= group.count) return nullptr;
    offset = in_group % kVectorSize;
    return group.segments[in_group / kVectorSize].get();
}

bool DataTable::needs_new_group() const {
    return row_groups_.empty() || row_groups_.back().count >= kRowGroupSize || row_groups_.back().sealed;
}

row_t DataTable::append_committed(std::vector<std::unique_ptr<DataChunk>> chunks, txn_t commit_id) {
    std::unique_lock guard(lock_);
    // Rows appended together get consecutive ids: a row group fills up before the next one starts (only a
    // sealed one stops early, and that can only be the first one looked at).
    row_t first = needs_new_group() ? row_groups_.size() * kRowGroupSize
                                    : (row_groups_.size() - 1) * kRowGroupSize + row_groups_.back().count;
    // Keys by position among the appended rows, encoded before the chunks' buffers move into segments.
    // Unbuilt indexes are left alone: their build reads every row, these included.
    std::vector<std::vector<std::pair<std::string, row_t>>> keys(indexes_ready_ ? indexes_.size() : 0);
    if (indexes_ready_ && !indexes_.empty()) {
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
        bool at_boundary = needs_new_group() || row_groups_.back().segments.back()->count >= kVectorSize;
        bool owned = true;
        for (idx_t c = 0; c < types_.size(); c++) owned = owned && !chunk.column(c).is_constant();
        if (at_boundary && owned && chunk.size() == kVectorSize) {
            // A full chunk of the transaction's own buffers (strings in its own heap) becomes a segment as is.
            if (needs_new_group()) row_groups_.emplace_back();
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
    last_change_.store(std::max(last_change_.load(), commit_id), std::memory_order_release);
    return first;
}

row_t DataTable::append_committed_files(const std::vector<std::shared_ptr<RowGroupFile>>& files, const std::vector<idx_t>& deleted,
                                        txn_t commit_id, const std::vector<ColumnStatistics>& statistics,
                                        const std::vector<KeyMap>* keys, row_t key_base) {
    std::unique_lock guard(lock_);
    // Every file starts a row group of its own, so its rows keep their offsets (row id = group start + offset).
    const row_t first = row_groups_.size() * kRowGroupSize;
    for (const auto& file : files) {
        BASALT_ASSERT(file->row_count() == kRowGroupSize, "a transaction's column file is not a full row group");
        RowGroup group;
        group.count = file->row_count();
        group.sealed = true;
        group.file = file;
        for (idx_t c = 0; c < types_.size(); c++) group.file_column.push_back(static_cast<int>(c));
        group.missing.assign(types_.size(), Value());
        for (idx_t start = 0; start < group.count; start += kVectorSize) {
            auto segment = std::make_unique<Segment>();
            segment->count = std::min(kVectorSize, group.count - start);
            segment->insert_runs.emplace_back(0, commit_id);
            group.segments.push_back(std::move(segment));
        }
        row_count_ += group.count;
        row_groups_.push_back(std::move(group));
    }
    for (idx_t offset : deleted) {
        idx_t local = 0;
        Segment* segment = locate(first + offset, local);
        BASALT_ASSERT(segment, "a delete past the end of a transaction's column files");
        if (!segment->deleted) {
            segment->deleted = std::make_unique<txn_t[]>(kVectorSize);
            std::fill_n(segment->deleted.get(), kVectorSize, kNotDeleted);
        }
        if (segment->deleted[local] == kNotDeleted) deleted_count_++;
        segment->deleted[local] = commit_id;
    }
    if (statistics.size() == statistics_.size()) {
        for (idx_t c = 0; c < statistics_.size(); c++) statistics_[c].merge(statistics[c]);
    }
    // Unbuilt indexes are left alone: their build reads every row, these included. Built ones are emptied when
    // the committing transaction is the table's only writer and its files hold at least half the table's rows:
    // after a load their entries would hold every key in memory (TPC-H SF1 lineitem: 6M keys, about 0.5 GB) until
    // the next write, which rebuilds them from the files instead. The half bounds the rebuilds a series of loads
    // causes to about twice the final table. Another writer relies on them staying built (ensure_indexes).
    const bool mostly_new = files.size() * kRowGroupSize * 2 >= row_count_;
    if (keys && indexes_ready_ && mostly_new && pending_writers_.load() <= 1) {
        forget_index_entries();
    } else if (keys && indexes_ready_) {
        BASALT_ASSERT(keys->size() == indexes_.size(), "keys for another set of indexes");
        const row_t end = key_base + files.size() * kRowGroupSize;
        for (idx_t ix = 0; ix < indexes_.size(); ix++) {
            (*keys)[ix].for_each([&](std::string_view key, row_t row) {
                if (row >= key_base && row < end) indexes_[ix]->insert(std::string(key), first + (row - key_base));
            });
        }
    }
    last_change_.store(std::max(last_change_.load(), commit_id), std::memory_order_release);
    return first;
}

namespace {

// Copies src into out with out's (wider) type: integers sign-extended, DECIMAL to a wider physical type at
// the same scale, strings as they are.
void widen_into(const Vector& src, idx_t count, Vector& out) {
    if (src.type().physical() == out.type().physical()) {
        out.reference(src);
        return;
    }
    Vector wide(out.type(), kVectorSize);
    dispatch_physical(src.type().physical(), [&](auto from_tag) {
        using From = typename decltype(from_tag)::type;
        if constexpr (std::is_integral_v<From> && !std::is_same_v<From, bool>) {
            dispatch_physical(out.type().physical(), [&](auto to_tag) {
                using To = typename decltype(to_tag)::type;
                if constexpr ((std::is_integral_v<To> && !std::is_same_v<To, bool>) || std::is_same_v<To, int128_t>) {
                    const From* in = src.data<From>();
                    To* to = wide.data<To>();
                    for (idx_t i = 0; i < count; i++) to[i] = static_cast<To>(in[src.is_constant() ? 0 : i]);
                }
            });
        }
    });
    for (idx_t i = 0; i < count; i++) {
        if (src.is_null(i)) wide.set_null(i);
    }
    out = std::move(wide);
}

}  // namespace

bool DataTable::is_widening(const LogicalType& from, const LogicalType& to) {
    auto rank = [](TypeId id) { return id == TypeId::kSmallInt ? 1 : id == TypeId::kInteger ? 2 : id == TypeId::kBigInt ? 3 : 0; };
    if (rank(from.id()) && rank(to.id())) return rank(to.id()) >= rank(from.id());
    if (from.id() == TypeId::kDecimal && to.id() == TypeId::kDecimal) {
        return to.scale() == from.scale() && to.precision() >= from.precision();
    }
    if (from.id() == TypeId::kVarchar && to.id() == TypeId::kVarchar) {
        return to.length() < 0 || (from.length() >= 0 && to.length() >= from.length());
    }
    return false;
}

void DataTable::widen_column(idx_t index, const LogicalType& type) {
    std::unique_lock guard(lock_);
    for (auto& group : row_groups_) {
        if (group.file) {
            if (group.file_column[index] < 0 && !group.missing[index].is_null()) {
                Vector one(group.missing[index].type(), 1);
                one.set_value(0, group.missing[index]);
                Vector wide(type, 1);
                widen_into(one, 1, wide);
                group.missing[index] = wide.get_value(0);
            } else if (group.file_column[index] < 0) {
                group.missing[index] = Value(type);
            }
            continue;
        }
        for (auto& segment : group.segments) {
            Vector wide(type, kVectorSize);
            widen_into(segment->columns[index], segment->count, wide);
            if (wide.type() != type) {
                // Same physical type (VARCHAR lengths, DECIMAL in the same width): only the type changes.
                Vector copy(type, kVectorSize);
                vector_copy_owned(segment->columns[index], 0, segment->count, copy, 0);
                wide = std::move(copy);
            }
            segment->columns[index] = std::move(wide);
        }
    }
    types_[index] = type;
}

namespace {

// Vector `segment` of file column `in_file`, widened to `type` when ALTER TABLE widened the column after the file
// was written; a column the file lacks (in_file < 0) reads as `missing`. out gets a vector of its own (or a
// reference), never writes into one it shared before.
void read_file_column(const RowGroupFile& file, int in_file, const Value& missing, idx_t segment, const LogicalType& type,
                      Vector& out, std::shared_ptr<const DecodedBlock>& hold) {
    if (in_file < 0) {
        out = Vector(type, 1);
        out.set_constant_value(missing);
        return;
    }
    const Vector& stored = file.vector(static_cast<idx_t>(in_file), segment, hold);
    if (stored.type().physical() != type.physical()) {
        Vector wide(type, kVectorSize);
        widen_into(stored, kVectorSize, wide);
        out = std::move(wide);
        return;
    }
    out.reference(stored);
}

}  // namespace

void DataTable::read_column(const RowGroup& group, idx_t segment, idx_t column, Vector& out,
                            std::shared_ptr<const DecodedBlock>& hold) const {
    if (!group.file) {
        out.reference(group.segments[segment]->columns[column]);
        return;
    }
    read_file_column(*group.file, group.file_column[column], group.missing[column], segment, types_[column], out, hold);
}

bool DataTable::scan(idx_t row_group, idx_t& vector_index, const std::vector<idx_t>& column_ids, DataChunk& out,
                     const TransactionView& view) const {
    sel_t sel[kVectorSize];
    idx_t n = 0;
    bool dense = false;
    row_t base = 0;
    idx_t segment_index = vector_index;
    std::shared_ptr<RowGroupFile> file;
    std::vector<int> file_columns;
    std::vector<Value> missing;
    std::vector<LogicalType> column_types;
    {
        std::shared_lock guard(lock_);
        if (row_group >= row_groups_.size()) return false;
        const RowGroup& group = row_groups_[row_group];
        if (vector_index >= group.segments.size()) return false;
        const Segment& segment = *group.segments[vector_index];
        base = row_group * kRowGroupSize + vector_index * kVectorSize;
        vector_index++;

        // Rows view sees: inserted by a commit it sees (runs of equal commit ids), not deleted for it.
        const auto& runs = segment.insert_runs;
        bool all_visible = !segment.deleted;
        for (const auto& run : runs) all_visible = all_visible && view.sees_insert(run.second);
        if (all_visible) {
            n = segment.count;  // the common case: every row, no selection to build
        } else {
            for (size_t r = 0; r < runs.size(); r++) {
                if (!view.sees_insert(runs[r].second)) continue;
                idx_t end = r + 1 < runs.size() ? runs[r + 1].first : segment.count;
                for (idx_t i = runs[r].first; i < end; i++) {
                    if (segment.deleted && view.sees_delete(segment.deleted[i])) continue;
                    sel[n++] = static_cast<sel_t>(i);
                }
            }
        }
        dense = all_visible || n == 0 || sel[n - 1] == n - 1;  // the selection is exactly rows [0, n)
        if (!group.file) {
            // In-memory columns are read under the lock (appends write to the same segments).
            for (idx_t i = 0; i < column_ids.size(); i++) {
                if (column_ids[i] == kRowIdColumn) continue;
                std::shared_ptr<const DecodedBlock> hold;
                if (dense) {
                    read_column(group, segment_index, column_ids[i], out.column(i), hold);
                } else {
                    vector_gather(segment.columns[column_ids[i]], sel, n, out.column(i));
                }
            }
        } else {
            file = group.file;
            for (idx_t id : column_ids) {
                file_columns.push_back(id == kRowIdColumn ? -1 : group.file_column[id]);
                missing.push_back(id == kRowIdColumn || group.file_column[id] >= 0 ? Value() : group.missing[id]);
                column_types.push_back(id == kRowIdColumn ? LogicalType::bigint() : types_[id]);
            }
        }
    }
    if (file) {
        // File columns never change: they are read after the lock is released (a cold read does I/O).
        for (idx_t i = 0; i < column_ids.size(); i++) {
            if (column_ids[i] == kRowIdColumn) continue;
            Vector& target = out.column(i);
            std::shared_ptr<const DecodedBlock> hold;
            Vector column;
            read_file_column(*file, file_columns[i], missing[i], segment_index, column_types[i], column, hold);
            if (dense) {
                target.reference(column);
            } else {
                vector_gather(column, sel, n, target);
            }
        }
    }
    for (idx_t i = 0; i < column_ids.size(); i++) {
        if (column_ids[i] != kRowIdColumn) continue;
        Vector& target = out.column(i);
        target.reset();
        auto* ids = target.data<int64_t>();
        for (idx_t r = 0; r < n; r++) ids[r] = static_cast<int64_t>(base + (dense ? r : sel[r]));
    }
    out.set_size(n);
    return true;
}

std::vector<bool> DataTable::blocks_to_read(idx_t row_group, const std::vector<ZoneFilter>& filters,
                                            const std::vector<idx_t>& column_ids, uint64_t& bytes_read,
                                            uint64_t& bytes_skipped) const {
    std::shared_ptr<RowGroupFile> file;
    std::vector<int> file_column;
    {
        std::shared_lock guard(lock_);
        if (row_group >= row_groups_.size() || !row_groups_[row_group].file) return {};
        file = row_groups_[row_group].file;
        file_column = row_groups_[row_group].file_column;
    }
    idx_t blocks = (file->row_count() + kBlockRows - 1) / kBlockRows;
    std::vector<bool> keep(blocks, true);
    for (const auto& f : filters) {
        int in_file = file_column[f.column];
        if (in_file < 0) continue;
        const auto& info = file->blocks(static_cast<idx_t>(in_file));
        for (idx_t b = 0; b < blocks; b++) {
            if (keep[b] && !zone_may_match(info[b].zone_map, info[b].rows, f)) keep[b] = false;
        }
    }
    for (idx_t id : column_ids) {
        if (id == kRowIdColumn || file_column[id] < 0) continue;
        const auto& info = file->blocks(static_cast<idx_t>(file_column[id]));
        for (idx_t b = 0; b < blocks; b++) (keep[b] ? bytes_read : bytes_skipped) += info[b].size;
    }
    return keep;
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
    last_change_.store(std::max(last_change_.load(), commit_id), std::memory_order_release);
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

void DataTable::fetch_row(row_t row, DataChunk& out, idx_t at) const {
    std::shared_lock guard(lock_);
    idx_t offset = 0;
    BASALT_ASSERT(locate(row, offset), "fetch of a row that does not exist");
    const RowGroup& group = row_groups_[row / kRowGroupSize];
    idx_t segment = (row % kRowGroupSize) / kVectorSize;
    for (idx_t c = 0; c < types_.size(); c++) {
        std::shared_ptr<const DecodedBlock> hold;
        Vector column;
        if (group.file && group.file_column[c] < 0) {
            out.column(c).set_value(at, group.missing[c]);
            continue;
        }
        read_column(group, segment, c, column, hold);
        vector_copy_owned(column, offset, 1, out.column(c), at);
    }
}

void DataTable::add_unique_index(std::unique_ptr<UniqueIndex> index) {
    std::unique_lock guard(lock_);
    indexes_.push_back(std::move(index));
    forget_index_entries();
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
        if (group.file) {
            group.file_column.push_back(-1);
            group.missing.push_back(default_value);
            continue;
        }
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
        if (group.file) {
            group.file_column.erase(group.file_column.begin() + static_cast<std::ptrdiff_t>(index));
            group.missing.erase(group.missing.begin() + static_cast<std::ptrdiff_t>(index));
            continue;
        }
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

std::vector<RowGroupCheckpoint> DataTable::checkpoint(const FileWriter& write_file) {
    std::unique_lock guard(lock_);
    // Encoding and compressing dominate a checkpoint: row groups are written in parallel, one per thread.
    std::vector<RowGroup*> unwritten;
    for (auto& group : row_groups_) {
        if (!group.file && group.count > 0) unwritten.push_back(&group);
    }
    std::atomic<size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&]() {
        for (size_t i = next++; i < unwritten.size(); i = next++) {
            RowGroup& group = *unwritten[i];
            std::vector<std::vector<const Vector*>> columns(types_.size());
            for (idx_t c = 0; c < types_.size(); c++) {
                for (auto& segment : group.segments) columns[c].push_back(&segment->columns[c]);
            }
            try {
                group.file = write_file(columns, group.count);
            } catch (...) {
                std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
            }
        }
    };
    size_t threads = std::min<size_t>(unwritten.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; t++) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (failure) {
        // Row groups already written keep their files (the next manifest may use them); none is half in one.
        for (RowGroup* g : unwritten) {
            if (g->file && g->file_column.empty()) {
                g->sealed = true;
                for (idx_t c = 0; c < types_.size(); c++) g->file_column.push_back(static_cast<int>(c));
                g->missing.assign(types_.size(), Value());
                for (auto& segment : g->segments) segment->columns.clear();
            }
        }
        std::rethrow_exception(failure);
    }
    std::vector<RowGroupCheckpoint> out;
    for (auto& group : row_groups_) {
        group.sealed = true;
        if (group.file && group.file_column.empty()) {
            group.file_column.clear();
            for (idx_t c = 0; c < types_.size(); c++) group.file_column.push_back(static_cast<int>(c));
            group.missing.assign(types_.size(), Value());
            // The rows now live in the file; reads go through the buffer cache.
            for (auto& segment : group.segments) segment->columns.clear();
        }
        RowGroupCheckpoint state;
        state.file = group.file;
        state.count = group.count;
        state.file_column = group.file_column;
        state.missing = group.missing;
        for (idx_t s = 0; s < group.segments.size(); s++) {
            const Segment& segment = *group.segments[s];
            for (const auto& [first, commit] : segment.insert_runs) {
                if (state.insert_runs.empty() || state.insert_runs.back().second != commit) {
                    state.insert_runs.emplace_back(s * kVectorSize + first, commit);
                }
            }
            if (!segment.deleted) continue;
            for (idx_t i = 0; i < segment.count; i++) {
                txn_t d = segment.deleted[i];
                // Only committed deletes: a running transaction's marks stay in memory until it ends.
                if (d != kNotDeleted && d < kTransactionIdStart) state.deletes.emplace_back(s * kVectorSize + i, d);
            }
        }
        out.push_back(std::move(state));
    }
    return out;
}

void DataTable::restore(std::vector<RowGroupCheckpoint> groups, std::vector<ColumnStatistics> statistics) {
    std::unique_lock guard(lock_);
    row_groups_.clear();
    row_count_ = 0;
    deleted_count_ = 0;
    for (auto& state : groups) {
        RowGroup group;
        group.count = state.count;
        group.sealed = true;
        group.file = std::move(state.file);
        group.file_column = std::move(state.file_column);
        group.missing = std::move(state.missing);
        for (idx_t start = 0; start < state.count; start += kVectorSize) {
            auto segment = std::make_unique<Segment>();
            segment->count = std::min(kVectorSize, state.count - start);
            for (const auto& [first, commit] : state.insert_runs) {
                if (first < start + segment->count) {
                    idx_t local = first > start ? first - start : 0;
                    if (!segment->insert_runs.empty() && segment->insert_runs.back().first == local) segment->insert_runs.pop_back();
                    segment->insert_runs.emplace_back(local, commit);
                }
            }
            group.segments.push_back(std::move(segment));
        }
        for (const auto& [offset, commit] : state.deletes) {
            Segment& segment = *group.segments[offset / kVectorSize];
            if (!segment.deleted) {
                segment.deleted = std::make_unique<txn_t[]>(kVectorSize);
                std::fill_n(segment.deleted.get(), kVectorSize, kNotDeleted);
            }
            segment.deleted[offset % kVectorSize] = commit;
            deleted_count_++;
        }
        row_count_ += group.count;
        row_groups_.push_back(std::move(group));
    }
    if (statistics.size() == types_.size()) statistics_ = std::move(statistics);
    forget_index_entries();
}

std::vector<uint64_t> DataTable::checkpoint_files() const {
    std::shared_lock guard(lock_);
    std::vector<uint64_t> out;
    for (const auto& g : row_groups_) {
        if (g.file) out.push_back(g.file->number());
    }
    return out;
}

void DataTable::hold_files_open() {
    std::unique_lock guard(lock_);
    for (auto& g : row_groups_) {
        if (g.file) g.file->hold_open();
    }
}

std::vector<ColumnStatistics> DataTable::statistics() const {
    std::shared_lock guard(lock_);
    return statistics_;
}

void DataTable::invalidate_indexes() {
    std::unique_lock guard(lock_);
    forget_index_entries();
}

void DataTable::forget_index_entries() {
    for (auto& ix : indexes_) ix->clear();
    indexes_ready_ = false;
}

void DataTable::ensure_indexes() {
    {
        std::shared_lock guard(lock_);
        if (indexes_ready_ || indexes_.empty()) return;
    }
    std::unique_lock guard(lock_);
    if (indexes_ready_) return;
    try {
        build_indexes();
    } catch (...) {
        forget_index_entries();
        throw;
    }
    indexes_ready_ = true;
}

namespace {

// Which of two versions of one key an index keeps (invariant 2 of unique_index.hpp): the later insert commit;
// between rows of one commit, the one no commit deleted, then the later row.
struct KeyRank {
    txn_t inserted;
    bool live;
    row_t row;
    bool operator<(const KeyRank& o) const {
        if (inserted != o.inserted) return inserted < o.inserted;
        if (live != o.live) return !live;
        return row < o.row;
    }
};

}  // namespace

void DataTable::build_indexes() {
    forget_index_entries();
    if (indexes_.empty() || row_groups_.empty()) return;
    auto rank_of = [&](row_t row) {
        RowVersion v = row_version(row);
        bool live = v.deleted == kNotDeleted || v.deleted >= kTransactionIdStart;
        return KeyRank{v.inserted, live, row};
    };
    // Phase 1: workers read row groups and sort each key into its shard's list (per worker, so no locking).
    // Phase 2: each shard's map is filled by one worker from every worker's list for it.
    const size_t workers = std::max<size_t>(1, std::min<size_t>(std::thread::hardware_concurrency(), row_groups_.size()));
    using Bucket = std::vector<std::pair<std::string, row_t>>;
    // buckets[worker][index][shard]
    std::vector<std::vector<std::vector<Bucket>>> buckets(
        workers, std::vector<std::vector<Bucket>>(indexes_.size(), std::vector<Bucket>(UniqueIndex::kShards)));
    std::atomic<idx_t> next_group{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto read_keys = [&](size_t worker) {
        try {
            DataChunk chunk;
            chunk.initialize(types_, kVectorSize);
            for (idx_t g = next_group++; g < row_groups_.size(); g = next_group++) {
                const RowGroup& group = row_groups_[g];
                for (idx_t s = 0; s < group.segments.size(); s++) {
                    std::vector<std::shared_ptr<const DecodedBlock>> holds;
                    for (const auto& ix : indexes_) {
                        for (idx_t c : ix->columns()) {
                            holds.emplace_back();
                            read_column(group, s, c, chunk.column(c), holds.back());
                        }
                    }
                    chunk.set_size(group.segments[s]->count);
                    for (idx_t ix = 0; ix < indexes_.size(); ix++) {
                        for (idx_t i = 0; i < chunk.size(); i++) {
                            std::string key;
                            if (!indexes_[ix]->encode(chunk, i, key)) continue;
                            size_t shard = UniqueIndex::shard_index(key);
                            buckets[worker][ix][shard].emplace_back(std::move(key), g * kRowGroupSize + s * kVectorSize + i);
                        }
                    }
                }
            }
        } catch (...) {
            std::lock_guard guard(failure_mutex);
            if (!failure) failure = std::current_exception();
            next_group = row_groups_.size();
        }
    };
    auto fill_shards = [&](size_t worker) {
        for (size_t shard = worker; shard < UniqueIndex::kShards; shard += workers) {
            for (idx_t ix = 0; ix < indexes_.size(); ix++) {
                auto& map = indexes_[ix]->shard(shard);
                size_t total = 0;
                for (size_t w = 0; w < workers; w++) total += buckets[w][ix][shard].size();
                map.reserve(total);
                for (size_t w = 0; w < workers; w++) {
                    for (auto& [key, row] : buckets[w][ix][shard]) {
                        auto [it, fresh] = map.try_emplace(std::move(key), row);
                        if (!fresh && rank_of(it->second) < rank_of(row)) it->second = row;
                    }
                    Bucket().swap(buckets[w][ix][shard]);
                }
            }
        }
    };
    auto run = [&](const std::function<void(size_t)>& work) {
        std::vector<std::thread> threads;
        for (size_t w = 1; w < workers; w++) threads.emplace_back(work, w);
        work(0);
        for (auto& t : threads) t.join();
    };
    run(read_keys);
    if (failure) std::rethrow_exception(failure);
    run(fill_shards);
}

DataTable::StorageInfo DataTable::storage_info() const {
    std::shared_lock guard(lock_);
    StorageInfo info;
    info.row_groups = row_groups_.size();
    info.column_bytes.assign(types_.size(), 0);
    info.column_raw_bytes.assign(types_.size(), 0);
    for (const auto& group : row_groups_) {
        if (!group.file) continue;
        info.persisted_row_groups++;
        for (idx_t c = 0; c < types_.size(); c++) {
            if (group.file_column[c] < 0) continue;
            info.column_bytes[c] += group.file->column_bytes(static_cast<idx_t>(group.file_column[c]));
            info.column_raw_bytes[c] += group.file->column_raw_bytes(static_cast<idx_t>(group.file_column[c]));
        }
    }
    return info;
}

namespace {

// A row being moved by a compaction: where it is read from, and its versions.
struct MovedRow {
    uint32_t chunk;
    uint32_t row;
    txn_t inserted;
    txn_t deleted;
};

}  // namespace

bool DataTable::compact(const CompactionOptions& options) {
    std::unique_lock guard(lock_);
    const bool ordered = !options.cluster_columns.empty() || options.partition_key != nullptr;
    // Which row groups to rewrite.
    std::vector<bool> rewrite(row_groups_.size(), false);
    idx_t small_persisted = 0;
    for (const auto& g : row_groups_) small_persisted += g.file && g.count < kRowGroupSize / 2;
    idx_t chosen = 0, dropped_rows = 0;
    for (idx_t i = 0; i < row_groups_.size(); i++) {
        const RowGroup& g = row_groups_[i];
        idx_t removable = 0;
        for (const auto& segment : g.segments) {
            if (!segment->deleted) continue;
            for (idx_t r = 0; r < segment->count; r++) {
                txn_t d = segment->deleted[r];
                removable += d != kNotDeleted && d < kTransactionIdStart && d <= options.horizon;
            }
        }
        bool small = g.count < kRowGroupSize / 2;
        rewrite[i] = !g.file || (removable > 0 && (options.force || removable * 10 >= g.count)) ||
                     (small && (options.force || small_persisted >= 2));
        chosen += rewrite[i];
        dropped_rows += rewrite[i] ? removable : 0;
    }
    // A lone unwritten row group with nothing to drop or order is written as it is.
    bool lone_tail = chosen == 1 && rewrite.back() && !row_groups_.back().file;
    if (chosen == 0 || (lone_tail && dropped_rows == 0 && !ordered)) return false;

    // Read the surviving rows of the chosen row groups.
    std::vector<std::unique_ptr<DataChunk>> chunks;
    std::vector<MovedRow> rows;
    std::vector<std::shared_ptr<const DecodedBlock>> holds;
    for (idx_t i = 0; i < row_groups_.size(); i++) {
        if (!rewrite[i]) continue;
        const RowGroup& g = row_groups_[i];
        for (idx_t s = 0; s < g.segments.size(); s++) {
            const Segment& segment = *g.segments[s];
            auto chunk = std::make_unique<DataChunk>();
            chunk->initialize(types_, kVectorSize);
            for (idx_t c = 0; c < types_.size(); c++) {
                holds.emplace_back();
                read_column(g, s, c, chunk->column(c), holds.back());
            }
            chunk->set_size(segment.count);
            size_t run = 0;
            for (idx_t r = 0; r < segment.count; r++) {
                while (run + 1 < segment.insert_runs.size() && segment.insert_runs[run + 1].first <= r) run++;
                txn_t d = segment.deleted ? segment.deleted[r] : kNotDeleted;
                if (d != kNotDeleted && d < kTransactionIdStart && d <= options.horizon) continue;
                rows.push_back({static_cast<uint32_t>(chunks.size()), static_cast<uint32_t>(r), segment.insert_runs[run].second, d});
            }
            chunks.push_back(std::move(chunk));
        }
    }
    // Order: partition key, then cluster columns (stable, so equal keys keep their commit order).
    std::vector<Value> partition;
    if (options.partition_key) {
        std::vector<Vector> keys;
        for (const auto& chunk : chunks) {
            keys.emplace_back(LogicalType::varchar(), kVectorSize);  // replaced by the callback with the key's type
            options.partition_key(*chunk, keys.back());
        }
        partition.reserve(rows.size());
        for (const auto& r : rows) partition.push_back(keys[r.chunk].get_value(keys[r.chunk].is_constant() ? 0 : r.row));
    }
    if (ordered) {
        std::vector<idx_t> order(rows.size());
        for (idx_t i = 0; i < order.size(); i++) order[i] = i;
        auto less = [&](idx_t a, idx_t b) {
            if (!partition.empty()) {
                const Value& pa = partition[a];
                const Value& pb = partition[b];
                if (pa.is_null() != pb.is_null()) return pb.is_null();
                if (!pa.is_null()) {
                    int c = compare_values(pa, pb);
                    if (c != 0) return c < 0;
                }
            }
            for (idx_t col : options.cluster_columns) {
                const Vector& va = chunks[rows[a].chunk]->column(col);
                const Vector& vb = chunks[rows[b].chunk]->column(col);
                bool na = va.is_null(rows[a].row), nb = vb.is_null(rows[b].row);
                if (na != nb) return nb;  // NULLs last
                if (na) continue;
                int c = compare_values(va.get_value(rows[a].row), vb.get_value(rows[b].row));
                if (c != 0) return c < 0;
            }
            return false;
        };
        std::stable_sort(order.begin(), order.end(), less);
        std::vector<MovedRow> sorted;
        std::vector<Value> sorted_partition;
        sorted.reserve(rows.size());
        for (idx_t i : order) {
            sorted.push_back(rows[i]);
            if (!partition.empty()) sorted_partition.push_back(partition[i]);
        }
        rows = std::move(sorted);
        partition = std::move(sorted_partition);
    }
    // Emit new row groups: full ones, except where the partition changes.
    std::vector<RowGroup> rebuilt;
    for (idx_t i = 0; i < row_groups_.size(); i++) {
        if (!rewrite[i]) rebuilt.push_back(std::move(row_groups_[i]));
    }
    auto new_segment = [&]() {
        auto segment = std::make_unique<Segment>();
        for (const auto& t : types_) segment->columns.emplace_back(t, kVectorSize);
        return segment;
    };
    for (idx_t i = 0; i < rows.size(); i++) {
        bool new_partition = !partition.empty() && i > 0 &&
                             (partition[i].is_null() != partition[i - 1].is_null() ||
                              (!partition[i].is_null() && compare_values(partition[i], partition[i - 1]) != 0));
        if (rebuilt.empty() || rebuilt.back().file || rebuilt.back().sealed || rebuilt.back().count >= kRowGroupSize ||
            (new_partition && rebuilt.back().count > 0) || (i == 0)) {
            RowGroup group;
            rebuilt.push_back(std::move(group));
        }
        RowGroup& group = rebuilt.back();
        if (group.segments.empty() || group.segments.back()->count >= kVectorSize) group.segments.push_back(new_segment());
        Segment& segment = *group.segments.back();
        const MovedRow& r = rows[i];
        for (idx_t c = 0; c < types_.size(); c++) vector_copy_owned(chunks[r.chunk]->column(c), r.row, 1, segment.columns[c], segment.count);
        if (segment.insert_runs.empty() || segment.insert_runs.back().second != r.inserted) {
            segment.insert_runs.emplace_back(segment.count, r.inserted);
        }
        if (r.deleted != kNotDeleted) {
            if (!segment.deleted) {
                segment.deleted = std::make_unique<txn_t[]>(kVectorSize);
                std::fill_n(segment.deleted.get(), kVectorSize, kNotDeleted);
            }
            segment.deleted[segment.count] = r.deleted;
        }
        segment.count++;
        group.count++;
    }
    row_groups_ = std::move(rebuilt);
    row_count_ = 0;
    deleted_count_ = 0;
    for (const auto& g : row_groups_) {
        row_count_ += g.count;
        for (const auto& segment : g.segments) {
            if (!segment->deleted) continue;
            for (idx_t r = 0; r < segment->count; r++) deleted_count_ += segment->deleted[r] != kNotDeleted;
        }
    }
    forget_index_entries();  // row ids moved: the indexes are rebuilt on their next use
    return true;
}

idx_t DataTable::expire_rows(idx_t column, const Value& cutoff, txn_t commit_id) {
    std::unique_lock guard(lock_);
    // Rows to expire are found first and marked after: a column file that cannot be read leaves nothing marked.
    std::vector<std::pair<Segment*, idx_t>> expiring;
    for (auto& group : row_groups_) {
        // Zone maps first: a row group entirely before the cutoff expires without being read.
        bool all = false, none = false;
        if (group.file && group.file_column[column] >= 0) {
            const auto& blocks = group.file->blocks(static_cast<idx_t>(group.file_column[column]));
            all = none = true;
            for (const auto& b : blocks) {
                bool has = b.zone_map.has_min_max && b.zone_map.min.type().id() == cutoff.type().id();
                all = all && has && b.zone_map.null_count == 0 && compare_values(b.zone_map.max, cutoff) < 0;
                none = none && (b.zone_map.null_count == b.rows || (has && compare_values(b.zone_map.min, cutoff) >= 0));
            }
        }
        if (none) continue;
        for (idx_t s = 0; s < group.segments.size(); s++) {
            Segment& segment = *group.segments[s];
            Vector values;
            std::shared_ptr<const DecodedBlock> hold;
            if (!all) read_column(group, s, column, values, hold);
            for (idx_t r = 0; r < segment.count; r++) {
                if (segment.deleted && segment.deleted[r] != kNotDeleted) continue;
                if (!all) {
                    if (values.is_null(r) || compare_values(values.get_value(values.is_constant() ? 0 : r), cutoff) >= 0) continue;
                }
                expiring.emplace_back(&segment, r);
            }
        }
    }
    for (auto [segment, r] : expiring) {
        if (!segment->deleted) {
            segment->deleted = std::make_unique<txn_t[]>(kVectorSize);
            std::fill_n(segment->deleted.get(), kVectorSize, kNotDeleted);
        }
        segment->deleted[r] = commit_id;
    }
    deleted_count_ += expiring.size();
    return expiring.size();
}

}  // namespace basalt

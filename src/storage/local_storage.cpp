#include "storage/local_storage.hpp"

#include <fmt/format.h>

#include <mutex>

#include "common/error.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {

[[noreturn]] void throw_serialization_failure() {
    throw Error(sql_state::kSerializationFailure, "could not serialize access due to concurrent update");
}

constexpr idx_t kGroupChunks = kRowGroupSize / kVectorSize;

}  // namespace

LocalTableStorage::LocalTableStorage(std::shared_ptr<DataTable> table, std::shared_ptr<OptimisticWriter> writer)
    : table_(std::move(table)), writer_(std::move(writer)) {
    keys_.resize(table_->unique_indexes().size());
}

LocalTableStorage::~LocalTableStorage() {
    if (files_committed_) return;
    for (const auto& group : written_) writer_->discard(*group.file);
}

const Vector& LocalTableStorage::column_of(idx_t index, idx_t column, std::shared_ptr<const DecodedBlock>& hold) const {
    if (chunks_[index]) return chunks_[index]->column(column);
    return written_[index / kGroupChunks].file->vector(column, index % kGroupChunks, hold);
}

void LocalTableStorage::write_full_groups() {
    if (!writer_) return;
    const auto& types = table_->types();
    while (row_count_ >= (written_.size() + 1) * kRowGroupSize) {
        idx_t first = written_.size() * kGroupChunks;
        std::vector<std::vector<const Vector*>> columns(types.size());
        WrittenGroup group;
        group.statistics.resize(types.size());
        for (idx_t i = first; i < first + kGroupChunks; i++) {
            for (idx_t c = 0; c < types.size(); c++) {
                columns[c].push_back(&chunks_[i]->column(c));
                group.statistics[c].update(chunks_[i]->column(c), chunks_[i]->size());
            }
        }
        group.file = writer_->write(types, columns, kRowGroupSize);
        written_.push_back(std::move(group));
        for (idx_t i = first; i < first + kGroupChunks; i++) chunks_[i].reset();
    }
}

void LocalTableStorage::read_back(idx_t group, idx_t end) {
    const RowGroupFile& file = *written_[group].file;
    const auto& types = table_->types();
    for (idx_t i = group * kGroupChunks; i * kVectorSize < end; i++) {
        auto chunk = std::make_unique<DataChunk>();
        chunk->initialize(types, kVectorSize);
        for (idx_t c = 0; c < types.size(); c++) {
            std::shared_ptr<const DecodedBlock> hold;
            vector_copy_owned(file.vector(c, i % kGroupChunks, hold), 0, kVectorSize, chunk->column(c), 0);
        }
        chunk->set_size(kVectorSize);  // rollback_to cuts the last one to size
        chunks_[i] = std::move(chunk);
    }
}

void LocalTableStorage::claim_key(idx_t index, const DataChunk& chunk, idx_t row, row_t local_row,
                                  const TransactionView& view) {
    const UniqueIndex& ix = *table_->unique_indexes()[index];
    std::string key;
    if (!ix.encode(chunk, row, key)) return;
    auto duplicate = [&]() {
        Error e(sql_state::kUniqueViolation, fmt::format("duplicate key value violates unique constraint \"{}\"", ix.name()));
        e.set_detail(fmt::format("Key {} already exists.", ix.describe(chunk, row)));
        throw e;
    };
    KeyMap& mine = keys_[index];
    auto before = mine.find(key);
    if (before && !is_deleted(*before - kLocalRowStart)) duplicate();
    if (auto committed = ix.find(key)) {
        DataTable::RowVersion v = table_->row_version(*committed);
        bool gone = v.deleted == view.id || (v.deleted != kNotDeleted && v.deleted <= view.snapshot);
        if (!gone) {
            if (!view.sees_insert(v.inserted) || v.deleted != kNotDeleted) throw_serialization_failure();
            duplicate();
        }
    }
    if (undo_logging_) claim_log_.push_back({index, key, before});
    mine.set(key, local_row);
}

std::optional<row_t> LocalTableStorage::find_conflict(idx_t index, const DataChunk& chunk, idx_t row,
                                                     const TransactionView& view) const {
    const UniqueIndex& ix = *table_->unique_indexes()[index];
    std::string key;
    if (!ix.encode(chunk, row, key)) return std::nullopt;
    if (auto mine = keys_[index].find(key); mine && !is_deleted(*mine - kLocalRowStart)) return *mine;
    std::shared_lock guard(table_->lock());
    auto committed = ix.find(key);
    if (!committed) return std::nullopt;
    DataTable::RowVersion v = table_->row_version(*committed);
    bool gone = v.deleted == view.id || (v.deleted != kNotDeleted && v.deleted <= view.snapshot);
    if (gone) return std::nullopt;
    if (!view.sees_insert(v.inserted) || v.deleted != kNotDeleted) throw_serialization_failure();
    return *committed;
}

void LocalTableStorage::fetch(const std::vector<row_t>& ids, DataChunk& out) const {
    idx_t n = 0;
    for (row_t id : ids) {
        if (id >= kLocalRowStart) {
            row_t local = id - kLocalRowStart;
            for (idx_t c = 0; c < table_->types().size(); c++) {
                std::shared_ptr<const DecodedBlock> hold;
                vector_copy_owned(column_of(local / kVectorSize, c, hold), local % kVectorSize, 1, out.column(c), n);
            }
        } else {
            table_->fetch_row(id, out, n);
        }
        n++;
    }
    out.set_size(n);
}

void LocalTableStorage::append(const DataChunk& chunk, const TransactionView& view) {
    const auto& types = table_->types();
    idx_t offset = 0;
    while (offset < chunk.size()) {
        if (chunks_.empty() || !chunks_.back() || chunks_.back()->size() == kVectorSize) {  // null: written, full
            auto fresh = std::make_unique<DataChunk>();
            fresh->initialize(types, kVectorSize);
            chunks_.push_back(std::move(fresh));
        }
        DataChunk& dst = *chunks_.back();
        idx_t start = dst.size();
        idx_t n = std::min(chunk.size() - offset, kVectorSize - start);
        // Own the bytes (invariant 1).
        for (idx_t c = 0; c < types.size(); c++) vector_copy_owned(chunk.column(c), offset, n, dst.column(c), start);
        dst.set_size(start + n);
        idx_t base = row_count_;
        row_count_ += n;  // counted before the key checks, so a savepoint rollback also drops a failed batch
        offset += n;
        if (!keys_.empty()) {
            std::shared_lock guard(table_->lock());
            for (idx_t i = 0; i < n; i++) {
                row_t local = kLocalRowStart + base + i;
                for (idx_t ix = 0; ix < keys_.size(); ix++) claim_key(ix, dst, start + i, local, view);
            }
        }
    }
    write_full_groups();
}

void LocalTableStorage::delete_row(row_t row) {
    row_t local = row - kLocalRowStart;
    BASALT_ASSERT(local < row_count_, "local row id out of range");
    if (deleted_.size() < row_count_) deleted_.resize(row_count_, false);
    if (!deleted_[local]) {
        deleted_[local] = true;
        deleted_count_++;
        if (undo_logging_) delete_log_.push_back(local);
    }
}

void LocalTableStorage::rollback_to(const Mark& mark) {
    // Keys claimed after the mark, newest first.
    while (claim_log_.size() > mark.claims) {
        Claim& c = claim_log_.back();
        if (c.previous) {
            keys_[c.index].set(c.key, *c.previous);
        } else {
            keys_[c.index].erase(c.key);
        }
        claim_log_.pop_back();
    }
    while (delete_log_.size() > mark.deletes) {
        row_t local = delete_log_.back();
        delete_log_.pop_back();
        if (local < deleted_.size() && deleted_[local]) {
            deleted_[local] = false;
            deleted_count_--;
        }
    }
    // Written groups after the mark go with their files; one the mark cuts comes back into memory first.
    if (mark.rows < written_.size() * kRowGroupSize) {
        idx_t keep = mark.rows / kRowGroupSize;
        if (mark.rows % kRowGroupSize != 0) read_back(keep, mark.rows);
        for (idx_t g = keep; g < written_.size(); g++) writer_->discard(*written_[g].file);
        written_.resize(keep);
    }
    // Rows appended after the mark.
    if (mark.rows < row_count_) {
        for (row_t r = mark.rows; r < std::min<row_t>(row_count_, deleted_.size()); r++) {
            if (deleted_[r]) {
                deleted_[r] = false;
                deleted_count_--;
            }
        }
        if (deleted_.size() > mark.rows) deleted_.resize(mark.rows);
        idx_t chunks = (mark.rows + kVectorSize - 1) / kVectorSize;
        chunks_.resize(chunks);
        if (chunks > 0 && chunks_.back()) {  // a written chunk is full: nothing to cut
            DataChunk& last = *chunks_.back();
            last.set_size(mark.rows - (chunks - 1) * kVectorSize);
            // Appends only clear validity bits for NULLs: the dropped rows' bits must read valid again.
            for (idx_t c = 0; c < last.column_count(); c++) {
                for (idx_t r = last.size(); r < kVectorSize; r++) last.column(c).validity().set_valid(r);
            }
        }
        row_count_ = mark.rows;
    }
}

void LocalTableStorage::scan(idx_t index, const std::vector<idx_t>& column_ids, DataChunk& out) const {
    const idx_t rows = chunk_rows(index);
    row_t base = index * kVectorSize;
    sel_t sel[kVectorSize];
    idx_t n = 0;
    for (idx_t i = 0; i < rows; i++) {
        if (!is_deleted(base + i)) sel[n++] = static_cast<sel_t>(i);
    }
    bool dense = n == rows;
    for (idx_t i = 0; i < column_ids.size(); i++) {
        Vector& target = out.column(i);
        if (column_ids[i] == kRowIdColumn) {
            target.reset();
            auto* ids = target.data<int64_t>();
            for (idx_t r = 0; r < n; r++) ids[r] = static_cast<int64_t>(kLocalRowStart + base + (dense ? r : sel[r]));
        } else {
            // A file's vector is shared, not copied (reference keeps its buffers alive past `hold`).
            std::shared_ptr<const DecodedBlock> hold;
            const Vector& column = column_of(index, column_ids[i], hold);
            if (dense) {
                target.reference(column);
            } else {
                vector_gather(column, sel, n, target);
            }
        }
    }
    out.set_size(n);
}

void LocalTableStorage::validate_unique(const TransactionView& view) const {
    // Nothing committed here since this snapshot: every key was already checked against all there is.
    if (table_->last_change() <= view.snapshot) return;
    const auto& indexes = table_->unique_indexes();
    for (idx_t ix = 0; ix < keys_.size(); ix++) {
        std::string key;
        keys_[ix].for_each([&](std::string_view k, row_t local) {
            if (is_deleted(local - kLocalRowStart)) return;
            key.assign(k);
            auto committed = indexes[ix]->find(key);
            if (!committed) return;
            DataTable::RowVersion v = table_->row_version(*committed);
            bool gone = v.deleted == view.id || (v.deleted != kNotDeleted && v.deleted < kTransactionIdStart);
            if (!gone) throw_serialization_failure();
        });
    }
}

void LocalTableStorage::prepare_commit() {
    if (prepared_) return;
    prepared_ = true;
    const idx_t written_rows = written_.size() * kRowGroupSize;
    const idx_t first_unwritten = written_.size() * kGroupChunks;
    written_deletes_.clear();
    for (idx_t r = 0; r < std::min<idx_t>(written_rows, deleted_.size()); r++) {
        if (deleted_[r]) written_deletes_.push_back(r);
    }
    if (deleted_count_ == written_deletes_.size()) {
        // Nothing deleted in memory: the chunks move as they are.
        chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(first_unwritten));
        return;
    }
    std::vector<std::unique_ptr<DataChunk>> kept;
    for (idx_t c = first_unwritten; c < chunks_.size(); c++) {
        sel_t sel[kVectorSize];
        idx_t n = 0;
        for (idx_t i = 0; i < chunks_[c]->size(); i++) {
            if (!is_deleted(c * kVectorSize + i)) sel[n++] = static_cast<sel_t>(i);
        }
        if (n == 0) continue;
        auto out = std::make_unique<DataChunk>();
        out->initialize(table_->types(), kVectorSize);
        chunk_gather(*chunks_[c], sel, n, *out);
        kept.push_back(std::move(out));
    }
    chunks_ = std::move(kept);
}

std::vector<std::shared_ptr<RowGroupFile>> LocalTableStorage::written_files() const {
    std::vector<std::shared_ptr<RowGroupFile>> files;
    for (const auto& group : written_) files.push_back(group.file);
    return files;
}

std::vector<ColumnStatistics> LocalTableStorage::written_statistics() const {
    std::vector<ColumnStatistics> merged(table_->types().size());
    for (const auto& group : written_) {
        for (idx_t c = 0; c < merged.size(); c++) merged[c].merge(group.statistics[c]);
    }
    return merged;
}

void LocalTableStorage::keep_files() {
    if (files_committed_) return;
    files_committed_ = true;
    for (const auto& group : written_) writer_->adopt(group.file->number());
}

void LocalTableStorage::commit(txn_t commit_id) {
    prepare_commit();
    if (!written_.empty()) {
        // The files' rows first (local positions 0..), then the rows in memory: log replay appends in this order.
        // The files' keys go into the table's built indexes, unless the commit empties them (see
        // append_committed_files); append_committed indexes the keys of the rows in memory.
        keep_files();
        table_->append_committed_files(written_files(), written_deletes_, commit_id, written_statistics(), &keys_, kLocalRowStart);
    }
    table_->append_committed(std::move(chunks_), commit_id);
    chunks_.clear();
}

}  // namespace basalt

// A table's committed rows, with their versions. Rows live in row groups of kRowGroupSize rows, each made of
// 2048-row segments; a row group is the scan morsel, handed out whole to one worker. A row's id is its
// position: row group * kRowGroupSize + segment * kVectorSize + offset.
//   (1) Rows enter only at commit (append_committed), tagged with their commit id; uncommitted rows live in
//       the inserting transaction's LocalTableStorage. So row ids follow commit order.
//   (2) A delete writes the deleting transaction's id into the row's delete slot; commit replaces it by the
//       commit id, rollback clears it. A second deleter of the same row is a write-write conflict (40001).
//   (3) Stored vectors own their string bytes, so a scan returns references, never copies. Appends write only
//       past the rows a reader was handed, and every access to the segment lists and version slots holds lock_.
//   (4) Schema changes (add/drop column) run only when no statement is running (the database's DDL lock).
#pragma once

#include <atomic>
#include <memory>
#include <shared_mutex>
#include <vector>

#include "storage/column_statistics.hpp"
#include "storage/unique_index.hpp"
#include "storage/version.hpp"
#include "vector/data_chunk.hpp"

namespace basalt {

inline constexpr idx_t kRowGroupSize = 60 * kVectorSize;  // 122,880 rows

enum class DeleteResult { kDeleted, kAlreadyDeletedBySelf, kConflict, kInvisible };

class DataTable {
public:
    explicit DataTable(std::vector<LogicalType> types);

    const std::vector<LogicalType>& types() const { return types_; }
    // Every row ever committed, deleted ones included (the row id space).
    idx_t physical_row_count() const;
    // Rows not deleted by a committed transaction: the optimizer's row count.
    idx_t live_row_count() const;
    idx_t row_group_count() const;

    // Reads the next segment of a row group into out, keeping only rows visible to view; column_ids select
    // and order the columns (kRowIdColumn gives row ids). Returns false when the row group is exhausted; out
    // may hold zero rows when a whole segment is invisible.
    bool scan(idx_t row_group, idx_t& vector_index, const std::vector<idx_t>& column_ids, DataChunk& out,
              const TransactionView& view) const;

    // Appends rows as committed by commit_id, taking the chunks' buffers where it can, and indexes their keys.
    // The same chunks always give the same row ids (log replay relies on it). Returns the first row id.
    row_t append_committed(std::vector<std::unique_ptr<DataChunk>> chunks, txn_t commit_id);

    // Marks a committed row deleted by the transaction of view (invariant 2).
    DeleteResult delete_row(row_t row, const TransactionView& view);
    void commit_deletes(const std::vector<row_t>& rows, txn_t commit_id);
    // Log replay: marks rows deleted by commit_id; false when a row does not exist.
    bool replay_deletes(const std::vector<row_t>& rows, txn_t commit_id);
    void rollback_deletes(const std::vector<row_t>& rows, txn_t transaction_id);

    // What view knows of a row: whether it sees it inserted and whether it sees it deleted.
    struct RowVersion {
        txn_t inserted = 0;
        txn_t deleted = kNotDeleted;
    };
    RowVersion row_version(row_t row) const;

    // Constraint indexes (filled from committed rows; the lock of invariant 3 guards them).
    void add_unique_index(std::unique_ptr<UniqueIndex> index);
    const std::vector<std::unique_ptr<UniqueIndex>>& unique_indexes() const { return indexes_; }
    std::shared_mutex& lock() const { return lock_; }

    // Schema evolution (invariant 4).
    void add_column(const LogicalType& type, const Value& default_value);
    void drop_column(idx_t index);

    // Estimated number of distinct non-NULL values of a column (never more than the row count).
    double distinct_count(idx_t column) const;

    // Transactions that hold uncommitted changes to this table (schema changes wait for zero).
    int pending_writers() const { return pending_writers_; }
    void add_pending_writer(int delta) { pending_writers_ += delta; }

private:
    struct Segment {
        std::vector<Vector> columns;
        idx_t count = 0;
        std::vector<std::pair<idx_t, txn_t>> insert_runs;  // (first offset, commit id), ascending
        std::unique_ptr<txn_t[]> deleted;                  // per row, allocated on the first delete
    };
    struct RowGroup {
        std::vector<std::unique_ptr<Segment>> segments;
        idx_t count = 0;
    };
    Segment& writable_segment();
    Segment* locate(row_t row, idx_t& offset) const;

    std::vector<LogicalType> types_;
    std::vector<ColumnStatistics> statistics_;
    std::vector<RowGroup> row_groups_;
    std::vector<std::unique_ptr<UniqueIndex>> indexes_;
    idx_t row_count_ = 0;
    idx_t deleted_count_ = 0;
    std::atomic<int> pending_writers_{0};
    mutable std::shared_mutex lock_;
};

}  // namespace basalt

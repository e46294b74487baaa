// A table's committed rows, with their versions. Rows live in row groups of kRowGroupSize rows, each made of
// 2048-row segments; a row group is the scan morsel, handed out whole to one worker. A row's id is its
// position: row group * kRowGroupSize + segment * kVectorSize + offset.
//   (1) Rows enter only at commit (append_committed), tagged with their commit id; uncommitted rows live in
//       the inserting transaction's LocalTableStorage. Each segment keeps runs of equal insert commit ids
//       (in commit order after appends; in any order after a compaction sorted the rows).
//   (2) A delete writes the deleting transaction's id into the row's delete slot; commit replaces it by the
//       commit id, rollback clears it. A second deleter of the same row is a write-write conflict (40001).
//   (3) Stored vectors own their string bytes, so a scan returns references, never copies. Appends write only
//       past the rows a reader was handed, and every access to the segment lists and version slots holds lock_.
//   (4) Schema changes (add/drop column) run only when no statement is running (the database's DDL lock).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <vector>

#include "storage/column_statistics.hpp"
#include "storage/key_map.hpp"
#include "storage/row_group_file.hpp"
#include "storage/unique_index.hpp"
#include "storage/version.hpp"
#include "storage/zone_filter.hpp"
#include "vector/data_chunk.hpp"

namespace basalt {

inline constexpr idx_t kRowGroupSize = 60 * kVectorSize;  // 122,880 rows

enum class DeleteResult { kDeleted, kAlreadyDeletedBySelf, kConflict, kInvisible };

// How a compaction rewrites row groups (it runs inside a checkpoint, with commits paused and no transaction
// holding uncommitted changes to the table, because row ids change).
struct CompactionOptions {
    txn_t horizon = 0;   // rows deleted by a commit at or below it are invisible to every reader: dropped
    bool force = false;  // VACUUM: rewrite every row group that has dropped rows or room to merge
    std::vector<idx_t> cluster_columns;  // rewritten rows are sorted by these
    // Computes each row's partition key (rows of different keys never share a row group); null: none.
    std::function<void(const DataChunk& rows, Vector& keys)> partition_key;
};

// A row group as a checkpoint records it: its column file and its versions (committed only).
struct RowGroupCheckpoint {
    std::shared_ptr<RowGroupFile> file;
    idx_t count = 0;
    std::vector<std::pair<idx_t, txn_t>> insert_runs;  // (first offset in the row group, commit id)
    std::vector<std::pair<idx_t, txn_t>> deletes;      // (offset in the row group, commit id)
    std::vector<int> file_column;                      // per table column: its column in the file, or -1
    std::vector<Value> missing;                        // per table column: the value of columns the file lacks
};

class DataTable {
public:
    explicit DataTable(std::vector<LogicalType> types);

    const std::vector<LogicalType>& types() const { return types_; }
    // A session's temporary table: its commits are never written to the log, nor its rows to column files.
    void mark_temporary() { temporary_ = true; }
    bool temporary() const { return temporary_; }
    // Rows a compaction sorts (partition or cluster keys): a transaction's rows are not written to column files
    // before its commit, as compaction reorders only row groups not yet in a file.
    void set_ordered(bool ordered) { ordered_ = ordered; }
    bool ordered() const { return ordered_; }
    // Every row ever committed, deleted ones included (the row id space).
    idx_t physical_row_count() const;
    // Rows not deleted by a committed transaction: the optimizer's row count.
    idx_t live_row_count() const;
    idx_t row_group_count() const;
    // Rows row group `row_group` holds now, deleted ones included (a scan's progress counts them).
    idx_t row_group_rows(idx_t row_group) const;

    // Reads the next segment of a row group into out, keeping only rows visible to view; column_ids select
    // and order the columns (kRowIdColumn gives row ids). Returns false when the row group is exhausted; out
    // may hold zero rows when a whole segment is invisible.
    bool scan(idx_t row_group, idx_t& vector_index, const std::vector<idx_t>& column_ids, DataChunk& out,
              const TransactionView& view) const;

    // Zone-map pruning of row group `row_group` for a scan reading column_ids: which of its blocks may hold
    // rows matching every filter (empty: all, the row group has no column file), and the on-disk bytes of the
    // scanned columns in the blocks kept and skipped.
    std::vector<bool> blocks_to_read(idx_t row_group, const std::vector<ZoneFilter>& filters, const std::vector<idx_t>& column_ids,
                                     uint64_t& bytes_read, uint64_t& bytes_skipped) const;

    // Appends rows as committed by commit_id, taking the chunks' buffers where it can, and indexes their keys.
    // The same chunks always give the same row ids (log replay relies on it). Returns the first row id.
    row_t append_committed(std::vector<std::unique_ptr<DataChunk>> chunks, txn_t commit_id);

    // Appends row groups a transaction wrote to column files before it committed (storage/optimistic_writer.hpp),
    // each as a new sealed row group of its file's rows, committed by commit_id; `deleted` are offsets in the
    // files' rows (counted across them) the transaction deleted itself, now deleted by commit_id. statistics: of
    // the files' rows. Each file holds kRowGroupSize rows. The same files always get the same row ids (log
    // replay). keys (may be null): per unique index, key -> key_base + offset in the files' rows (entries outside
    // the files' rows are skipped); built indexes get them. Returns the first row id.
    row_t append_committed_files(const std::vector<std::shared_ptr<RowGroupFile>>& files, const std::vector<idx_t>& deleted,
                                 txn_t commit_id, const std::vector<ColumnStatistics>& statistics,
                                 const std::vector<KeyMap>* keys, row_t key_base);

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
    // Copies every column of committed row `row` into position `at` of out.
    void fetch_row(row_t row, DataChunk& out, idx_t at) const;

    // Constraint indexes (filled from committed rows; the lock of invariant 3 guards them). They are built on
    // first use (ensure_indexes) rather than at open or after a compaction: a table nobody writes never pays
    // for its keys, and a damaged column file fails only the statements that write to its table.
    void add_unique_index(std::unique_ptr<UniqueIndex> index);
    // Builds the indexes from every committed row if they are not built (reading the key columns, on several
    // threads). Throws (XX001 for a damaged file) and leaves them unbuilt when a row group cannot be read.
    // Transaction::local_storage calls it at a transaction's first write to the table, once it counts as the
    // table's pending writer; no compaction or ALTER TABLE runs against a table with one, and a commit of files
    // (append_committed_files) drops the entries only when it is the sole writer, so the indexes stay built for
    // as long as the transaction can look keys up.
    void ensure_indexes();
    const std::vector<std::unique_ptr<UniqueIndex>>& unique_indexes() const { return indexes_; }
    std::shared_mutex& lock() const { return lock_; }

    // Schema evolution (invariant 4). Column files are never rewritten: an added column reads as its default
    // in row groups written before it, a dropped one is skipped.
    void add_column(const LogicalType& type, const Value& default_value);
    void drop_column(idx_t index);
    // Widens a column's type (smaller to larger integer, DECIMAL precision up at the same scale, longer or
    // unbounded VARCHAR). Column files keep the old type; their values are widened as they are read.
    void widen_column(idx_t index, const LogicalType& type);
    // True when widen_column accepts the change.
    static bool is_widening(const LogicalType& from, const LogicalType& to);

    // Checkpoint: writes each row group not yet in a column file through write_file (its vectors per column and
    // row count), releases its in-memory columns, and seals every row group (later rows start a new one, so row
    // ids never move). Returns the committed state of every row group. Runs with commits paused.
    using FileWriter = std::function<std::shared_ptr<RowGroupFile>(const std::vector<std::vector<const Vector*>>&, idx_t)>;
    std::vector<RowGroupCheckpoint> checkpoint(const FileWriter& write_file);
    // Rewrites row groups that hold dropped rows, are too small, or were never written, in cluster and
    // partition order, as new in-memory row groups (the checkpoint then writes them). Returns whether anything
    // was rewritten (row ids changed; indexes are rebuilt).
    bool compact(const CompactionOptions& options);
    // Retention (ttl): marks rows whose `column` is below cutoff deleted by commit_id (rows a transaction is
    // deleting are left to it). Zone maps settle whole row groups without reading them. Returns the count.
    idx_t expire_rows(idx_t column, const Value& cutoff, txn_t commit_id);
    // Open: rebuilds the table from a checkpoint (before any log replay).
    void restore(std::vector<RowGroupCheckpoint> groups, std::vector<ColumnStatistics> statistics);
    std::vector<ColumnStatistics> statistics() const;
    // Numbers of the column files this table reads.
    std::vector<uint64_t> checkpoint_files() const;
    // Opens every column file now and keeps it open (a read-only database: a writer may remove them).
    void hold_files_open();
    // Drops the indexes' entries; the next ensure_indexes() re-reads every key (after a change of row ids or of
    // key encoding).
    void invalidate_indexes();
    // Storage figures for system tables: (row groups, rows in files, bytes on disk per column).
    struct StorageInfo {
        idx_t row_groups = 0;
        idx_t persisted_row_groups = 0;
        std::vector<uint64_t> column_bytes;          // on disk
        std::vector<uint64_t> column_raw_bytes;      // the same values as plain bytes
    };
    StorageInfo storage_info() const;

    // Estimated number of distinct non-NULL values of a column (never more than the row count).
    double distinct_count(idx_t column) const;

    // The last commit that appended or deleted rows here (a transaction whose snapshot is at or after it cannot
    // have missed a conflicting key).
    txn_t last_change() const { return last_change_.load(std::memory_order_acquire); }
    // Transactions that hold uncommitted changes to this table (schema changes wait for zero).
    int pending_writers() const { return pending_writers_; }
    // The last schema change of this table (ALTER, DROP): its commit id, or the id of the transaction making it
    // while it is uncommitted; 0 when none. Transaction invariant 4 reads it.
    txn_t schema_change() const { return schema_change_.load(std::memory_order_acquire); }
    void set_schema_change(txn_t stamp) { schema_change_.store(stamp, std::memory_order_release); }
    void add_pending_writer(int delta) { pending_writers_ += delta; }

private:
    struct Segment {
        std::vector<Vector> columns;
        idx_t count = 0;
        std::vector<std::pair<idx_t, txn_t>> insert_runs;  // (first offset, commit id), ascending
        std::unique_ptr<txn_t[]> deleted;                  // per row, allocated on the first delete
    };
    struct RowGroup {
        std::vector<std::unique_ptr<Segment>> segments;  // versions always; columns only while not in a file
        idx_t count = 0;
        bool sealed = false;                 // checkpointed: no more rows
        std::shared_ptr<RowGroupFile> file;  // where the columns are once checkpointed
        std::vector<int> file_column;        // per table column: its file column, or -1 (then `missing`)
        std::vector<Value> missing;
    };
    Segment& writable_segment();
    bool needs_new_group() const;
    // Column `column` of segment `segment` into out (a reference to stored or cached data; hold keeps a cached
    // block alive).
    void read_column(const RowGroup& group, idx_t segment, idx_t column, Vector& out,
                     std::shared_ptr<const DecodedBlock>& hold) const;
    Segment* locate(row_t row, idx_t& offset) const;
    // Fills the indexes from every row (lock_ held exclusively).
    void build_indexes();
    // Empties the indexes and marks them unbuilt (lock_ held exclusively).
    void forget_index_entries();

    std::vector<LogicalType> types_;
    std::vector<ColumnStatistics> statistics_;
    std::vector<RowGroup> row_groups_;
    std::vector<std::unique_ptr<UniqueIndex>> indexes_;
    bool indexes_ready_ = false;  // indexes_ hold every committed key (appends keep them current)
    bool temporary_ = false;
    bool ordered_ = false;
    idx_t row_count_ = 0;
    idx_t deleted_count_ = 0;
    std::atomic<int> pending_writers_{0};
    std::atomic<txn_t> last_change_{0};
    std::atomic<txn_t> schema_change_{0};
    mutable std::shared_mutex lock_;
};

}  // namespace basalt

// Rows one transaction inserted into one table and has not committed yet. Only that transaction sees them;
// at commit they move into the table (DataTable::append_committed) in one piece.
//   (1) Chunks are full kVectorSize-row chunks except the last, and own their string bytes, so commit can hand
//       their buffers to the table without copying.
//   (2) Local rows have ids kLocalRowStart + position; deleting one (UPDATE or DELETE of a row inserted in the
//       same transaction) just marks it.
//   (3) Unique keys are checked as rows arrive, against the transaction's own rows and the committed ones;
//       commit checks again against what committed in between (validate_unique).
//   (4) With a writer (a persistent, non-temporary table without partition or cluster keys), each full row group
//       of positions is written to a column file as soon as it is complete, deleted rows included (their marks
//       stay here), and its chunks are dropped: written groups are a prefix, group g holding positions
//       [g * kRowGroupSize, (g + 1) * kRowGroupSize). Reads of their rows go to the file. At commit the files
//       become sealed row groups of the table and the rows deleted here committed deletes in them; at rollback,
//       or a savepoint rollback before them, the files are removed (a partly kept group is read back first).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/data_table.hpp"
#include "storage/key_map.hpp"
#include "storage/optimistic_writer.hpp"

namespace basalt {

class LocalTableStorage {
public:
    // writer: where full row groups go before commit (invariant 4); null keeps every row in memory.
    LocalTableStorage(std::shared_ptr<DataTable> table, std::shared_ptr<OptimisticWriter> writer = nullptr);
    ~LocalTableStorage();
    LocalTableStorage(const LocalTableStorage&) = delete;
    LocalTableStorage& operator=(const LocalTableStorage&) = delete;

    DataTable& table() { return *table_; }
    const std::shared_ptr<DataTable>& table_ptr() const { return table_; }

    // Appends rows (columns in table order); throws 23505 on a duplicate key, 40001 when the key belongs to a
    // row committed after view's snapshot or deleted by a transaction still running.
    void append(const DataChunk& chunk, const TransactionView& view);
    void delete_row(row_t row);  // a local row id (invariant 2)

    // Chunks by position (row position / kVectorSize), written ones included.
    idx_t chunk_count() const { return chunks_.size(); }
    idx_t chunk_rows(idx_t index) const { return chunks_[index] ? chunks_[index]->size() : kVectorSize; }
    // Reads local chunk `index` (from its column file once written), skipping deleted rows; kRowIdColumn gives
    // local row ids.
    void scan(idx_t index, const std::vector<idx_t>& column_ids, DataChunk& out) const;
    // Row groups written to column files so far (invariant 4).
    idx_t written_group_count() const { return written_.size(); }
    idx_t live_row_count() const { return row_count_ - deleted_count_; }

    // ON CONFLICT: the row (local or committed) this transaction sees holding the key of row `row` of chunk in
    // unique index `index`, if any. Throws 40001 when the key belongs to a row it cannot see.
    std::optional<row_t> find_conflict(idx_t index, const DataChunk& chunk, idx_t row, const TransactionView& view) const;
    // Copies the rows with these ids (local or committed) into out, in order (table column order).
    void fetch(const std::vector<row_t>& ids, DataChunk& out) const;

    // Savepoints: a mark of what is here now, and going back to it (rows appended after it go, rows deleted
    // after it come back, keys claimed after it are released). Undo logs are kept only while a savepoint exists.
    struct Mark {
        idx_t rows = 0;
        size_t deletes = 0;
        size_t claims = 0;
    };
    Mark mark() const { return {row_count_, delete_log_.size(), claim_log_.size()}; }
    void rollback_to(const Mark& mark);
    void set_undo_logging(bool on) { undo_logging_ = on; }

    // Under the table's lock at commit: throws 40001 when a key of ours committed meanwhile.
    void validate_unique(const TransactionView& view) const;
    // At commit, first: drops the rows deleted locally from the chunks in memory, so they hold exactly the rows
    // the table will get after the written files' rows (the commit's log record is written from what the three
    // accessors below return), and notes which written rows were deleted.
    void prepare_commit();
    std::vector<std::shared_ptr<RowGroupFile>> written_files() const;
    const std::vector<idx_t>& written_deletes() const { return written_deletes_; }  // offsets across the files
    std::vector<ColumnStatistics> written_statistics() const;
    const std::vector<std::unique_ptr<DataChunk>>& prepared_chunks() const { return chunks_; }
    // Once a commit record names (or may name) the written files: they outlive this storage whatever becomes of
    // the transaction, and stop being pending (a checkpoint removes them if no table took them over). Called by
    // the commit after the log record is written, and by the log when a failed write may have left it whole.
    void keep_files();
    // Moves the rows into the table as committed by commit_id (which indexes their keys).
    void commit(txn_t commit_id);

private:
    // Throws when the key of row `row` of chunk is already taken (invariant 3); otherwise records it.
    void claim_key(idx_t index, const DataChunk& chunk, idx_t row, row_t local_row, const TransactionView& view);
    bool is_deleted(row_t local) const { return local < deleted_.size() && deleted_[local]; }
    // Invariant 4: writes every complete row group of positions not yet written.
    void write_full_groups();
    // Column `column` of chunk `index`, from memory or its file (hold keeps a file's block alive).
    const Vector& column_of(idx_t index, idx_t column, std::shared_ptr<const DecodedBlock>& hold) const;
    // Savepoint rollback into written group g: its positions before `end` come back into memory.
    void read_back(idx_t group, idx_t end);

    std::shared_ptr<DataTable> table_;
    std::shared_ptr<OptimisticWriter> writer_;
    std::vector<std::unique_ptr<DataChunk>> chunks_;  // null once written (invariant 4)
    struct WrittenGroup {
        std::shared_ptr<RowGroupFile> file;
        std::vector<ColumnStatistics> statistics;  // per column
    };
    std::vector<WrittenGroup> written_;
    bool files_committed_ = false;     // keep_files() ran: the destructor leaves them
    bool prepared_ = false;
    std::vector<idx_t> written_deletes_;  // set by prepare_commit
    std::vector<bool> deleted_;
    idx_t row_count_ = 0;
    idx_t deleted_count_ = 0;
    // Per unique index of the table: key -> local row.
    std::vector<KeyMap> keys_;
    bool undo_logging_ = false;
    std::vector<row_t> delete_log_;  // local rows deleted, in order
    struct Claim {
        idx_t index;
        std::string key;
        std::optional<row_t> previous;
    };
    std::vector<Claim> claim_log_;
};

}  // namespace basalt

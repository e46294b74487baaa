// The table interface the engine reads and writes through, and its in-memory implementation (the on-disk
// columnar format of the storage issue implements the same interface). Rows live in row groups of
// kRowGroupSize rows; a row group is the scan morsel, handed out whole to one worker.
//   (1) Stored vectors own their string bytes, so a scan returns references, never copies.
//   (2) Appends and scans must not run at the same time (callers serialize; MVCC is the storage issue's).
#pragma once

#include <memory>
#include <vector>

#include "storage/column_statistics.hpp"
#include "vector/data_chunk.hpp"

namespace basalt {

inline constexpr idx_t kRowGroupSize = 60 * kVectorSize;  // 122,880 rows

struct TableScanPosition {
    idx_t row_group = 0;
    idx_t vector_index = 0;
};

class DataTable {
public:
    explicit DataTable(std::vector<LogicalType> types);

    const std::vector<LogicalType>& types() const { return types_; }
    idx_t row_count() const { return row_count_; }
    idx_t row_group_count() const { return row_groups_.size(); }

    // Appends all rows of chunk (its column types must match, constant vectors allowed).
    void append(const DataChunk& chunk);
    // Reads the next vector of a row group into out (column_ids select and order the columns); returns false
    // when the row group is exhausted.
    bool scan(idx_t row_group, idx_t& vector_index, const std::vector<idx_t>& column_ids, DataChunk& out) const;

    // Schema evolution for the in-memory table.
    void add_column(const LogicalType& type, const Value& default_value);
    void drop_column(idx_t index);
    void truncate();

    // Estimated number of distinct non-NULL values of a column (never more than the row count).
    double distinct_count(idx_t column) const;

private:
    struct Segment {
        std::vector<Vector> columns;
        idx_t count = 0;
    };
    struct RowGroup {
        std::vector<Segment> segments;
        idx_t count = 0;
    };
    Segment& writable_segment();

    std::vector<LogicalType> types_;
    std::vector<ColumnStatistics> statistics_;
    std::vector<RowGroup> row_groups_;
    idx_t row_count_ = 0;
};

}  // namespace basalt

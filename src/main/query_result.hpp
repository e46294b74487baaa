// The result of one statement: rows as DataChunks with column names and types, or a command tag
// ("CREATE TABLE", "INSERT 0 5") for statements without rows. A SELECT's rows are streamed: the query keeps
// running while they are read with fetch(), and pauses when the reader falls behind.
//   (1) A streamed result belongs to its Connection: it ends when the connection runs its next statement (a
//       later fetch() fails with 55000) or when the result is destroyed, and must not outlive the connection.
//   (2) An error while streaming (57014 on cancel, 22012 ...) comes from fetch(); the statement then fails as it
//       would have before returning.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vector/data_chunk.hpp"

namespace basalt {

// Where a streamed result's chunks come from (the connection's running statement).
class ResultStream {
public:
    virtual ~ResultStream() = default;
    // The next chunk, or nullptr when the result is complete.
    virtual std::unique_ptr<DataChunk> next() = 0;
};

struct QueryResult {
    std::vector<std::string> names;
    std::vector<LogicalType> types;
    // Rows read so far into the result (all of them once materialize() ran, or for results made whole).
    std::vector<std::unique_ptr<DataChunk>> chunks;
    std::string command_tag;
    bool returns_rows = false;
    std::shared_ptr<ResultStream> stream;  // set while rows remain to be streamed

    // The next chunk not yet taken (from `chunks`, then from the stream), or nullptr at the end.
    std::unique_ptr<DataChunk> fetch();
    // Reads the rest of a streamed result into `chunks`.
    QueryResult& materialize();

    idx_t row_count() const;                         // of `chunks`
    Value get_value(idx_t column, idx_t row) const;  // slow: for tests and small results

private:
    size_t next_chunk_ = 0;  // fetch() position in `chunks`
};

}  // namespace basalt

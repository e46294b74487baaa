// CSV/text parsing for COPY FROM: splits records into fields (quotes, escapes, CRLF), builds VARCHAR chunks
// that the table's append path converts to the column types. Bad records fail the whole load with the line
// number and column (SQLSTATE 22P04, or the conversion's own).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "main/query_result.hpp"

namespace basalt {

struct CsvOptions {
    char delimiter = ',';
    char quote = '"';
    char escape = '"';
    bool header = false;
    bool csv = true;                // false: PostgreSQL's text format (no quoting, \N for NULL, backslash escapes)
    std::string null_string;        // unquoted field equal to this is NULL
    bool allow_trailing_delimiter = true;  // dbgen's .tbl lines end in the delimiter
};

struct ParsedCsv {
    QueryResult rows;                   // VARCHAR columns, string views into `text` or the chunks' heaps
    std::vector<idx_t> first_line;      // per chunk: the line number of its first row
    std::vector<std::vector<idx_t>> lines;  // per chunk: line number of every row
};

// Parses `text` into rows of `column_count` fields. `source` names the input in errors. A long input comes in
// pieces of whole records (complete_records): `first_line` is the line number the piece starts at, and only the
// piece at the start of the input (`at_start`) may hold a byte order mark or the header.
ParsedCsv parse_csv(std::string_view text, size_t column_count, const CsvOptions& options, const std::string& source,
                    idx_t first_line = 1, bool at_start = true);
// The length of the longest prefix of `text` that ends at a record's end (a newline outside quotes); 0 when the
// first record is not complete yet.
size_t complete_records(std::string_view text, const CsvOptions& options);

}  // namespace basalt

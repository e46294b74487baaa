// COPY table FROM 'file' | STDIN and COPY table | (query) TO 'file' | STDOUT, with PostgreSQL's option syntax
// (FORMAT csv|text, DELIMITER, HEADER, NULL, QUOTE, ESCAPE). Loads are atomic: every row is parsed and
// converted before any is appended.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "common/error.hpp"
#include "execution/statement_progress.hpp"
#include "function/cast.hpp"
#include "io/copy_statement.hpp"
#include "io/csv_reader.hpp"
#include "parser/parser.hpp"
#include "planner/binder.hpp"

namespace basalt {

namespace {

CsvOptions read_options(const Statement& s) {
    CsvOptions o;
    bool text_format = false;
    bool delimiter_set = false, null_set = false;
    for (const auto& opt : s.options) {
        std::string name = opt.name;
        std::string value = opt.value;
        auto single_char = [&](const char* what) {
            if (value.size() != 1) {
                throw Error(sql_state::kFeatureNotSupported, fmt::format("COPY {} must be a single one-byte character", what));
            }
            return value[0];
        };
        if (name == "format") {
            std::string f;
            for (char c : value) f += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (f == "text") {
                text_format = true;
            } else if (f != "csv") {
                throw Error(sql_state::kInvalidParameterValue, fmt::format("COPY format \"{}\" not recognized", value));
            }
        } else if (name == "delimiter") {
            o.delimiter = single_char("delimiter");
            delimiter_set = true;
        } else if (name == "header") {
            o.header = !opt.has_value || value == "true" || value == "on" || value == "1";
        } else if (name == "null") {
            o.null_string = value;
            null_set = true;
        } else if (name == "quote") {
            o.quote = single_char("quote");
        } else if (name == "escape") {
            o.escape = single_char("escape");
        } else if (name == "encoding") {
            // UTF8 only
        } else {
            throw Error(sql_state::kSyntaxError, fmt::format("option \"{}\" not recognized", name));
        }
    }
    if (text_format) {
        o.csv = false;
        if (!delimiter_set) o.delimiter = '\t';
        if (!null_set) o.null_string = "\\N";
    }
    return o;
}

// COPY's input is read in blocks and loaded a run of whole records at a time, so its text never sits in memory
// whole (the rows themselves go to the transaction's storage as they are converted).
constexpr size_t kCopyBlock = 8 << 20;

// Appends up to `want` more bytes of input to buffer; false at the end of the input. Standard input ends at EOF
// or at a line "\." (psql's end of COPY data).
bool read_more(std::istream& in, bool from_stdin, std::string& buffer, size_t want) {
    if (from_stdin) {
        std::string line;
        size_t added = 0;
        while (added < want) {
            if (!std::getline(in, line) || line == "\\.") return false;
            buffer += line;
            buffer += '\n';
            added += line.size() + 1;
        }
        return true;
    }
    size_t old = buffer.size();
    buffer.resize(old + want);
    in.read(buffer.data() + old, static_cast<std::streamsize>(want));
    buffer.resize(old + static_cast<size_t>(in.gcount()));
    return static_cast<size_t>(in.gcount()) == want;
}

// `progress`, when set, hears of the bytes of input loaded (its total is the file's size).
idx_t load_csv_stream(Connection& connection, TableEntry& table, const std::vector<idx_t>& columns, std::istream& in, bool from_stdin,
                      const CsvOptions& options, const std::string& source, StatementProgress* progress) {
    std::string buffer;
    idx_t line = 1, loaded = 0;
    bool at_start = true, more = true;
    while (more) {
        more = read_more(in, from_stdin, buffer, kCopyBlock);
        if (!from_stdin && in.bad()) {
            throw Error(sql_state::kIoError, fmt::format("could not read file \"{}\": {}", source, std::strerror(errno)));
        }
        // The last piece may end without a newline; before it, only whole records are loaded.
        size_t cut = more ? complete_records(buffer, options) : buffer.size();
        if (cut == 0) continue;  // a record longer than what was read: read on
        std::string_view piece(buffer.data(), cut);
        loaded += load_csv_into_table(connection, table, columns, piece, options, source, line, at_start);
        line += static_cast<idx_t>(std::count(piece.begin(), piece.end(), '\n'));
        if (progress) progress->add_done(cut);
        at_start = false;
        buffer.erase(0, cut);
    }
    return loaded;
}

std::string csv_text(const Vector& v, idx_t row, const CsvOptions& o) {
    if (v.is_null(row)) return o.null_string;
    std::string s = v.get_value(row).to_string();
    if (!o.csv) return s;
    bool needs_quotes = s.empty() || s == o.null_string || s.find(o.delimiter) != std::string::npos ||
                        s.find(o.quote) != std::string::npos || s.find_first_of("\r\n") != std::string::npos;
    if (!needs_quotes) return s;
    std::string q(1, o.quote);
    for (char c : s) {
        if (c == o.quote) q += o.escape;
        q += c;
    }
    return q + o.quote;
}

}  // namespace

idx_t load_csv_into_table(Connection& connection, TableEntry& table, const std::vector<idx_t>& columns, std::string_view text,
                          const CsvOptions& options, const std::string& source, idx_t first_line, bool at_start) {
    ParsedCsv parsed = parse_csv(text, columns.size(), options, "COPY " + table.name + " from " + source, first_line, at_start);
    try {
        return connection.append_rows(table, columns, parsed.rows);
    } catch (const Error& e) {
        // Find the first row that fails to convert, to name its line and column.
        for (size_t c = 0; c < parsed.rows.chunks.size(); c++) {
            DataChunk& chunk = *parsed.rows.chunks[c];
            for (idx_t row = 0; row < chunk.size(); row++) {
                for (size_t col = 0; col < columns.size(); col++) {
                    const ColumnDefinition& def = table.columns[columns[col]];
                    Value v = chunk.column(col).get_value(row);
                    try {
                        Value converted = cast_value(v, def.type);
                        if (converted.is_null() && def.not_null) {
                            throw Error(sql_state::kNotNullViolation,
                                        fmt::format("null value in column \"{}\" of relation \"{}\" violates not-null constraint",
                                                    def.name, table.name));
                        }
                    } catch (const Error& inner) {
                        throw Error(SqlState{{inner.sql_state()[0], inner.sql_state()[1], inner.sql_state()[2], inner.sql_state()[3],
                                              inner.sql_state()[4], 0}},
                                    fmt::format("{} (COPY {} from {}, line {}, column {})", inner.what(), table.name, source,
                                                parsed.lines[c][row], def.name));
                    }
                }
            }
        }
        throw;
    }
}

QueryResult execute_copy(Connection& connection, const Statement& s) {
    CsvOptions options = read_options(s);
    SessionCatalog& catalog = connection.catalog();
    QueryResult result;
    if (s.copy_from) {
        auto table = catalog.find_table(s.target.schema, s.target.name);
        if (!table) throw Error(sql_state::kUndefinedTable, fmt::format("relation \"{}\" does not exist", s.target.name), s.target.position);
        std::vector<idx_t> columns;
        if (s.columns.empty()) {
            for (idx_t i = 0; i < table->columns.size(); i++) columns.push_back(i);
        } else {
            for (const auto& name : s.columns) {
                auto idx = table->find_column(name);
                if (!idx) {
                    throw Error(sql_state::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", name, table->name));
                }
                columns.push_back(*idx);
            }
        }
        idx_t n;
        if (s.copy_stdio) {
            n = load_csv_stream(connection, *table, columns, std::cin, true, options, "STDIN", nullptr);
        } else {
            std::ifstream in(s.file_name, std::ios::binary);
            if (!in) {
                throw Error(sql_state::kUndefinedFile,
                            fmt::format("could not open file \"{}\" for reading: {}", s.file_name, std::strerror(errno)));
            }
            // The statement's progress: bytes of the file loaded (a pipe has no size, and no progress).
            StatementProgress& progress = connection.statement_progress();
            in.seekg(0, std::ios::end);
            std::streamoff size = in.tellg();
            in.clear();
            in.seekg(0, std::ios::beg);
            if (size > 0) progress.add_total(static_cast<uint64_t>(size));
            n = load_csv_stream(connection, *table, columns, in, false, options, s.file_name, size > 0 ? &progress : nullptr);
        }
        result.command_tag = fmt::format("COPY {}", n);
        return result;
    }
    // COPY ... TO
    QueryResult rows;
    if (s.select) {
        Binder binder(catalog);
        rows = connection.run_query(binder.bind_select(*s.select));
    } else {
        auto statements = parse_sql(fmt::format("SELECT {} FROM {}{}",
                                                s.columns.empty() ? "*" : [&] {
                                                    std::string cols;
                                                    for (size_t i = 0; i < s.columns.size(); i++) cols += (i ? ", \"" : "\"") + s.columns[i] + "\"";
                                                    return cols;
                                                }(),
                                                s.target.schema.empty() ? "" : "\"" + s.target.schema + "\".", "\"" + s.target.name + "\""));
        rows = connection.execute(*statements[0]);
    }
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (!s.copy_stdio) {
        file.open(s.file_name, std::ios::binary | std::ios::trunc);
        if (!file) {
            throw Error(sql_state::kUndefinedFile, fmt::format("could not open file \"{}\" for writing: {}", s.file_name, std::strerror(errno)));
        }
        out = &file;
    }
    std::string line;
    if (options.header) {
        for (size_t c = 0; c < rows.names.size(); c++) {
            if (c) line += options.delimiter;
            line += rows.names[c];
        }
        *out << line << "\n";
    }
    idx_t n = 0;
    for (const auto& chunk : rows.chunks) {
        for (idx_t r = 0; r < chunk->size(); r++) {
            line.clear();
            for (idx_t c = 0; c < chunk->column_count(); c++) {
                if (c) line += options.delimiter;
                line += csv_text(chunk->column(c), r, options);
            }
            *out << line << "\n";
            n++;
        }
    }
    out->flush();
    result.command_tag = fmt::format("COPY {}", n);
    return result;
}

}  // namespace basalt

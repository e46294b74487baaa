#include "io/csv_reader.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace basalt {

namespace {

[[noreturn]] void bad_record(const std::string& source, idx_t line, const std::string& what) {
    throw Error(sql_state::kBadCopyFileFormat, fmt::format("{}, line {}: {}", source, line, what));
}

}  // namespace

size_t complete_records(std::string_view text, const CsvOptions& o) {
    if (!o.csv) {
        // Text format: a newline in data is written \n, so every newline ends a record.
        size_t last = text.rfind('\n');
        return last == std::string_view::npos ? 0 : last + 1;
    }
    // Mirrors the parser: a quote opens a quoted field only at a field's start.
    size_t complete = 0;
    bool quoted = false, field_start = true;
    for (size_t i = 0; i < text.size(); i++) {
        char c = text[i];
        if (quoted) {
            if (c == o.escape && o.escape != o.quote && i + 1 < text.size() && text[i + 1] == o.quote) {
                i++;
            } else if (c == o.quote) {
                if (o.escape == o.quote && i + 1 < text.size() && text[i + 1] == o.quote) {
                    i++;  // "" inside a quoted field
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        if (c == o.quote && field_start) {
            quoted = true;
            field_start = false;
            continue;
        }
        field_start = c == o.delimiter || c == '\n' || c == '\r';
        if (c == '\n') complete = i + 1;
    }
    return complete;
}

ParsedCsv parse_csv(std::string_view text, size_t column_count, const CsvOptions& o, const std::string& source, idx_t first_line,
                    bool at_start) {
    ParsedCsv out;
    std::vector<LogicalType> types(column_count, LogicalType::varchar());
    out.rows.types = types;
    std::unique_ptr<DataChunk> chunk;
    std::vector<idx_t> chunk_lines;
    auto flush = [&]() {
        if (!chunk || chunk->size() == 0) return;
        out.lines.push_back(std::move(chunk_lines));
        chunk_lines.clear();
        out.rows.chunks.push_back(std::move(chunk));
    };
    size_t pos = 0;
    idx_t line = first_line;
    // Skip a UTF-8 byte order mark.
    if (at_start && text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF && static_cast<unsigned char>(text[1]) == 0xBB &&
        static_cast<unsigned char>(text[2]) == 0xBF) {
        pos = 3;
    }
    bool skip_header = o.header && at_start;
    std::vector<std::string_view> fields;
    std::vector<bool> quoted;
    std::string scratch;
    std::vector<std::string> owned;  // unescaped quoted fields of the current record
    while (pos < text.size()) {
        idx_t record_line = line;
        fields.clear();
        quoted.clear();
        owned.clear();
        // One record: fields until an unquoted newline.
        while (true) {
            if (o.csv && pos < text.size() && text[pos] == o.quote) {
                pos++;
                scratch.clear();
                while (true) {
                    if (pos >= text.size()) bad_record(source, record_line, "unterminated CSV quoted field");
                    char c = text[pos];
                    if (c == o.escape && pos + 1 < text.size() && text[pos + 1] == o.quote) {
                        scratch += o.quote;  // "" (or \" with ESCAPE '\') inside a quoted field
                        pos += 2;
                        continue;
                    }
                    if (c == o.quote) {
                        pos++;
                        break;
                    }
                    if (c == '\n') line++;
                    scratch += c;
                    pos++;
                }
                owned.push_back(scratch);
                fields.push_back({});
                quoted.push_back(true);
                // after the closing quote: delimiter, newline or end
                if (pos < text.size() && text[pos] != o.delimiter && text[pos] != '\n' && text[pos] != '\r') {
                    bad_record(source, record_line, "unexpected character after a quoted field");
                }
            } else {
                size_t start = pos;
                while (pos < text.size() && text[pos] != o.delimiter && text[pos] != '\n' && text[pos] != '\r') pos++;
                fields.push_back(text.substr(start, pos - start));
                quoted.push_back(false);
                owned.emplace_back();
            }
            if (pos < text.size() && text[pos] == o.delimiter) {
                pos++;
                continue;
            }
            // end of record
            if (pos < text.size() && text[pos] == '\r') pos++;
            if (pos < text.size() && text[pos] == '\n') pos++;
            line++;
            break;
        }
        if (skip_header) {
            skip_header = false;
            continue;
        }
        if (fields.size() == 1 && !quoted[0] && fields[0].empty() && column_count != 1) continue;  // blank line
        if (o.allow_trailing_delimiter && fields.size() == column_count + 1 && !quoted.back() && fields.back().empty()) {
            fields.pop_back();
            quoted.pop_back();
            owned.pop_back();
        }
        if (fields.size() < column_count) {
            bad_record(source, record_line, fmt::format("missing data for column {} (found {} of {} fields)", fields.size() + 1,
                                                        fields.size(), column_count));
        }
        if (fields.size() > column_count) bad_record(source, record_line, "extra data after last expected column");
        if (!chunk || chunk->size() == kVectorSize) {
            flush();
            chunk = std::make_unique<DataChunk>();
            chunk->initialize(types);
        }
        idx_t row = chunk->size();
        for (size_t c = 0; c < column_count; c++) {
            Vector& v = chunk->column(c);
            if (quoted[c]) {
                v.data<std::string_view>()[row] = v.add_string(owned[c]);
                continue;
            }
            std::string_view f = fields[c];
            if (f == o.null_string) {
                v.set_null(row);
                continue;
            }
            if (!o.csv && f.find('\\') != std::string_view::npos) {
                std::string unescaped;
                for (size_t i = 0; i < f.size(); i++) {
                    if (f[i] == '\\' && i + 1 < f.size()) {
                        char n = f[++i];
                        unescaped += n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n;
                    } else {
                        unescaped += f[i];
                    }
                }
                v.data<std::string_view>()[row] = v.add_string(unescaped);
                continue;
            }
            v.data<std::string_view>()[row] = f;  // points into the input text
        }
        chunk->set_size(row + 1);
        chunk_lines.push_back(record_line);
    }
    flush();
    return out;
}

}  // namespace basalt

#include "cli/result_printer.hpp"

#include <ostream>

#include <fmt/format.h>

#include "types/value.hpp"

namespace basalt {

std::string value_text(const Vector& v, idx_t row) {
    return v.get_value(row).to_string();
}

std::string json_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += fmt::format("\\u{:04x}", c);
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out;
}

namespace {

size_t display_width(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

bool right_aligned(const LogicalType& t) { return t.is_numeric(); }

// Aligned columns need every row's width first: the table format reads the whole result before printing.
void print_table(std::ostream& out, QueryResult& r, const std::function<void()>& before_output) {
    size_t columns = r.names.size();
    std::vector<size_t> widths(columns);
    for (size_t c = 0; c < columns; c++) widths[c] = display_width(r.names[c]);
    std::vector<std::vector<std::string>> cells;
    while (auto chunk = r.fetch()) {
        for (idx_t row = 0; row < chunk->size(); row++) {
            std::vector<std::string> line;
            for (size_t c = 0; c < columns; c++) {
                const Vector& v = chunk->column(c);
                std::string text = v.is_null(row) ? "" : value_text(v, row);
                widths[c] = std::max(widths[c], display_width(text));
                line.push_back(std::move(text));
            }
            cells.push_back(std::move(line));
        }
    }
    before_output();
    auto pad = [](const std::string& s, size_t width, bool right) {
        size_t w = display_width(s);
        std::string fill(width > w ? width - w : 0, ' ');
        return right ? fill + s : s + fill;
    };
    for (size_t c = 0; c < columns; c++) {
        size_t w = display_width(r.names[c]);
        size_t left = (widths[c] - w) / 2;
        out << (c ? " | " : " ") << std::string(left, ' ') << r.names[c] << std::string(widths[c] - w - left, ' ');
    }
    out << "\n";
    for (size_t c = 0; c < columns; c++) out << (c ? "-+-" : "-") << std::string(widths[c], '-');
    out << "-\n";
    for (const auto& line : cells) {
        for (size_t c = 0; c < columns; c++) out << (c ? " | " : " ") << pad(line[c], widths[c], right_aligned(r.types[c]));
        out << "\n";
    }
    out << "(" << cells.size() << (cells.size() == 1 ? " row)\n" : " rows)\n");
}

std::string csv_field(const std::string& s) {
    if (s.empty() || s.find_first_of(",\"\n\r") != std::string::npos) {
        std::string q = "\"";
        for (char c : s) {
            if (c == '"') q += '"';
            q += c;
        }
        return q + "\"";
    }
    return s;
}

// CSV and JSON print rows as they arrive, flushing after each chunk, so a reader sees the first rows while the
// query still runs and the result is never held whole.
void print_csv(std::ostream& out, QueryResult& r, const std::function<void()>& before_output) {
    // The header waits for the first rows, so nothing is printed while the query has yet to produce any.
    auto chunk = r.fetch();
    before_output();
    for (size_t c = 0; c < r.names.size(); c++) out << (c ? "," : "") << csv_field(r.names[c]);
    out << "\n";
    for (; chunk; chunk = r.fetch()) {
        for (idx_t row = 0; row < chunk->size(); row++) {
            for (size_t c = 0; c < r.names.size(); c++) {
                const Vector& v = chunk->column(c);
                if (c) out << ',';
                if (!v.is_null(row)) out << csv_field(value_text(v, row));
            }
            out << "\n";
        }
        out.flush();
    }
}

void print_json(std::ostream& out, QueryResult& r, const std::function<void()>& before_output) {
    auto chunk = r.fetch();
    before_output();
    out << "{\"columns\":[";
    for (size_t c = 0; c < r.names.size(); c++) {
        out << (c ? "," : "") << "{\"name\":\"" << json_escape(r.names[c]) << "\",\"type\":\"" << json_escape(r.types[c].to_string())
            << "\"}";
    }
    out << "],\"rows\":[";
    bool first = true;
    for (; chunk; chunk = r.fetch()) {
        for (idx_t row = 0; row < chunk->size(); row++) {
            out << (first ? "" : ",") << "[";
            first = false;
            for (size_t c = 0; c < r.names.size(); c++) {
                const Vector& v = chunk->column(c);
                if (c) out << ',';
                if (v.is_null(row)) {
                    out << "null";
                    continue;
                }
                const LogicalType& t = r.types[c];
                std::string text = value_text(v, row);
                bool bare = t.id() == TypeId::kBoolean || t.is_integral() ||
                            ((t.id() == TypeId::kDouble || t.id() == TypeId::kReal) && text != "NaN" && text != "Infinity" &&
                             text != "-Infinity");
                // DECIMAL stays a string so no JSON reader rounds it.
                if (bare) {
                    out << text;
                } else {
                    out << '"' << json_escape(text) << '"';
                }
            }
            out << "]";
        }
        out.flush();
    }
    out << "]}\n";
}

}  // namespace

void print_result(std::ostream& out, QueryResult& result, OutputFormat format, const std::function<void()>& before_output) {
    bool called = false;
    auto before = [&] {
        if (called || !before_output) return;
        called = true;
        before_output();
    };
    if (!result.returns_rows) {
        before();
        if (format == OutputFormat::kJson) {
            out << "{\"command\":\"" << json_escape(result.command_tag) << "\"}\n";
        } else if (format == OutputFormat::kTable) {
            out << result.command_tag << "\n";
        }
        return;
    }
    switch (format) {
        case OutputFormat::kTable: print_table(out, result, before); break;
        case OutputFormat::kCsv: print_csv(out, result, before); break;
        case OutputFormat::kJson: print_json(out, result, before); break;
    }
}

void print_error(std::ostream& out, const Error& error, const std::string& sql, OutputFormat format) {
    if (format == OutputFormat::kJson) {
        out << "{\"error\":\"" << json_escape(error.what()) << "\",\"sqlstate\":\"" << error.sql_state() << "\",";
        if (!error.detail().empty()) out << "\"detail\":\"" << json_escape(error.detail()) << "\",";
        out << "\"position\":";
        if (error.position() > 0) {
            out << error.position();
        } else {
            out << "null";
        }
        out << "}\n";
        return;
    }
    out << "ERROR:  " << error.what() << "\n";
    if (!error.detail().empty()) out << "DETAIL:  " << error.detail() << "\n";
    out << "SQLSTATE: " << error.sql_state() << "\n";
    if (error.position() > 0 && static_cast<size_t>(error.position()) <= sql.size() + 1) {
        // Show the line holding the position with a caret under it, as psql does.
        size_t pos = static_cast<size_t>(error.position() - 1);
        size_t line_start = sql.rfind('\n', pos == 0 ? 0 : pos - 1);
        line_start = line_start == std::string::npos ? 0 : line_start + 1;
        if (pos < line_start) line_start = 0;
        size_t line_end = sql.find('\n', pos);
        if (line_end == std::string::npos) line_end = sql.size();
        std::string line = sql.substr(line_start, line_end - line_start);
        std::string prefix = "LINE: ";
        out << prefix << line << "\n";
        size_t column = 0;
        for (size_t i = line_start; i < pos && i < sql.size(); i++) column += (static_cast<unsigned char>(sql[i]) & 0xC0) != 0x80;
        out << std::string(prefix.size() + column, ' ') << "^\n";
    }
}

}  // namespace basalt

// INSERT and the shared append path (also used by CREATE TABLE AS and COPY FROM): assignment casts to the
// column types, defaults for omitted columns, NOT NULL and length checks.
#include <fmt/format.h>

#include <set>

#include "common/error.hpp"
#include "execution/expression_executor.hpp"
#include "execution/physical_planner.hpp"
#include "function/cast.hpp"
#include "main/connection.hpp"
#include "parser/parser.hpp"
#include "types/physical_dispatch.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {

// Checks VARCHAR(n)/CHAR(n) lengths the way an assignment does in PostgreSQL (an error, not truncation);
// trailing blanks beyond the limit are allowed and dropped.
void check_lengths(const Vector& v, idx_t count, const LogicalType& type, const std::string& column) {
    if (type.length() < 0 || type.physical() != PhysicalType::kString) return;
    const auto* data = v.data<std::string_view>();
    for (idx_t i = 0; i < count; i++) {
        idx_t row = v.is_constant() ? 0 : i;
        if (!v.validity().is_valid(row)) continue;
        std::string_view s = data[row];
        size_t chars = 0;
        for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
        if (static_cast<int>(chars) <= type.length()) continue;
        std::string_view trimmed = s;
        while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
        size_t trimmed_chars = 0;
        for (unsigned char c : trimmed) trimmed_chars += (c & 0xC0) != 0x80;
        if (static_cast<int>(trimmed_chars) <= type.length()) continue;
        throw Error(sql_state::kStringDataRightTruncation,
                    fmt::format("value too long for type {}({})", type.id() == TypeId::kChar ? "character" : "character varying",
                                type.length()));
    }
    (void)column;
}

// Evaluates the table's CHECK constraints on rows in table column order; a row fails when a condition is false
// (NULL passes, as in PostgreSQL).
void check_constraints(SessionCatalog& catalog, const TableEntry& table, const std::vector<std::unique_ptr<DataChunk>>& chunks) {
    if (table.checks.empty()) return;
    std::vector<std::string> names;
    std::vector<LogicalType> types;
    std::vector<ColumnBinding> bindings;
    for (idx_t c = 0; c < table.columns.size(); c++) {
        names.push_back(table.columns[c].name);
        types.push_back(table.columns[c].type);
        bindings.push_back({0, static_cast<uint32_t>(c)});
    }
    for (const auto& check : table.checks) {
        Binder binder(catalog);
        ExprPtr bound = binder.bind_row_expression(*parse_expression(check.sql), 0, table.name, names, types, "check constraints");
        ExprPtr e = resolve_column_bindings(*binder.cast_to(std::move(bound), LogicalType::boolean()), bindings);
        ExpressionExecutor executor(*e);
        Vector result(LogicalType::boolean(), kVectorSize);
        for (const auto& chunk : chunks) {
            executor.execute(*chunk, result);
            for (idx_t r = 0; r < chunk->size(); r++) {
                idx_t row = result.is_constant() ? 0 : r;
                if (result.is_null(row) || result.data<bool>()[row]) continue;
                Error error(sql_state::kCheckViolation,
                            fmt::format("new row for relation \"{}\" violates check constraint \"{}\"", table.name, check.name));
                std::string values;
                for (idx_t c = 0; c < chunk->column_count(); c++) {
                    Value v = chunk->column(c).get_value(r);
                    values += (c ? ", " : "") + (v.is_null() ? std::string("null") : v.to_string());
                }
                error.set_detail("Failing row contains (" + values + ").");
                throw error;
            }
        }
    }
}

}  // namespace

idx_t Connection::append_rows(TableEntry& table, const std::vector<idx_t>& columns, QueryResult& rows) {
    auto converted = convert_rows(table, columns, rows);
    idx_t total = 0;
    for (const auto& c : converted) total += c->size();
    append_converted(table, converted);
    return total;
}

void Connection::append_converted(TableEntry& table, const std::vector<std::unique_ptr<DataChunk>>& converted) {
    check_constraints(catalog_, table, converted);
    // The rows wait in the transaction's local storage until commit (which checks unique keys again).
    LocalTableStorage& local = transaction().local_storage(table.storage);
    for (auto& c : converted) local.append(*c, transaction().view());
}

std::vector<std::unique_ptr<DataChunk>> Connection::convert_rows(TableEntry& table, const std::vector<idx_t>& columns,
                                                                 QueryResult& rows) {
    const auto& defs = table.columns;
    // Defaults of the columns not given, evaluated once per statement.
    std::vector<Value> defaults(defs.size());
    std::vector<bool> given(defs.size(), false);
    for (idx_t c : columns) given[c] = true;
    Binder binder(catalog_);
    for (idx_t c = 0; c < defs.size(); c++) {
        if (given[c] || defs[c].default_sql.empty()) {
            defaults[c] = Value(defs[c].type);
            continue;
        }
        ExprPtr e = binder.cast_to(binder.bind_constant_expression(*parse_expression(defs[c].default_sql)), defs[c].type);
        DataChunk one;
        one.initialize({}, 1);
        one.set_size(1);
        Vector v(defs[c].type, 1);
        ExpressionExecutor(*e).execute(one, v);
        defaults[c] = v.get_value(0);
    }
    std::vector<LogicalType> types;
    for (const auto& d : defs) types.push_back(d.type);
    std::vector<std::unique_ptr<DataChunk>> converted;
    for (auto& chunk : rows.chunks) {
        idx_t n = chunk->size();
        if (n == 0) continue;
        auto out = std::make_unique<DataChunk>();
        out->initialize(types);
        for (idx_t i = 0; i < columns.size(); i++) {
            idx_t c = columns[i];
            Vector& src = chunk->column(i);
            if (src.type() == types[c]) {
                vector_copy(src, 0, n, out->column(c), 0);
            } else if (types[c].is_string()) {
                // Assignment to VARCHAR(n)/CHAR(n) checks the length instead of truncating (22001).
                Vector text(LogicalType::varchar(), std::max<idx_t>(n, kVectorSize));
                if (src.type().is_string()) {
                    vector_copy(src, 0, n, text, 0);
                } else {
                    cast_vector(src, text, n);
                    vector_flatten(text, n);
                }
                check_lengths(text, n, types[c], defs[c].name);
                auto* data = text.data<std::string_view>();
                if (types[c].id() == TypeId::kChar) {
                    for (idx_t r = 0; r < n; r++) {
                        while (!data[r].empty() && data[r].back() == ' ') data[r].remove_suffix(1);
                    }
                }
                vector_copy(text, 0, n, out->column(c), 0);
            } else {
                cast_vector(src, out->column(c), n);
                vector_flatten(out->column(c), n);
            }
        }
        for (idx_t c = 0; c < defs.size(); c++) {
            if (given[c]) continue;
            for (idx_t r = 0; r < n; r++) out->column(c).set_value(r, defaults[c]);
        }
        for (idx_t c = 0; c < defs.size(); c++) {
            if (!defs[c].not_null) continue;
            const Vector& v = out->column(c);
            for (idx_t r = 0; r < n; r++) {
                if (v.is_null(r)) {
                    throw Error(sql_state::kNotNullViolation,
                                fmt::format("null value in column \"{}\" of relation \"{}\" violates not-null constraint",
                                            defs[c].name, table.name));
                }
            }
        }
        out->set_size(n);
        converted.push_back(std::move(out));
    }
    return converted;
}

QueryResult Connection::execute_insert(const Statement& s) {
    SessionCatalog& catalog = catalog_;
    auto table = catalog.find_table(s.target.schema, s.target.name);
    if (!table) {
        std::string shown = s.target.schema.empty() ? s.target.name : s.target.schema + "." + s.target.name;
        throw Error(sql_state::kUndefinedTable, fmt::format("relation \"{}\" does not exist", shown), s.target.position);
    }
    std::vector<idx_t> columns;
    if (s.columns.empty()) {
        for (idx_t i = 0; i < table->columns.size(); i++) columns.push_back(i);
    } else {
        std::set<idx_t> seen;
        for (const auto& name : s.columns) {
            auto idx = table->find_column(name);
            if (!idx) {
                throw Error(sql_state::kUndefinedColumn,
                            fmt::format("column \"{}\" of relation \"{}\" does not exist", name, table->name), s.target.position);
            }
            if (!seen.insert(*idx).second) {
                throw Error(sql_state::kDuplicateColumn, fmt::format("column \"{}\" specified more than once", name), s.target.position);
            }
            columns.push_back(*idx);
        }
    }
    Binder binder(catalog);
    std::vector<LogicalType> target_types;
    for (idx_t c : columns) target_types.push_back(table->columns[c].type);
    binder.values_target_types_ = &target_types;
    BoundQuery bound = binder.bind_select(*s.select);
    if (bound.types.size() > columns.size()) {
        throw Error(sql_state::kSyntaxError, "INSERT has more expressions than target columns", s.target.position);
    }
    if (bound.types.size() < columns.size()) {
        if (!s.columns.empty()) {
            throw Error(sql_state::kSyntaxError, "INSERT has more target columns than expressions", s.target.position);
        }
        columns.resize(bound.types.size());
    }
    for (size_t i = 0; i < columns.size(); i++) {
        const LogicalType& from = bound.types[i];
        const LogicalType& to = table->columns[columns[i]].type;
        if (!assignment_cast_allowed(from, to)) {
            throw Error(sql_state::kDatatypeMismatch,
                        fmt::format("column \"{}\" is of type {} but expression is of type {}", table->columns[columns[i]].name,
                                    pg_type_name(to), pg_type_name(from)),
                        s.target.position);
        }
    }
    QueryResult rows = run_query(std::move(bound));
    idx_t n = s.conflict_action.empty() ? append_rows(*table, columns, rows)
                                        : insert_on_conflict(s, *table, convert_rows(*table, columns, rows));
    QueryResult r;
    r.command_tag = fmt::format("INSERT 0 {}", n);
    return r;
}

}  // namespace basalt

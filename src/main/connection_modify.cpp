// UPDATE, DELETE and TRUNCATE. Each runs a query over the target table that yields the row ids (ctid) to
// change; rows are deleted through the transaction (write-write conflicts give 40001) and, for UPDATE, the new
// versions are appended through the same path as INSERT, so every constraint is checked the same way.
//   (1) A row matched several times (UPDATE ... FROM with a join fan-out) changes once, as in PostgreSQL.
//   (2) UPDATE deletes every old version before appending the new ones, so keys may move between rows in one
//       statement (PostgreSQL checks per row and would reject some of these; the SQL standard accepts them).
#include <fmt/format.h>

#include <set>
#include <unordered_set>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "main/connection.hpp"
#include "parser/parser.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

void check_assignment_type(const BoundQuery& bound, idx_t result_column, const ParsedExpr& value,
                           const ColumnDefinition& column, int position) {
    if (bound.unknown[result_column] || value.kind == ExprKind::kConstant) return;
    if (assignment_cast_allowed(bound.types[result_column], column.type)) return;
    throw Error(sql_state::kDatatypeMismatch,
                fmt::format("column \"{}\" is of type {} but expression is of type {}", column.name, pg_type_name(column.type),
                            pg_type_name(bound.types[result_column])),
                position);
}

std::shared_ptr<TableEntry> Connection::writable_table(const QualifiedName& name) {
    SessionCatalog& catalog = catalog_;
    auto table = catalog.find_table(name.schema, name.name);
    if (table) return table;
    std::string shown = name.schema.empty() ? name.name : name.schema + "." + name.name;
    if (catalog.find_view(name.schema, name.name)) {
        throw Error(sql_state::kFeatureNotSupported, fmt::format("cannot change view \"{}\": views are read-only", shown),
                    name.position);
    }
    throw Error(sql_state::kUndefinedTable, fmt::format("relation \"{}\" does not exist", shown), name.position);
}

QueryResult Connection::execute_update(const Statement& s) {
    auto table = writable_table(s.target);
    const idx_t column_count = table->columns.size();
    std::vector<idx_t> set_columns;
    std::set<idx_t> seen;
    for (const auto& name : s.columns) {
        auto idx = table->find_column(name);
        if (!idx) {
            throw Error(sql_state::kUndefinedColumn,
                        fmt::format("column \"{}\" of relation \"{}\" does not exist", name, table->name), s.target.position);
        }
        if (!seen.insert(*idx).second) {
            throw Error(sql_state::kSyntaxError, fmt::format("multiple assignments to same column \"{}\"", name), s.target.position);
        }
        set_columns.push_back(*idx);
    }
    Binder binder(catalog_);
    BoundQuery bound = binder.bind_select(*s.select);
    BASALT_ASSERT(bound.types.size() == 1 + column_count + set_columns.size(), "UPDATE query has an unexpected shape");
    for (size_t k = 0; k < set_columns.size(); k++) {
        if (s.set_default[k]) continue;
        check_assignment_type(bound, 1 + column_count + k, *s.select->targets[2 + k], table->columns[set_columns[k]],
                              s.target.position);
    }
    QueryResult rows = run_query(std::move(bound));

    // The new row's columns: SET values where given (DEFAULT ones are left out, so append_rows fills them),
    // old values elsewhere.
    std::vector<idx_t> given;
    std::vector<idx_t> source;  // result column per given table column
    for (idx_t c = 0; c < column_count; c++) {
        idx_t from = 1 + c;
        bool is_default = false;
        for (size_t k = 0; k < set_columns.size(); k++) {
            if (set_columns[k] != c) continue;
            from = 1 + column_count + k;
            is_default = s.set_default[k];
        }
        if (is_default) continue;
        given.push_back(c);
        source.push_back(from);
    }

    Transaction& txn = transaction();
    std::unordered_set<int64_t> changed;
    QueryResult new_rows;
    idx_t count = 0;
    for (auto& chunk : rows.chunks) {
        sel_t sel[kVectorSize];
        idx_t n = 0;
        const Vector& ids = chunk->column(0);
        for (idx_t r = 0; r < chunk->size(); r++) {
            int64_t id = ids.data<int64_t>()[ids.is_constant() ? 0 : r];
            if (changed.insert(id).second) sel[n++] = static_cast<sel_t>(r);  // invariant 1
        }
        if (n == 0) continue;
        new_rows.chunks.push_back(chunk_gather_columns(*chunk, source, sel, n));
        count += n;
    }
    // Invariant 2: all deletes first.
    for (auto& chunk : rows.chunks) {
        const Vector& ids = chunk->column(0);
        for (idx_t r = 0; r < chunk->size(); r++) {
            txn.delete_row(table->storage, static_cast<row_t>(ids.data<int64_t>()[ids.is_constant() ? 0 : r]));
        }
    }
    append_rows(*table, given, new_rows);
    QueryResult r;
    r.command_tag = fmt::format("UPDATE {}", count);
    return r;
}

QueryResult Connection::execute_delete(const Statement& s) {
    auto table = writable_table(s.target);
    const idx_t column_count = table->columns.size();
    Binder binder(catalog_);
    BoundQuery bound = binder.bind_select(*s.select);
    std::vector<std::string> names(bound.names.begin() + static_cast<std::ptrdiff_t>(1 + column_count), bound.names.end());
    std::vector<LogicalType> types(bound.types.begin() + static_cast<std::ptrdiff_t>(1 + column_count), bound.types.end());
    std::vector<idx_t> returning;  // result columns of the RETURNING values
    for (idx_t i = 0; i < types.size(); i++) returning.push_back(1 + column_count + i);
    QueryResult rows = run_query(std::move(bound));
    Transaction& txn = transaction();
    QueryResult result;
    idx_t count = 0;
    for (auto& chunk : rows.chunks) {
        sel_t sel[kVectorSize];
        idx_t n = 0;
        const Vector& ids = chunk->column(0);
        for (idx_t r = 0; r < chunk->size(); r++) {
            row_t id = static_cast<row_t>(ids.data<int64_t>()[ids.is_constant() ? 0 : r]);
            if (txn.delete_row(table->storage, id)) sel[n++] = static_cast<sel_t>(r);
        }
        count += n;
        if (s.returning_count == 0 || n == 0) continue;
        result.chunks.push_back(chunk_gather_columns(*chunk, returning, sel, n));
    }
    if (s.returning_count > 0) {
        result.names = names;
        result.types = types;
        result.returns_rows = true;
    }
    result.command_tag = fmt::format("DELETE {}", count);
    return result;
}

QueryResult Connection::execute_truncate(const Statement& s) {
    // Deletes every row the transaction sees: TRUNCATE is transactional (ROLLBACK brings the rows back).
    for (const auto& t : s.targets) {
        auto table = writable_table(t);
        std::string sql = "SELECT ctid FROM " + quote_identifier(table->schema) + "." + quote_identifier(table->name);
        auto statements = parse_sql(sql);
        Binder binder(catalog_);
        QueryResult rows = run_query(binder.bind_select(*statements[0]->select));
        Transaction& txn = transaction();
        for (auto& chunk : rows.chunks) {
            const Vector& ids = chunk->column(0);
            for (idx_t r = 0; r < chunk->size(); r++) txn.delete_row(table->storage, static_cast<row_t>(ids.data<int64_t>()[r]));
        }
    }
    QueryResult r;
    r.command_tag = "TRUNCATE TABLE";
    return r;
}

}  // namespace basalt

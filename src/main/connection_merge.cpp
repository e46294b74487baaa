// MERGE (PostgreSQL 15): the statement's query joins the source with the target (LEFT JOIN, so unmatched source
// rows come with a NULL ctid) and computes every WHEN clause's condition and values. Each source row takes the
// first clause of its kind (MATCHED or NOT MATCHED) whose condition is true; then, as for UPDATE, all deletes
// happen before the new rows are appended through the INSERT path (every constraint checked).
#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "common/error.hpp"
#include "main/connection.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

QueryResult Connection::execute_merge(const Statement& s) {
    auto table = writable_table(s.target);
    const idx_t column_count = table->columns.size();
    // Resolve each clause's columns once.
    std::vector<std::vector<idx_t>> clause_columns;
    for (const auto& clause : s.merge_clauses) {
        std::vector<idx_t> columns;
        if (clause.action == MergeClause::Action::kInsert && clause.columns.empty()) {
            for (idx_t c = 0; c < column_count && c < clause.value_count; c++) columns.push_back(c);
            if (clause.value_count > column_count) {
                throw Error(sql_state::kSyntaxError, "INSERT has more expressions than target columns", s.target.position);
            }
        }
        for (const auto& name : clause.columns) {
            auto c = table->find_column(name);
            if (!c) {
                throw Error(sql_state::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", name, table->name),
                            s.target.position);
            }
            if (std::find(columns.begin(), columns.end(), *c) != columns.end()) {
                throw Error(sql_state::kSyntaxError, fmt::format("multiple assignments to same column \"{}\"", name), s.target.position);
            }
            columns.push_back(*c);
        }
        if (clause.action == MergeClause::Action::kInsert && !clause.default_values && columns.size() != clause.value_count) {
            throw Error(sql_state::kSyntaxError,
                        columns.size() > clause.value_count ? "INSERT has more target columns than expressions"
                                                            : "INSERT has more expressions than target columns",
                        s.target.position);
        }
        clause_columns.push_back(std::move(columns));
    }
    Binder binder(catalog_);
    BoundQuery bound = binder.bind_select(*s.select);
    // The select's targets are [ctid, target.*, clause columns...]: the star expands to every table column.
    auto result_column = [&](size_t target) { return target + column_count - 1; };
    for (size_t k = 0; k < s.merge_clauses.size(); k++) {
        const auto& clause = s.merge_clauses[k];
        idx_t condition = result_column(clause.condition_column);
        if (bound.types[condition].id() != TypeId::kBoolean && !bound.unknown[condition]) {
            throw Error(sql_state::kDatatypeMismatch, "a WHEN condition of MERGE must be boolean", s.target.position);
        }
        for (size_t v = 0; v < clause.value_count; v++) {
            if (clause.is_default[v]) continue;
            size_t target = clause.first_value_column + v;
            check_assignment_type(bound, result_column(target), *s.select->targets[target], table->columns[clause_columns[k][v]],
                                  s.target.position);
        }
    }
    QueryResult rows = run_query(std::move(bound));

    // Pick each row's clause.
    Transaction& txn = transaction();
    std::unordered_set<int64_t> touched;
    std::vector<std::vector<std::pair<DataChunk*, sel_t>>> picked(s.merge_clauses.size());
    std::vector<row_t> deletes;
    idx_t affected = 0;
    for (auto& chunk : rows.chunks) {
        const Vector& ids = chunk->column(0);
        for (idx_t r = 0; r < chunk->size(); r++) {
            bool matched = !ids.is_null(r);
            for (size_t k = 0; k < s.merge_clauses.size(); k++) {
                const auto& clause = s.merge_clauses[k];
                if (clause.matched != matched) continue;
                const Vector& condition = chunk->column(result_column(clause.condition_column));
                if (condition.is_null(r) || !condition.get_value(r).get_bool()) continue;
                if (clause.action == MergeClause::Action::kNothing) break;
                if (matched) {
                    int64_t id = ids.data<int64_t>()[ids.is_constant() ? 0 : r];
                    if (!touched.insert(id).second) {
                        throw Error(sql_state::kCardinalityViolation, "MERGE command cannot affect row a second time");
                    }
                    deletes.push_back(static_cast<row_t>(id));
                }
                picked[k].emplace_back(chunk.get(), static_cast<sel_t>(r));
                affected++;
                break;
            }
        }
    }
    for (row_t id : deletes) txn.delete_row(table->storage, id);
    for (size_t k = 0; k < s.merge_clauses.size(); k++) {
        const auto& clause = s.merge_clauses[k];
        if (picked[k].empty() || clause.action == MergeClause::Action::kDelete) continue;
        // The new rows: given columns (DEFAULT ones left out so the INSERT path fills them).
        std::vector<idx_t> given;
        std::vector<idx_t> source;
        if (clause.action == MergeClause::Action::kUpdate) {
            for (idx_t c = 0; c < column_count; c++) {
                auto it = std::find(clause_columns[k].begin(), clause_columns[k].end(), c);
                if (it == clause_columns[k].end()) {
                    given.push_back(c);
                    source.push_back(1 + c);
                    continue;
                }
                size_t v = static_cast<size_t>(it - clause_columns[k].begin());
                if (clause.is_default[v]) continue;
                given.push_back(c);
                source.push_back(result_column(clause.first_value_column + v));
            }
        } else {
            for (size_t v = 0; v < clause.value_count; v++) {
                if (clause.is_default[v]) continue;
                given.push_back(clause_columns[k][v]);
                source.push_back(result_column(clause.first_value_column + v));
            }
        }
        QueryResult new_rows;
        size_t at = 0;
        while (at < picked[k].size()) {
            // Rows of one result chunk at a time, gathered column by column.
            DataChunk* chunk = picked[k][at].first;
            sel_t sel[kVectorSize];
            idx_t n = 0;
            while (at < picked[k].size() && picked[k][at].first == chunk) sel[n++] = picked[k][at++].second;
            new_rows.chunks.push_back(chunk_gather_columns(*chunk, source, sel, n));
        }
        append_rows(*table, given, new_rows);
    }
    QueryResult r;
    r.command_tag = fmt::format("MERGE {}", affected);
    return r;
}

}  // namespace basalt

// INSERT ... ON CONFLICT. Each proposed row is checked against the arbiter unique constraints (the conflict
// target, or every unique constraint for a bare DO NOTHING) through the table's key index:
//   - no conflict: the row is inserted (like a plain INSERT, with every constraint checked);
//   - DO NOTHING: the row is dropped;
//   - DO UPDATE: the existing row is updated (deleted and re-inserted) with SET evaluated over the existing row
//     and `excluded` (the proposed row), when the WHERE condition holds.
// As in PostgreSQL, a command may not touch one row twice with DO UPDATE (21000), and a later proposed row
// conflicting with an earlier one of the same command is dropped by DO NOTHING.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "common/error.hpp"
#include "execution/expression_executor.hpp"
#include "execution/physical_planner.hpp"
#include "function/cast.hpp"
#include "main/connection.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {

// The unique indexes that decide conflicts.
std::vector<idx_t> arbiter_indexes(const Statement& s, const TableEntry& table) {
    std::vector<idx_t> out;
    if (!s.conflict_constraint.empty()) {
        for (idx_t i = 0; i < table.unique_constraints.size(); i++) {
            if (table.unique_constraints[i].name == s.conflict_constraint) out.push_back(i);
        }
        if (out.empty()) {
            throw Error(sql_state::kUndefinedObject,
                        fmt::format("constraint \"{}\" for table \"{}\" does not exist", s.conflict_constraint, table.name),
                        s.target.position);
        }
        return out;
    }
    if (!s.conflict_columns.empty()) {
        std::set<idx_t> wanted;
        for (const auto& name : s.conflict_columns) {
            auto c = table.find_column(name);
            if (!c) throw Error(sql_state::kUndefinedColumn, fmt::format("column \"{}\" does not exist", name), s.target.position);
            wanted.insert(*c);
        }
        for (idx_t i = 0; i < table.unique_constraints.size(); i++) {
            const auto& cols = table.unique_constraints[i].columns;
            if (std::set<idx_t>(cols.begin(), cols.end()) == wanted) out.push_back(i);
        }
        if (out.empty()) {
            throw Error(sql_state::kInvalidColumnReference,
                        "there is no unique or exclusion constraint matching the ON CONFLICT specification", s.target.position);
        }
        return out;
    }
    if (s.conflict_action == "update") {
        throw Error(sql_state::kSyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                    s.target.position);
    }
    for (idx_t i = 0; i < table.unique_constraints.size(); i++) out.push_back(i);
    return out;
}

}  // namespace

idx_t Connection::insert_on_conflict(const Statement& s, TableEntry& table, std::vector<std::unique_ptr<DataChunk>> rows) {
    const bool update = s.conflict_action == "update";
    std::vector<idx_t> arbiters = arbiter_indexes(s, table);
    Transaction& txn = transaction();
    LocalTableStorage& local = txn.local_storage(table.storage);
    const auto& indexes = table.storage->unique_indexes();
    std::vector<LogicalType> types;
    std::vector<std::string> names;
    for (const auto& c : table.columns) {
        types.push_back(c.type);
        names.push_back(c.name);
    }

    // Classify every proposed row.
    std::vector<std::unique_ptr<DataChunk>> inserts;
    std::vector<row_t> targets;                          // DO UPDATE: existing rows ...
    std::vector<std::unique_ptr<DataChunk>> excluded;    // ... and the proposed rows (one chunk per target row batch)
    std::vector<std::unordered_set<std::string>> proposed(indexes.size());  // keys of rows inserted by this command
    std::unordered_set<row_t> touched;
    for (auto& chunk : rows) {
        sel_t insert_sel[kVectorSize], update_sel[kVectorSize];
        idx_t n_insert = 0, n_update = 0;
        for (idx_t r = 0; r < chunk->size(); r++) {
            std::optional<row_t> conflict;
            bool earlier = false;
            for (idx_t ix : arbiters) {
                std::string key;
                if (!indexes[ix]->encode(*chunk, r, key)) continue;
                if (proposed[ix].count(key)) earlier = true;
                if (!conflict) conflict = local.find_conflict(ix, *chunk, r, txn.view());
            }
            if (earlier) {
                if (update) {
                    throw Error(sql_state::kCardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time");
                }
                continue;  // DO NOTHING: conflicts with a row this command proposed
            }
            if (!conflict) {
                for (idx_t ix = 0; ix < indexes.size(); ix++) {
                    std::string key;
                    if (indexes[ix]->encode(*chunk, r, key)) proposed[ix].insert(key);
                }
                insert_sel[n_insert++] = static_cast<sel_t>(r);
                continue;
            }
            if (!update) continue;
            if (!touched.insert(*conflict).second) {
                throw Error(sql_state::kCardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time");
            }
            targets.push_back(*conflict);
            update_sel[n_update++] = static_cast<sel_t>(r);
        }
        if (n_insert > 0) {
            auto out = std::make_unique<DataChunk>();
            out->initialize(types, kVectorSize);
            chunk_gather(*chunk, insert_sel, n_insert, *out);
            inserts.push_back(std::move(out));
        }
        if (n_update > 0) {
            auto out = std::make_unique<DataChunk>();
            out->initialize(types, kVectorSize);
            chunk_gather(*chunk, update_sel, n_update, *out);
            excluded.push_back(std::move(out));
        }
    }
    idx_t affected = 0;
    for (const auto& c : inserts) affected += c->size();

    if (update && !targets.empty()) {
        // SET values and the WHERE condition over [existing row..., excluded row...].
        Binder binder(catalog_);
        binder.add_row_table(0, s.target_alias.empty() ? table.name : s.target_alias, names, types);
        binder.add_row_table(1, "excluded", names, types);
        std::vector<ColumnBinding> bindings;
        for (uint32_t t = 0; t < 2; t++) {
            for (idx_t c = 0; c < types.size(); c++) bindings.push_back({t, static_cast<uint32_t>(c)});
        }
        std::vector<idx_t> set_columns;
        std::vector<ExprPtr> set_values;  // null: DEFAULT
        for (size_t k = 0; k < s.conflict_set_columns.size(); k++) {
            auto c = table.find_column(s.conflict_set_columns[k]);
            if (!c) {
                throw Error(sql_state::kUndefinedColumn,
                            fmt::format("column \"{}\" of relation \"{}\" does not exist", s.conflict_set_columns[k], table.name),
                            s.target.position);
            }
            if (std::find(set_columns.begin(), set_columns.end(), *c) != set_columns.end()) {
                throw Error(sql_state::kSyntaxError, fmt::format("multiple assignments to same column \"{}\"", s.conflict_set_columns[k]),
                            s.target.position);
            }
            set_columns.push_back(*c);
            if (!s.conflict_values[k]) {
                set_values.push_back(nullptr);
                continue;
            }
            ExprPtr e = binder.bind_row_tables_expression(*s.conflict_values[k], "ON CONFLICT DO UPDATE");
            set_values.push_back(resolve_column_bindings(*binder.cast_to(std::move(e), types[*c]), bindings));
        }
        ExprPtr where;
        if (s.conflict_where) {
            ExprPtr e = binder.bind_row_tables_expression(*s.conflict_where, "ON CONFLICT DO UPDATE");
            where = resolve_column_bindings(*binder.cast_to(std::move(e), LogicalType::boolean()), bindings);
        }
        // Existing rows, batch by batch alongside their proposed rows.
        QueryResult new_rows;
        std::vector<idx_t> given;
        for (idx_t c = 0; c < types.size(); c++) {
            auto k = std::find(set_columns.begin(), set_columns.end(), c);
            if (k == set_columns.end() || set_values[static_cast<size_t>(k - set_columns.begin())]) given.push_back(c);
        }
        std::vector<row_t> updated;
        size_t next_target = 0;
        for (auto& proposed_rows : excluded) {
            idx_t n = proposed_rows->size();
            std::vector<row_t> ids(targets.begin() + static_cast<std::ptrdiff_t>(next_target),
                                   targets.begin() + static_cast<std::ptrdiff_t>(next_target + n));
            next_target += n;
            DataChunk existing;
            existing.initialize(types, kVectorSize);
            local.fetch(ids, existing);
            DataChunk both;
            std::vector<LogicalType> both_types = types;
            both_types.insert(both_types.end(), types.begin(), types.end());
            both.initialize(both_types, kVectorSize);
            for (idx_t c = 0; c < types.size(); c++) {
                both.column(c).reference(existing.column(c));
                both.column(types.size() + c).reference(proposed_rows->column(c));
            }
            both.set_size(n);
            sel_t keep[kVectorSize];
            idx_t kept = n;
            for (idx_t i = 0; i < n; i++) keep[i] = static_cast<sel_t>(i);
            if (where) kept = ExpressionExecutor(*where).select(both, keep);
            if (kept == 0) continue;
            auto out = std::make_unique<DataChunk>();
            std::vector<LogicalType> out_types;
            for (idx_t c : given) out_types.push_back(types[c]);
            out->initialize(out_types, kVectorSize);
            for (size_t g = 0; g < given.size(); g++) {
                idx_t c = given[g];
                auto k = std::find(set_columns.begin(), set_columns.end(), c);
                if (k == set_columns.end()) {
                    vector_gather(existing.column(c), keep, kept, out->column(g));
                } else {
                    Vector value(types[c], kVectorSize);
                    ExpressionExecutor(*set_values[static_cast<size_t>(k - set_columns.begin())]).execute(both, value);
                    vector_gather(value, keep, kept, out->column(g));
                }
            }
            out->set_size(kept);
            for (idx_t i = 0; i < kept; i++) updated.push_back(ids[keep[i]]);
            new_rows.chunks.push_back(std::move(out));
        }
        // Deletes first, so the updated rows may keep or take keys (as UPDATE does).
        for (row_t id : updated) txn.delete_row(table.storage, id);
        affected += updated.size();
        if (!updated.empty()) append_rows(table, given, new_rows);
    }
    append_converted(table, inserts);
    return affected;
}

}  // namespace basalt

#include "planner/bind_context.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace basalt {

void BindContext::add_table(BoundTableRef ref, int position) {
    if (!ref.alias.empty()) {
        for (const auto& t : tables_) {
            if (t.alias == ref.alias) {
                throw Error(sql_state::kDuplicateAlias, fmt::format("table name \"{}\" specified more than once", ref.alias),
                            position);
            }
        }
    }
    tables_.push_back(std::move(ref));
}

bool BindContext::has_qualifier(const std::string& qualifier) const {
    for (const auto& t : tables_) {
        if (t.alias == qualifier) return true;
    }
    return false;
}

ExprPtr BindContext::column_of(size_t table, size_t column) {
    BoundTableRef& t = tables_[table];
    uint32_t index;
    if (t.get) {
        if (t.get_positions[column] < 0) {
            t.get_positions[column] = static_cast<int>(t.get->column_ids.size());
            t.get->column_ids.push_back(column);
        }
        index = static_cast<uint32_t>(t.get_positions[column]);
    } else {
        index = static_cast<uint32_t>(column);
    }
    return make_column_ref({t.table_index, index}, t.column_types[column], t.column_names[column]);
}

ExprPtr BindContext::row_id_of(const std::string& qualifier) {
    // The system column ctid: a base table's row id (a BIGINT here, PostgreSQL's is a tid). Not part of *.
    BoundTableRef* table = nullptr;
    for (auto& t : tables_) {
        if (!t.get || (!qualifier.empty() && t.alias != qualifier)) continue;
        if (table) return nullptr;
        table = &t;
    }
    if (!table) return nullptr;
    if (table->rowid_position < 0) {
        table->rowid_position = static_cast<int>(table->get->column_ids.size());
        table->get->column_ids.push_back(kRowIdColumn);
    }
    return make_column_ref({table->table_index, static_cast<uint32_t>(table->rowid_position)}, LogicalType::bigint(), "ctid");
}

std::optional<UsingColumn> BindContext::take_using_column(const std::string& name, size_t begin, size_t end) {
    for (size_t i = 0; i < using_columns_.size(); i++) {
        const UsingColumn& u = using_columns_[i];
        if (u.name != name) continue;
        bool inside = true;
        for (auto [t, c] : u.sources) inside = inside && t >= begin && t < end;
        if (!inside) continue;
        UsingColumn out = std::move(using_columns_[i]);
        using_columns_.erase(using_columns_.begin() + static_cast<std::ptrdiff_t>(i));
        return out;
    }
    return std::nullopt;
}

bool BindContext::is_merged(size_t table, size_t column) const {
    for (const auto& u : using_columns_) {
        for (auto [t, c] : u.sources) {
            if (t == table && c == column) return true;
        }
    }
    return false;
}

ExprPtr BindContext::resolve(const std::string& qualifier, const std::string& column, int position) {
    if (qualifier.empty()) {
        for (auto& u : using_columns_) {
            if (u.name == column) return u.expression->copy();
        }
    }
    std::optional<std::pair<size_t, size_t>> found;
    for (size_t t = 0; t < tables_.size(); t++) {
        if (!qualifier.empty() && tables_[t].alias != qualifier) continue;
        const auto& names = tables_[t].column_names;
        for (size_t c = 0; c < names.size(); c++) {
            if (names[c] != column) continue;
            if (found) {
                throw Error(sql_state::kAmbiguousColumn, fmt::format("column reference \"{}\" is ambiguous", column), position);
            }
            found = {t, c};
        }
    }
    if (!found && column == "ctid") return row_id_of(qualifier);
    if (!found) return nullptr;
    return column_of(found->first, found->second);
}

std::vector<std::pair<std::string, ExprPtr>> BindContext::star(const std::string& qualifier, int position) {
    std::vector<std::pair<std::string, ExprPtr>> out;
    if (!qualifier.empty()) {
        bool any = false;
        for (size_t t = 0; t < tables_.size(); t++) {
            if (tables_[t].alias != qualifier) continue;
            any = true;
            for (size_t c = 0; c < tables_[t].column_names.size(); c++) out.emplace_back(tables_[t].column_names[c], column_of(t, c));
        }
        if (!any) {
            throw Error(sql_state::kUndefinedTable, fmt::format("missing FROM-clause entry for table \"{}\"", qualifier), position);
        }
        return out;
    }
    for (auto& u : using_columns_) out.emplace_back(u.name, u.expression->copy());
    for (size_t t = 0; t < tables_.size(); t++) {
        for (size_t c = 0; c < tables_[t].column_names.size(); c++) {
            if (is_merged(t, c)) continue;
            out.emplace_back(tables_[t].column_names[c], column_of(t, c));
        }
    }
    return out;
}

}  // namespace basalt

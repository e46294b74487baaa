#include "catalog/catalog.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace basalt {

std::optional<idx_t> TableEntry::find_column(const std::string& column) const {
    for (idx_t i = 0; i < columns.size(); i++) {
        if (columns[i].name == column) return i;
    }
    return std::nullopt;
}

Catalog::Catalog(std::string default_schema) : default_schema_(std::move(default_schema)) {
    schemas_[default_schema_].name = default_schema_;
}

SchemaEntry* Catalog::find_schema(const std::string& name) {
    auto it = schemas_.find(name.empty() ? default_schema_ : name);
    return it == schemas_.end() ? nullptr : &it->second;
}

SchemaEntry& Catalog::schema_or_throw(const std::string& name) {
    SchemaEntry* s = find_schema(name);
    if (!s) throw Error(sql_state::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", name));
    return *s;
}

void Catalog::create_schema(const std::string& name, bool if_not_exists) {
    if (schemas_.count(name)) {
        if (if_not_exists) return;
        throw Error(sql_state::kDuplicateSchema, fmt::format("schema \"{}\" already exists", name));
    }
    schemas_[name].name = name;
}

void Catalog::drop_schema(const std::string& name, bool if_exists, bool cascade) {
    auto it = schemas_.find(name);
    if (it == schemas_.end()) {
        if (if_exists) return;
        throw Error(sql_state::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", name));
    }
    if (!cascade && (!it->second.tables.empty() || !it->second.views.empty())) {
        throw Error(sql_state::kDependentObjectsStillExist,
                    fmt::format("cannot drop schema {} because other objects depend on it", name));
    }
    schemas_.erase(it);
}

std::shared_ptr<TableEntry> Catalog::find_table(const std::string& schema, const std::string& name) {
    SchemaEntry* s = find_schema(schema);
    if (!s) return nullptr;
    auto it = s->tables.find(name);
    return it == s->tables.end() ? nullptr : it->second;
}

std::shared_ptr<ViewEntry> Catalog::find_view(const std::string& schema, const std::string& name) {
    SchemaEntry* s = find_schema(schema);
    if (!s) return nullptr;
    auto it = s->views.find(name);
    return it == s->views.end() ? nullptr : it->second;
}

void Catalog::create_table(std::shared_ptr<TableEntry> table, bool if_not_exists) {
    SchemaEntry& s = schema_or_throw(table->schema);
    if (s.tables.count(table->name) || s.views.count(table->name)) {
        if (if_not_exists) return;
        throw Error(sql_state::kDuplicateTable, fmt::format("relation \"{}\" already exists", table->name));
    }
    table->schema = s.name;
    s.tables[table->name] = std::move(table);
}

void Catalog::create_view(std::shared_ptr<ViewEntry> view, bool or_replace) {
    SchemaEntry& s = schema_or_throw(view->schema);
    if (s.tables.count(view->name) || (s.views.count(view->name) && !or_replace)) {
        throw Error(sql_state::kDuplicateTable, fmt::format("relation \"{}\" already exists", view->name));
    }
    view->schema = s.name;
    s.views[view->name] = std::move(view);
}

void Catalog::drop_table(const std::string& schema, const std::string& name, bool if_exists) {
    SchemaEntry* s = find_schema(schema);
    if (!s || !s->tables.erase(name)) {
        if (if_exists) return;
        if (s && s->views.count(name)) {
            throw Error(sql_state::kWrongObjectType, fmt::format("\"{}\" is not a table", name));
        }
        throw Error(sql_state::kUndefinedTable, fmt::format("table \"{}\" does not exist", name));
    }
}

void Catalog::drop_view(const std::string& schema, const std::string& name, bool if_exists) {
    SchemaEntry* s = find_schema(schema);
    if (!s || !s->views.erase(name)) {
        if (if_exists) return;
        if (s && s->tables.count(name)) {
            throw Error(sql_state::kWrongObjectType, fmt::format("\"{}\" is not a view", name));
        }
        throw Error(sql_state::kUndefinedTable, fmt::format("view \"{}\" does not exist", name));
    }
}

void Catalog::rename_table(const std::string& schema, const std::string& name, const std::string& new_name) {
    SchemaEntry& s = schema_or_throw(schema);
    auto it = s.tables.find(name);
    if (it == s.tables.end()) throw Error(sql_state::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name));
    if (s.tables.count(new_name) || s.views.count(new_name)) {
        throw Error(sql_state::kDuplicateTable, fmt::format("relation \"{}\" already exists", new_name));
    }
    auto entry = it->second;
    s.tables.erase(it);
    entry->name = new_name;
    s.tables[new_name] = entry;
}

std::vector<std::shared_ptr<TableEntry>> Catalog::all_tables() {
    std::vector<std::shared_ptr<TableEntry>> out;
    for (auto& [_, s] : schemas_) {
        for (auto& [__, t] : s.tables) out.push_back(t);
    }
    return out;
}

std::vector<std::string> Catalog::schema_names() const {
    std::vector<std::string> out;
    for (const auto& [name, _] : schemas_) out.push_back(name);
    return out;
}

std::vector<std::shared_ptr<ViewEntry>> Catalog::all_views() {
    std::vector<std::shared_ptr<ViewEntry>> out;
    for (auto& [_, s] : schemas_) {
        for (auto& [__, v] : s.views) out.push_back(v);
    }
    return out;
}

}  // namespace basalt

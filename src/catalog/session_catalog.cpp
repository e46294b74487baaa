#include "catalog/session_catalog.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace basalt {

SessionCatalog::SessionCatalog(Catalog& shared) : shared_(shared) {}

SchemaEntry* SessionCatalog::find_schema(const std::string& name) {
    return is_temporary_schema(name) ? temporary_.find_schema(name) : shared_.find_schema(name);
}

Catalog& SessionCatalog::catalog_of(const std::string& schema, const std::string& name) {
    if (is_temporary_schema(schema)) return temporary_;
    if (schema.empty() && (temporary_.find_table("", name) || temporary_.find_view("", name))) return temporary_;
    return shared_;
}

std::shared_ptr<TableEntry> SessionCatalog::find_table(const std::string& schema, const std::string& name) {
    Catalog& catalog = catalog_of(schema, name);
    auto table = catalog.find_table(schema, name);
    if (table && &catalog == &temporary_) temporary_lookups_++;
    return table;
}

std::shared_ptr<ViewEntry> SessionCatalog::find_view(const std::string& schema, const std::string& name) {
    Catalog& catalog = catalog_of(schema, name);
    auto view = catalog.find_view(schema, name);
    if (view && &catalog == &temporary_) temporary_lookups_++;
    return view;
}

void SessionCatalog::create_table(std::shared_ptr<TableEntry> table, bool if_not_exists) {
    if (is_temporary_schema(table->schema)) {
        temporary_.create_table(std::move(table), if_not_exists);
    } else {
        shared_.create_table(std::move(table), if_not_exists);
    }
}

void SessionCatalog::create_view(std::shared_ptr<ViewEntry> view, bool or_replace) {
    if (is_temporary_schema(view->schema)) {
        temporary_.create_view(std::move(view), or_replace);
    } else {
        shared_.create_view(std::move(view), or_replace);
    }
}

void SessionCatalog::drop_table(const std::string& schema, const std::string& name, bool if_exists) {
    catalog_of(schema, name).drop_table(schema, name, if_exists);
}

void SessionCatalog::drop_view(const std::string& schema, const std::string& name, bool if_exists) {
    catalog_of(schema, name).drop_view(schema, name, if_exists);
}

void SessionCatalog::rename_table(const std::string& schema, const std::string& name, const std::string& new_name) {
    catalog_of(schema, name).rename_table(schema, name, new_name);
}

void SessionCatalog::create_schema(const std::string& name, bool if_not_exists) {
    if (name.starts_with("pg_")) {
        throw Error(sql_state::kReservedName,
                    fmt::format("unacceptable schema name \"{}\": the prefix \"pg_\" is reserved for system schemas", name));
    }
    shared_.create_schema(name, if_not_exists);
}

void SessionCatalog::drop_schema(const std::string& name, bool if_exists, bool cascade) {
    if (is_temporary_schema(name)) {
        throw Error(sql_state::kFeatureNotSupported, "cannot drop the temporary schema (drop its tables instead)");
    }
    shared_.drop_schema(name, if_exists, cascade);
}

std::vector<std::shared_ptr<TableEntry>> SessionCatalog::all_tables() {
    auto out = shared_.all_tables();
    for (auto& t : temporary_.all_tables()) out.push_back(std::move(t));
    return out;
}

std::vector<std::shared_ptr<ViewEntry>> SessionCatalog::all_views() {
    auto out = shared_.all_views();
    for (auto& v : temporary_.all_views()) out.push_back(std::move(v));
    return out;
}

std::vector<std::pair<uint64_t, int64_t>> SessionCatalog::snapshots() const {
    return shared_.list_snapshots ? shared_.list_snapshots() : std::vector<std::pair<uint64_t, int64_t>>{};
}

}  // namespace basalt

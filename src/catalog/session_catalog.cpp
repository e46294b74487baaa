#include "catalog/session_catalog.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace basalt {

SessionCatalog::SessionCatalog(Catalog& shared, std::function<Transaction&()> transaction)
    : shared_(shared), transaction_(std::move(transaction)) {}

const TransactionView* SessionCatalog::view() {
    if (replay_stamp_ || !transaction_) return nullptr;
    return &transaction_().view();
}

CatalogWriter SessionCatalog::writer() {
    if (replay_stamp_) return CatalogWriter{nullptr, *replay_stamp_};
    if (!transaction_) throw Error(sql_state::kInternalError, "a catalog change without a transaction");
    return CatalogWriter{&transaction_(), 0};
}

std::shared_ptr<SchemaEntry> SessionCatalog::find_schema(const std::string& name) {
    return is_temporary_schema(name) ? temporary_.find_schema(name, view()) : shared_.find_schema(name, view());
}

Catalog& SessionCatalog::catalog_of(const std::string& schema, const std::string& name) {
    if (is_temporary_schema(schema)) return temporary_;
    if (schema.empty() && (temporary_.find_table("", name, view()) || temporary_.find_view("", name, view()))) return temporary_;
    return shared_;
}

std::shared_ptr<TableEntry> SessionCatalog::find_table(const std::string& schema, const std::string& name) {
    Catalog& catalog = catalog_of(schema, name);
    auto table = catalog.find_table(schema, name, view());
    if (table && &catalog == &temporary_) temporary_lookups_++;
    return table;
}

std::shared_ptr<ViewEntry> SessionCatalog::find_view(const std::string& schema, const std::string& name) {
    Catalog& catalog = catalog_of(schema, name);
    auto found = catalog.find_view(schema, name, view());
    if (found && &catalog == &temporary_) temporary_lookups_++;
    return found;
}

void SessionCatalog::create_table(std::shared_ptr<TableEntry> table, bool if_not_exists) {
    Catalog& catalog = is_temporary_schema(table->schema) ? temporary_ : shared_;
    catalog.create_table(std::move(table), if_not_exists, writer());
}

void SessionCatalog::create_view(std::shared_ptr<ViewEntry> created, bool or_replace) {
    Catalog& catalog = is_temporary_schema(created->schema) ? temporary_ : shared_;
    catalog.create_view(std::move(created), or_replace, writer());
}

void SessionCatalog::drop_table(const std::string& schema, const std::string& name, bool if_exists) {
    catalog_of(schema, name).drop_table(schema, name, if_exists, writer());
}

void SessionCatalog::drop_view(const std::string& schema, const std::string& name, bool if_exists) {
    catalog_of(schema, name).drop_view(schema, name, if_exists, writer());
}

void SessionCatalog::replace_table(const std::string& schema, const std::string& name, std::shared_ptr<TableEntry> changed) {
    catalog_of(schema, name).replace_table(schema, name, std::move(changed), writer());
}

std::shared_ptr<TableEntry> SessionCatalog::alter_in_place(const std::string& schema, const std::string& name, bool moves_columns) {
    return catalog_of(schema, name).alter_in_place(schema, name, moves_columns, writer());
}

void SessionCatalog::create_schema(const std::string& name, bool if_not_exists) {
    if (name.starts_with("pg_")) {
        throw Error(sql_state::kReservedName,
                    fmt::format("unacceptable schema name \"{}\": the prefix \"pg_\" is reserved for system schemas", name));
    }
    shared_.create_schema(name, if_not_exists, writer());
}

void SessionCatalog::drop_schema(const std::string& name, bool if_exists, bool cascade) {
    if (is_temporary_schema(name)) {
        throw Error(sql_state::kFeatureNotSupported, "cannot drop the temporary schema (drop its tables instead)");
    }
    shared_.drop_schema(name, if_exists, cascade, writer());
}

std::vector<std::shared_ptr<TableEntry>> SessionCatalog::all_tables() {
    auto out = shared_.all_tables(view());
    for (auto& t : temporary_.all_tables(view())) out.push_back(std::move(t));
    return out;
}

std::vector<std::shared_ptr<ViewEntry>> SessionCatalog::all_views() {
    auto out = shared_.all_views(view());
    for (auto& v : temporary_.all_views(view())) out.push_back(std::move(v));
    return out;
}

std::vector<std::pair<uint64_t, int64_t>> SessionCatalog::snapshots() const {
    return shared_.list_snapshots ? shared_.list_snapshots() : std::vector<std::pair<uint64_t, int64_t>>{};
}

std::vector<std::pair<std::string, int64_t>> SessionCatalog::cache_statistics() const {
    return shared_.list_cache_statistics ? shared_.list_cache_statistics() : std::vector<std::pair<std::string, int64_t>>{};
}

void SessionCatalog::prune(txn_t oldest) {
    shared_.prune(oldest);
    temporary_.prune(oldest);
}

}  // namespace basalt

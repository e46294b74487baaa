// The catalog as one session sees it: the session's temporary tables and views (schema pg_temp), then the
// database's catalog, both as the session's transaction sees them (Catalog invariant 1). As in PostgreSQL, an
// unqualified name finds a temporary relation before a permanent one of the same name, and pg_temp.name names
// only the temporary one.
//   (1) Temporary objects belong to the session: no other session sees them, they are never written to the log
//       or to column files (their DataTable is marked temporary), and they go when the session ends.
//   (2) A permanent view never reads a temporary relation (it could not be recreated from the log after the
//       session ends); CREATE VIEW makes such a view temporary, as PostgreSQL does (temporary_lookups tells).
//   (3) Changes are made by the session's transaction; while a database opens, replayed statements change the
//       catalog as committed at the stamp of their checkpoint or log record (set_replay_stamp).
#pragma once

#include <functional>
#include <optional>

#include "catalog/catalog.hpp"
#include "types/value.hpp"

namespace basalt {

class SessionCatalog {
public:
    static constexpr const char* kTemporarySchema = "pg_temp";

    // transaction: the session's current transaction (started if need be); none: read the newest committed
    // versions, change nothing.
    explicit SessionCatalog(Catalog& shared, std::function<Transaction&()> transaction = nullptr);

    Catalog& shared() { return shared_; }
    static bool is_temporary_schema(const std::string& schema) { return schema == kTemporarySchema; }
    bool is_temporary(const TableEntry& table) const { return is_temporary_schema(table.schema); }
    void set_replay_stamp(std::optional<txn_t> stamp) { replay_stamp_ = stamp; }
    bool replaying() const { return replay_stamp_.has_value(); }

    // schema empty: temporary first, then the default schema.
    std::shared_ptr<SchemaEntry> find_schema(const std::string& name);
    std::shared_ptr<TableEntry> find_table(const std::string& schema, const std::string& name);
    std::shared_ptr<ViewEntry> find_view(const std::string& schema, const std::string& name);
    // Where a relation (table or view) of that name lives: the temporary catalog or the shared one.
    Catalog& catalog_of(const std::string& schema, const std::string& name);

    // Routed by the entry's schema (pg_temp: the session's).
    void create_table(std::shared_ptr<TableEntry> table, bool if_not_exists);
    void create_view(std::shared_ptr<ViewEntry> view, bool or_replace);
    void drop_table(const std::string& schema, const std::string& name, bool if_exists);
    void drop_view(const std::string& schema, const std::string& name, bool if_exists);
    void replace_table(const std::string& schema, const std::string& name, std::shared_ptr<TableEntry> changed);
    std::shared_ptr<TableEntry> alter_in_place(const std::string& schema, const std::string& name, bool moves_columns);
    // as_of(): the snapshot a snapshot id or timestamp names (checked against retention; set by the session).
    std::function<txn_t(const Value&)> resolve_snapshot;
    // now(): when the session's transaction started, in microseconds since the epoch (0: unknown).
    int64_t transaction_time = 0;
    // CREATE / DROP SCHEMA: the shared catalog's (names starting with pg_ are reserved: 42939).
    void create_schema(const std::string& name, bool if_not_exists);
    void drop_schema(const std::string& name, bool if_exists, bool cascade);

    std::vector<std::shared_ptr<TableEntry>> all_tables();
    std::vector<std::shared_ptr<TableEntry>> temporary_tables() { return temporary_.all_tables(view()); }
    std::vector<std::shared_ptr<ViewEntry>> all_views();
    std::vector<std::pair<uint64_t, int64_t>> snapshots() const;
    std::vector<std::pair<std::string, int64_t>> cache_statistics() const;

    // How many lookups have found a temporary relation so far (invariant 2: compare before and after binding).
    uint64_t temporary_lookups() const { return temporary_lookups_; }
    // Drops catalog versions no running transaction reads (Catalog invariant 4).
    void prune(txn_t oldest);

private:
    const TransactionView* view();
    CatalogWriter writer();

    Catalog& shared_;
    Catalog temporary_{kTemporarySchema};
    std::function<Transaction&()> transaction_;
    std::optional<txn_t> replay_stamp_;
    uint64_t temporary_lookups_ = 0;
};

}  // namespace basalt

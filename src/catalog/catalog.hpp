// Schemas, tables and views by name, with their versions. Names are stored as the parser gives them
// (unquoted identifiers are already lower-cased by PostgreSQL's grammar). The default schema is "public", as in
// PostgreSQL.
//   (1) Every change (CREATE, DROP, ALTER) adds a version of the entry, stamped like a row version: with the
//       changing transaction's id until it commits, with its commit id from then on (Transaction invariant 3).
//       A reader sees the newest version its TransactionView sees; without a view, the newest committed one (the
//       checkpoint's view). So DDL is transactional: ROLLBACK removes the transaction's versions, and other
//       sessions see a change only once it is committed and in their snapshot.
//   (2) A change is made only on the newest version of an entry: when another transaction's uncommitted change
//       or a change committed after the writer's snapshot is in the way, the writer gets 40001.
//   (3) A changed table entry is a copy sharing the same DataTable; a DROP or ALTER of a table stamps its
//       DataTable (schema_change), so no transaction writes rows through a definition it should not see
//       (Transaction invariant 4).
//   (4) Versions no running transaction can see are dropped by prune().
//   (5) Lookups and changes take the catalog's own lock; entries are handed out as shared pointers and never
//       changed after they are published, except by ALTERs that rewrite storage in place (see
//       Catalog::alter_in_place), which run alone.
//   (6) Each table definition links to the one it replaced, with the commit it holds since, so as_of reads a
//       table with the columns it had at the snapshot (for as long as the process runs: a reopened database
//       starts its history at the definitions in its manifest and log).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "storage/data_table.hpp"
#include "storage/transaction.hpp"
#include "types/logical_type.hpp"

namespace basalt {

struct ColumnDefinition {
    std::string name;
    LogicalType type;
    bool not_null = false;
    std::string default_sql;  // empty when no default; SQL text of the expression otherwise
};

// PRIMARY KEY / UNIQUE: enforced through a UniqueIndex of the same name in the table's storage.
struct UniqueConstraint {
    std::string name;
    std::vector<idx_t> columns;
    bool primary = false;
};

// CHECK (condition): kept as SQL text and bound against the table's columns when rows are written.
struct CheckConstraint {
    std::string name;
    std::string sql;
};

struct TableEntry {
    std::string schema;
    std::string name;
    std::vector<ColumnDefinition> columns;
    std::vector<UniqueConstraint> unique_constraints;  // primary key first, if any
    std::vector<CheckConstraint> checks;
    // Physical layout, applied when row groups are written or compacted:
    std::string partition_sql;                // PARTITION BY LIST (expression): one partition per value
    std::vector<std::string> cluster_by;      // WITH (cluster_by = 'a, b'): sorted within row groups
    std::string ttl_column;                   // WITH (ttl_column = 'day', ttl = '90 days'): rows whose day is
    std::string ttl;                          // older than now - ttl are deleted at each checkpoint
    std::string on_commit;                    // temporary tables: "delete_rows" or "drop" at each commit
    std::shared_ptr<DataTable> storage;
    // Time travel (invariant 6): the definition this one replaced (nullptr: none), since when this one holds
    // (the commit that made it; the id of the transaction making it until then; a copy shares it until
    // Catalog::start_definition gives it its own), and whether the storage's columns were dropped or retyped after
    // this definition (its rows can then no longer be read through it; set only by ALTERs that run alone).
    std::shared_ptr<TableEntry> previous;
    std::shared_ptr<std::atomic<txn_t>> since;
    bool columns_moved = false;

    std::optional<idx_t> find_column(const std::string& column) const;
    txn_t since_stamp() const { return since ? since->load(std::memory_order_acquire) : 0; }
    // The definition a reader of `snapshot` uses: the newest one made at or before it (the oldest one known when
    // the table is younger). 0A000 when that definition's columns were dropped or retyped since.
    std::shared_ptr<TableEntry> definition_at(const std::shared_ptr<TableEntry>& self, txn_t snapshot) const;
};

struct ViewEntry {
    std::string schema;
    std::string name;
    std::string sql;                         // the SELECT as written
    std::vector<std::string> column_aliases;  // CREATE VIEW v(a, b) AS ...
};

struct SchemaEntry {
    std::string name;
};

// Who makes a catalog change: a transaction (the change is pending until it commits), or the replay of a
// checkpoint or log record while the database opens (the change is committed at once, stamped `stamp`).
struct CatalogWriter {
    Transaction* transaction = nullptr;
    txn_t stamp = 0;

    const TransactionView* view() const { return transaction ? &transaction->view() : nullptr; }
};

class Catalog {
public:
    static constexpr const char* kDefaultSchema = "public";
    // default_schema: the schema an empty schema name means ("pg_temp" for a session's temporary objects).
    explicit Catalog(std::string default_schema = kDefaultSchema);

    // Lookups (invariant 1; view null: the newest committed versions). schema empty means the default schema.
    std::shared_ptr<SchemaEntry> find_schema(const std::string& name, const TransactionView* view = nullptr) const;
    std::shared_ptr<TableEntry> find_table(const std::string& schema, const std::string& name, const TransactionView* view = nullptr) const;
    std::shared_ptr<ViewEntry> find_view(const std::string& schema, const std::string& name, const TransactionView* view = nullptr) const;
    // The table whose storage this is, as view sees it (nullptr when it sees none: dropped).
    std::shared_ptr<TableEntry> find_table_by_storage(const DataTable* storage, const TransactionView* view = nullptr) const;
    std::vector<std::shared_ptr<TableEntry>> all_tables(const TransactionView* view = nullptr) const;
    std::vector<std::shared_ptr<ViewEntry>> all_views(const TransactionView* view = nullptr) const;
    std::vector<std::string> schema_names(const TransactionView* view = nullptr) const;

    // Changes (invariants 1-3). Errors: 42P06/42P07 (exists), 3F000/42P01 (missing), 42809 (wrong kind),
    // 2BP01 (schema not empty), 40001 (invariant 2).
    void create_schema(const std::string& name, bool if_not_exists, const CatalogWriter& writer);
    void drop_schema(const std::string& name, bool if_exists, bool cascade, const CatalogWriter& writer);
    void create_table(std::shared_ptr<TableEntry> table, bool if_not_exists, const CatalogWriter& writer);
    void create_view(std::shared_ptr<ViewEntry> view, bool or_replace, const CatalogWriter& writer);
    void drop_table(const std::string& schema, const std::string& name, bool if_exists, const CatalogWriter& writer);
    void drop_view(const std::string& schema, const std::string& name, bool if_exists, const CatalogWriter& writer);
    // ALTER TABLE: `changed` (a copy of the entry found as schema.name, with the change made, possibly a new
    // name) becomes its newest version.
    void replace_table(const std::string& schema, const std::string& name, std::shared_ptr<TableEntry> changed,
                       const CatalogWriter& writer);
    // An ALTER that rewrites storage in place (add, drop or widen a column) changes the committed entry
    // itself: it needs a table with one version that no transaction but the writer has changed (else 55006).
    // The definition before the change joins the entry's history (invariant 6), unreadable when
    // `moves_columns` (a column is dropped or retyped). Returns the entry to change.
    std::shared_ptr<TableEntry> alter_in_place(const std::string& schema, const std::string& name, bool moves_columns,
                                               const CatalogWriter& writer);

    // Invariant 4: drops versions that no snapshot at or after `oldest` reads.
    void prune(txn_t oldest);
    // Back to an empty catalog (a read-only open starting over).
    void clear();

    // The database's snapshots (commit id, commit time in microseconds) for basalt_snapshots(); set by the
    // Database that owns the catalog.
    std::function<std::vector<std::pair<uint64_t, int64_t>>()> list_snapshots;
    // The buffer cache's counters and sizes, as (name, value), for basalt_buffer_cache(); set by the Database.
    std::function<std::vector<std::pair<std::string, int64_t>>()> list_cache_statistics;

private:
    // A table or a view (both null: the name was dropped).
    struct Relation {
        std::shared_ptr<TableEntry> table;
        std::shared_ptr<ViewEntry> view;
        bool exists() const { return table || view; }
    };
    template <class T>
    struct Version {
        txn_t stamp;
        T value;
    };
    using RelationKey = std::pair<std::string, std::string>;
    using RelationVersions = std::vector<Version<Relation>>;
    using SchemaVersions = std::vector<Version<std::shared_ptr<SchemaEntry>>>;

    std::string schema_name(const std::string& name) const { return name.empty() ? default_schema_ : name; }
    template <class T>
    static const Version<T>* visible(const std::vector<Version<T>>& versions, const TransactionView* view);
    const Relation* visible_relation(const RelationKey& key, const TransactionView* view) const;
    std::shared_ptr<SchemaEntry> visible_schema(const std::string& name, const TransactionView* view) const;
    // Invariant 2 for one entry's versions (what names it, for the error).
    template <class T>
    static void check_writable(const std::vector<Version<T>>& versions, const CatalogWriter& writer, const std::string& what);
    // Adds a version (and, for a transaction, the pending change that stamps or removes it).
    template <class Key, class T>
    void push_version(std::map<Key, std::vector<Version<T>>>& versions, const Key& key, T value, const CatalogWriter& writer);
    void push_relation(const RelationKey& key, Relation relation, const CatalogWriter& writer);
    void push_schema(const std::string& name, std::shared_ptr<SchemaEntry> schema, const CatalogWriter& writer);
    // Invariant 6: the new definition holds from the writer's commit on.
    static void start_definition(TableEntry& table, const CatalogWriter& writer);
    // Invariant 3: stamps storage as changed by the writer (undone with it).
    static void stamp_storage(const std::shared_ptr<DataTable>& storage, const CatalogWriter& writer);
    void drop_relation_locked(const RelationKey& key, const Relation& current, const CatalogWriter& writer);
    std::shared_ptr<SchemaEntry> schema_for_create(const std::string& name, const CatalogWriter& writer) const;

    std::string default_schema_;
    mutable std::shared_mutex mutex_;
    std::map<std::string, SchemaVersions> schemas_;
    std::map<RelationKey, RelationVersions> relations_;
};

}  // namespace basalt

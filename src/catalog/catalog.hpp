// Schemas, tables and views by name. Names are stored as the parser gives them (unquoted identifiers are
// already lower-cased by PostgreSQL's grammar). The default schema is "public", as in PostgreSQL.
//   (1) The catalog is changed only by DDL, which the Connection runs alone (no concurrent readers yet).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/data_table.hpp"
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
    std::shared_ptr<DataTable> storage;

    std::optional<idx_t> find_column(const std::string& column) const;
};

struct ViewEntry {
    std::string schema;
    std::string name;
    std::string sql;                         // the SELECT as written
    std::vector<std::string> column_aliases;  // CREATE VIEW v(a, b) AS ...
};

struct SchemaEntry {
    std::string name;
    std::map<std::string, std::shared_ptr<TableEntry>> tables;
    std::map<std::string, std::shared_ptr<ViewEntry>> views;
};

class Catalog {
public:
    static constexpr const char* kDefaultSchema = "public";
    // default_schema: the schema an empty schema name means ("pg_temp" for a session's temporary objects).
    explicit Catalog(std::string default_schema = kDefaultSchema);

    SchemaEntry* find_schema(const std::string& name);
    void create_schema(const std::string& name, bool if_not_exists);
    void drop_schema(const std::string& name, bool if_exists, bool cascade);

    // schema empty means the default schema. Throw 42P01/3F000 when missing unless noted.
    std::shared_ptr<TableEntry> find_table(const std::string& schema, const std::string& name);
    std::shared_ptr<ViewEntry> find_view(const std::string& schema, const std::string& name);
    void create_table(std::shared_ptr<TableEntry> table, bool if_not_exists);
    void create_view(std::shared_ptr<ViewEntry> view, bool or_replace);
    void drop_table(const std::string& schema, const std::string& name, bool if_exists);
    void drop_view(const std::string& schema, const std::string& name, bool if_exists);
    void rename_table(const std::string& schema, const std::string& name, const std::string& new_name);
    std::vector<std::shared_ptr<TableEntry>> all_tables();
    std::vector<std::string> schema_names() const;
    // The database's snapshots (commit id, commit time in microseconds) for basalt_snapshots(); set by the
    // Database that owns the catalog.
    std::function<std::vector<std::pair<uint64_t, int64_t>>()> list_snapshots;
    std::vector<std::shared_ptr<ViewEntry>> all_views();

private:
    SchemaEntry& schema_or_throw(const std::string& name);
    std::string default_schema_;
    std::map<std::string, SchemaEntry> schemas_;
};

}  // namespace basalt

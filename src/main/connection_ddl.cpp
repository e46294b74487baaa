// CREATE / DROP / ALTER of tables, views and schemas.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "main/connection.hpp"
#include "parser/ast_walk.hpp"
#include "parser/parser.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {

// Transactions holding uncommitted rows of a table must finish before another one drops or alters it: their rows
// were made for the old definition (the writer's own rows are its business).
void require_no_pending_writers(const TableEntry& table, Transaction& self, const char* action) {
    if (table.storage->pending_writers() > (self.touches(table.storage.get()) ? 1 : 0)) {
        throw Error(sql_state::kObjectInUse,
                    fmt::format("cannot {} \"{}\" because it is being used by active transactions", action, table.name));
    }
}

QueryResult tag(const char* t) {
    QueryResult r;
    r.command_tag = t;
    return r;
}

// ALTER COLUMN SET/DROP NOT NULL and SET/DROP DEFAULT on an entry (SET NOT NULL's check of the rows already
// there is the caller's).
void set_column_attribute(TableEntry& entry, const AlterCommand& cmd) {
    auto idx = entry.find_column(cmd.column_name);
    if (!idx) throw Error(sql_state::kUndefinedColumn, fmt::format("column \"{}\" does not exist", cmd.column_name));
    ColumnDefinition& column = entry.columns[*idx];
    if (cmd.kind == AlterKind::kSetDefault) {
        column.default_sql = cmd.column.default_sql;
        return;
    }
    if (cmd.kind == AlterKind::kDropNotNull) {
        for (const auto& key : entry.unique_constraints) {
            if (key.primary && std::find(key.columns.begin(), key.columns.end(), *idx) != key.columns.end()) {
                throw Error(sql_state::kInvalidTableDefinition, fmt::format("column \"{}\" is in a primary key", column.name));
            }
        }
    }
    column.not_null = cmd.kind == AlterKind::kSetNotNull;
}

// The schema a CREATE puts its relation in: pg_temp for CREATE TEMP (42P16 when another schema is named), else
// the one named, else the default schema (never pg_temp: CREATE TABLE t makes public.t even while a temporary
// t exists, as in PostgreSQL).
std::string creation_schema(const Statement& s) {
    if (s.temporary && !s.target.schema.empty() && !SessionCatalog::is_temporary_schema(s.target.schema)) {
        throw Error(sql_state::kInvalidTableDefinition, "cannot create temporary relation in non-temporary schema", s.target.position);
    }
    if (s.temporary) return SessionCatalog::kTemporarySchema;
    return s.target.schema.empty() ? Catalog::kDefaultSchema : s.target.schema;
}

}  // namespace

std::string table_definition_sql(const TableEntry& table) {
    std::string sql = "CREATE TABLE " + quote_identifier(table.schema) + "." + quote_identifier(table.name) + " (";
    for (size_t i = 0; i < table.columns.size(); i++) {
        const auto& c = table.columns[i];
        if (i > 0) sql += ", ";
        sql += quote_identifier(c.name) + " " + c.type.to_string();
        if (c.not_null) sql += " NOT NULL";
        if (!c.default_sql.empty()) sql += " DEFAULT " + c.default_sql;
    }
    for (const auto& u : table.unique_constraints) {
        sql += ", CONSTRAINT " + quote_identifier(u.name) + (u.primary ? " PRIMARY KEY (" : " UNIQUE (");
        for (size_t i = 0; i < u.columns.size(); i++) sql += (i ? ", " : "") + quote_identifier(table.columns[u.columns[i]].name);
        sql += ")";
    }
    for (const auto& c : table.checks) sql += ", CONSTRAINT " + quote_identifier(c.name) + " CHECK (" + c.sql + ")";
    sql += ")";
    if (!table.partition_sql.empty()) sql += " PARTITION BY LIST (" + table.partition_sql + ")";
    std::vector<std::string> options;
    if (!table.cluster_by.empty()) {
        std::string list;
        for (const auto& c : table.cluster_by) list += (list.empty() ? "" : ", ") + c;
        options.push_back("cluster_by = " + quote_literal(list));
    }
    if (!table.ttl.empty()) {
        options.push_back("ttl_column = " + quote_literal(table.ttl_column));
        options.push_back("ttl = " + quote_literal(table.ttl));
    }
    for (size_t i = 0; i < options.size(); i++) sql += (i == 0 ? " WITH (" : ", ") + options[i];
    if (!options.empty()) sql += ")";
    return sql;
}

QueryResult Connection::execute_create_table(const Statement& s) {
    SessionCatalog& catalog = catalog_;
    const std::string schema = creation_schema(s);
    const bool temporary = SessionCatalog::is_temporary_schema(schema);
    if (!catalog.find_schema(schema)) {
        throw Error(sql_state::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", s.target.schema), s.target.position);
    }
    if (s.if_not_exists && (catalog.find_table(schema, s.target.name) || catalog.find_view(schema, s.target.name))) {
        return tag("CREATE TABLE");
    }
    auto table = std::make_shared<TableEntry>();
    table->schema = schema;
    table->name = s.target.name;
    table->on_commit = s.on_commit;
    Binder binder(catalog);
    std::set<std::string> names;
    std::vector<std::vector<std::string>> keys = s.unique_keys;
    std::vector<std::string> key_names = s.unique_key_names;
    bool has_primary_key = s.has_primary_key;
    for (const auto& c : s.column_defs) {
        if (!names.insert(c.name).second) {
            throw Error(sql_state::kDuplicateColumn, fmt::format("column \"{}\" specified more than once", c.name), c.position);
        }
        ColumnDefinition def;
        def.name = c.name;
        def.type = binder.bind_type(c.type);
        def.not_null = c.not_null;
        def.default_sql = c.default_sql;
        if (c.default_value) {
            // Check now that the default binds and converts to the column type.
            ExprPtr e = binder.bind_constant_expression(*c.default_value);
            if (!e->unknown_literal && !assignment_cast_allowed(e->type, def.type)) {
                throw Error(sql_state::kDatatypeMismatch,
                            fmt::format("column \"{}\" is of type {} but default expression is of type {}", c.name,
                                        pg_type_name(def.type), pg_type_name(e->type)),
                            c.position);
            }
            binder.cast_to(std::move(e), def.type);
        }
        if (c.primary_key) {
            if (has_primary_key) {
                throw Error(sql_state::kInvalidTableDefinition,
                            fmt::format("multiple primary keys for table \"{}\" are not allowed", s.target.name), c.position);
            }
            has_primary_key = true;
            keys.insert(keys.begin(), {c.name});
            key_names.insert(key_names.begin(), "");
        }
        if (c.unique) {
            keys.push_back({c.name});
            key_names.push_back("");
        }
        table->columns.push_back(def);
    }
    if (table->columns.empty()) throw Error(sql_state::kSyntaxError, "a table needs at least one column", s.target.position);
    std::vector<LogicalType> types;
    for (const auto& c : table->columns) types.push_back(c.type);
    table->storage = std::make_shared<DataTable>(types);
    if (temporary) table->storage->mark_temporary();
    std::set<std::string> constraint_names;
    auto unique_name = [&](std::string name) {
        // PostgreSQL appends a number when a generated name is taken.
        std::string candidate = name;
        for (int n = 1; !constraint_names.insert(candidate).second; n++) candidate = name + std::to_string(n);
        return candidate;
    };
    for (size_t k = 0; k < keys.size(); k++) {
        UniqueConstraint constraint;
        constraint.primary = k == 0 && has_primary_key;
        std::vector<std::string> column_names;
        for (const auto& name : keys[k]) {
            auto idx = table->find_column(name);
            if (!idx) {
                throw Error(sql_state::kUndefinedColumn, fmt::format("column \"{}\" named in key does not exist", name), s.target.position);
            }
            constraint.columns.push_back(*idx);
            column_names.push_back(name);
            if (constraint.primary) table->columns[*idx].not_null = true;
        }
        std::string given = k < key_names.size() ? key_names[k] : "";
        if (given.empty()) {
            given = table->name;
            if (constraint.primary) {
                given += "_pkey";
            } else {
                for (const auto& n : column_names) given += "_" + n;
                given += "_key";
            }
        }
        constraint.name = unique_name(given);
        table->storage->add_unique_index(std::make_unique<UniqueIndex>(constraint.name, constraint.columns, column_names));
        table->unique_constraints.push_back(std::move(constraint));
    }
    // CHECK constraints: bound now so a bad condition fails CREATE TABLE, as in PostgreSQL.
    std::vector<std::string> names_in_order;
    for (const auto& c : table->columns) names_in_order.push_back(c.name);
    auto add_check = [&](const ParsedExpr& expr, const std::string& sql, std::string name, const std::string& column) {
        Binder check_binder(catalog);
        ExprPtr e = check_binder.bind_row_expression(expr, 0, table->name, names_in_order, types, "check constraints");
        if (e->type.id() != TypeId::kBoolean && !e->unknown_literal) {
            throw Error(sql_state::kDatatypeMismatch,
                        fmt::format("argument of CHECK must be type boolean, not type {}", pg_type_name(e->type)), expr.position);
        }
        if (name.empty()) name = table->name + (column.empty() ? "" : "_" + column) + "_check";
        table->checks.push_back({unique_name(name), sql});
    };
    for (const auto& c : s.column_defs) {
        if (c.check) add_check(*c.check, c.check_sql, c.check_name, c.name);
    }
    for (size_t i = 0; i < s.checks.size(); i++) add_check(*s.checks[i], s.check_sqls[i], s.check_names[i], "");
    // Layout: partition key (bound now, so a bad expression fails CREATE TABLE), cluster columns, retention.
    auto check_ttl = [&]() {
        if (table->ttl.empty() != table->ttl_column.empty()) {
            throw Error(sql_state::kInvalidParameterValue, "ttl and ttl_column go together", s.target.position);
        }
    };
    if (!s.partition_sql.empty()) {
        Binder key_binder(catalog);
        ExprPtr key = key_binder.bind_row_expression(*parse_expression(s.partition_sql), 0, table->name, names_in_order, types,
                                                     "partition keys");
        if (key->is_volatile()) throw Error(sql_state::kInvalidTableDefinition, "a partition key must not be volatile", s.target.position);
        table->partition_sql = s.partition_sql;
    }
    for (const auto& [option, value] : s.table_options) {
        if (option == "cluster_by" && !table->cluster_by.empty()) {
            throw Error(sql_state::kInvalidParameterValue, "cluster_by is given twice", s.target.position);
        }
        if (option == "cluster_by") {
            size_t start = 0;
            while (start <= value.size()) {
                size_t comma = value.find(',', start);
                if (comma == std::string::npos) comma = value.size();
                std::string name = value.substr(start, comma - start);
                while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) name.erase(name.begin());
                while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
                if (!name.empty()) {
                    if (!table->find_column(name)) {
                        throw Error(sql_state::kUndefinedColumn, fmt::format("cluster_by column \"{}\" does not exist", name), s.target.position);
                    }
                    table->cluster_by.push_back(name);
                }
                start = comma + 1;
            }
        } else if (option == "ttl_column") {
            auto c = table->find_column(value);
            if (!c) throw Error(sql_state::kUndefinedColumn, fmt::format("ttl_column \"{}\" does not exist", value), s.target.position);
            TypeId id = table->columns[*c].type.id();
            if (id != TypeId::kDate && id != TypeId::kTimestamp && id != TypeId::kTimestampTz) {
                throw Error(sql_state::kDatatypeMismatch, "ttl_column must be a date or timestamp column", s.target.position);
            }
            table->ttl_column = value;
        } else if (option == "ttl") {
            Interval iv = cast_value(Value::varchar(value), LogicalType::interval()).get_interval();
            if (iv.months < 0 || iv.days < 0 || iv.micros < 0 || (iv.months == 0 && iv.days == 0 && iv.micros == 0)) {
                throw Error(sql_state::kInvalidParameterValue, "ttl must be a positive interval", s.target.position);
            }
            table->ttl = value;
        } else {
            throw Error(sql_state::kInvalidParameterValue, fmt::format("unrecognized parameter \"{}\"", option), s.target.position);
        }
    }
    check_ttl();
    table->storage->set_ordered(!table->partition_sql.empty() || !table->cluster_by.empty());
    catalog.create_table(table, s.if_not_exists);
    if (!temporary) record_schema_change(s.text);
    return tag("CREATE TABLE");
}

QueryResult Connection::execute_create_table_as(const Statement& s) {
    SessionCatalog& catalog = catalog_;
    const std::string schema = creation_schema(s);
    const bool temporary = SessionCatalog::is_temporary_schema(schema);
    if (!catalog.find_schema(schema)) {
        throw Error(sql_state::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", s.target.schema), s.target.position);
    }
    if (catalog.find_table(schema, s.target.name) || catalog.find_view(schema, s.target.name)) {
        if (s.if_not_exists) return tag("CREATE TABLE AS");
        throw Error(sql_state::kDuplicateTable, fmt::format("relation \"{}\" already exists", s.target.name), s.target.position);
    }
    Binder binder(catalog);
    BoundQuery bound = binder.bind_select(*s.select);
    if (s.columns.size() > bound.names.size()) {
        throw Error(sql_state::kSyntaxError, "CREATE TABLE AS specifies too many column names", s.target.position);
    }
    auto table = std::make_shared<TableEntry>();
    table->schema = schema;
    table->name = s.target.name;
    table->on_commit = s.on_commit;
    std::set<std::string> names;
    std::vector<LogicalType> types;
    for (size_t i = 0; i < bound.names.size(); i++) {
        ColumnDefinition def;
        def.name = i < s.columns.size() ? s.columns[i] : bound.names[i];
        def.type = bound.types[i];
        if (def.type.id() == TypeId::kNull) def.type = LogicalType::varchar();
        if (!names.insert(def.name).second) {
            throw Error(sql_state::kDuplicateColumn, fmt::format("column \"{}\" specified more than once", def.name), s.target.position);
        }
        types.push_back(def.type);
        table->columns.push_back(def);
    }
    table->storage = std::make_shared<DataTable>(types);
    if (temporary) table->storage->mark_temporary();
    QueryResult rows = s.reset ? QueryResult{} : run_query(std::move(bound));
    std::vector<idx_t> all;
    for (idx_t i = 0; i < types.size(); i++) all.push_back(i);
    idx_t n = s.reset ? 0 : append_rows(*table, all, rows);
    catalog.create_table(table, false);
    if (!temporary) record_schema_change(table_definition_sql(*table));
    QueryResult r;
    r.command_tag = fmt::format("SELECT {}", n);
    return r;
}

QueryResult Connection::execute_create_view(const Statement& s) {
    SessionCatalog& catalog = catalog_;
    // Binding now reports errors at CREATE time, as PostgreSQL does.
    Binder binder(catalog);
    uint64_t temporary_lookups = catalog.temporary_lookups();
    BoundQuery bound = binder.bind_select(*s.select);
    if (s.columns.size() > bound.names.size()) {
        throw Error(sql_state::kSyntaxError, "CREATE VIEW specifies more column names than columns", s.target.position);
    }
    std::string schema = creation_schema(s);
    if (!catalog.find_schema(schema)) {
        throw Error(sql_state::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", s.target.schema), s.target.position);
    }
    // A view that reads a temporary relation is temporary itself (SessionCatalog invariant 2).
    if (catalog.temporary_lookups() != temporary_lookups) {
        if (!s.target.schema.empty() && !SessionCatalog::is_temporary_schema(s.target.schema)) {
            throw Error(sql_state::kInvalidTableDefinition,
                        fmt::format("cannot create a view in schema \"{}\" that reads a temporary relation", s.target.schema),
                        s.target.position);
        }
        schema = SessionCatalog::kTemporarySchema;
    }
    const bool temporary = SessionCatalog::is_temporary_schema(schema);
    auto view = std::make_shared<ViewEntry>();
    view->schema = schema;
    view->name = s.target.name;
    view->sql = s.text;  // the whole CREATE VIEW; re-parsed when the view is used
    view->column_aliases = s.columns;
    catalog.create_view(view, s.or_replace);
    if (!temporary) record_schema_change(s.text);
    return tag("CREATE VIEW");
}

namespace {

// Views that read `name` (directly), found by parsing each view's definition. Only temporary views can read a
// temporary relation (SessionCatalog invariant 2).
std::vector<std::shared_ptr<ViewEntry>> dependent_views(SessionCatalog& catalog, const std::string& name, bool temporary) {
    std::vector<std::shared_ptr<ViewEntry>> out;
    for (const auto& view : catalog.all_views()) {
        if (view->name == name) continue;
        if (temporary && !SessionCatalog::is_temporary_schema(view->schema)) continue;
        auto statements = parse_sql(view->sql);
        std::vector<std::string> names;
        if (!statements.empty() && statements[0]->select) collect_relation_names(*statements[0]->select, names);
        if (std::find(names.begin(), names.end(), name) != names.end()) out.push_back(view);
    }
    return out;
}

void drop_dependents(SessionCatalog& catalog, const std::string& kind, const std::string& name, bool temporary, bool cascade) {
    auto dependents = dependent_views(catalog, name, temporary);
    if (dependents.empty()) return;
    if (!cascade) {
        throw Error(sql_state::kDependentObjectsStillExist,
                    fmt::format("cannot drop {} {} because other objects depend on it (view {})", kind, name, dependents[0]->name));
    }
    for (const auto& v : dependents) {
        drop_dependents(catalog, "view", v->name, SessionCatalog::is_temporary_schema(v->schema), true);
        catalog.drop_view(v->schema, v->name, true);
    }
}

}  // namespace

QueryResult Connection::execute_drop(const Statement& s) {
    SessionCatalog& catalog = catalog_;
    for (const auto& t : s.targets) {
        if (s.object_type != "schema") {
            // The log gets one DROP per permanent relation dropped (named in full), none for temporary ones.
            bool temporary = &catalog.catalog_of(t.schema, t.name) != &catalog.shared();
            bool exists = s.object_type == "table" ? catalog.find_table(t.schema, t.name) != nullptr
                                                   : catalog.find_view(t.schema, t.name) != nullptr;
            if (exists) drop_dependents(catalog, s.object_type, t.name, temporary, s.cascade);
            if (exists && !temporary) {
                record_schema_change(fmt::format("DROP {} {}.{}{}", s.object_type == "table" ? "TABLE" : "VIEW",
                                                 quote_identifier(t.schema.empty() ? Catalog::kDefaultSchema : t.schema),
                                                 quote_identifier(t.name), s.cascade ? " CASCADE" : ""));
            }
        } else {
            record_schema_change(fmt::format("DROP SCHEMA IF EXISTS {}{}", quote_identifier(t.name), s.cascade ? " CASCADE" : ""));
        }
        if (s.object_type == "table") {
            if (auto table = catalog.find_table(t.schema, t.name)) require_no_pending_writers(*table, transaction(), "DROP TABLE");
            catalog.drop_table(t.schema, t.name, s.if_exists);
        } else if (s.object_type == "view") {
            catalog.drop_view(t.schema, t.name, s.if_exists);
        } else {
            catalog.drop_schema(t.name, s.if_exists, s.cascade);
        }
    }
    if (s.object_type == "table") return tag("DROP TABLE");
    if (s.object_type == "view") return tag("DROP VIEW");
    return tag("DROP SCHEMA");
}

QueryResult Connection::execute_alter(const Statement& s) {
    SessionCatalog& catalog = catalog_;
    auto table = catalog.find_table(s.target.schema, s.target.name);
    if (!table) {
        if (s.if_exists) return tag("ALTER TABLE");
        throw Error(sql_state::kUndefinedTable, fmt::format("relation \"{}\" does not exist", s.target.name), s.target.position);
    }
    require_no_pending_writers(*table, transaction(), "ALTER TABLE");
    if (!catalog.is_temporary(*table)) record_schema_change(s.text);
    bool rewrites_storage = false, moves_columns = false;
    for (const auto& cmd : s.alter_commands) {
        rewrites_storage = rewrites_storage || cmd.kind == AlterKind::kAddColumn || cmd.kind == AlterKind::kDropColumn ||
                           cmd.kind == AlterKind::kAlterType;
        moves_columns = moves_columns || cmd.kind == AlterKind::kDropColumn || cmd.kind == AlterKind::kAlterType;
    }
    if (!rewrites_storage) {
        // A new version of the entry (Catalog invariant 1): a copy with the change made.
        auto changed = std::make_shared<TableEntry>(*table);
        if (s.kind == StatementKind::kRenameTable) {
            changed->name = s.new_name;
        } else if (s.kind == StatementKind::kRenameColumn) {
            auto idx = changed->find_column(s.old_name);
            if (!idx) throw Error(sql_state::kUndefinedColumn, fmt::format("column \"{}\" does not exist", s.old_name), s.target.position);
            if (changed->find_column(s.new_name)) {
                throw Error(sql_state::kDuplicateColumn, fmt::format("column \"{}\" of relation \"{}\" already exists", s.new_name, table->name));
            }
            changed->columns[*idx].name = s.new_name;
            for (auto& c : changed->cluster_by) {
                if (c == s.old_name) c = s.new_name;
            }
            if (changed->ttl_column == s.old_name) changed->ttl_column = s.new_name;
        } else {
            for (const auto& cmd : s.alter_commands) {
                auto idx = changed->find_column(cmd.column_name);
                if (cmd.kind == AlterKind::kSetNotNull && idx && !changed->columns[*idx].not_null) {
                    // Rows already there must satisfy it, as in PostgreSQL.
                    const std::string& column = changed->columns[*idx].name;
                    std::string count = fmt::format("SELECT count(*) FROM {}.{} WHERE {} IS NULL", quote_identifier(table->schema),
                                                    quote_identifier(table->name), quote_identifier(column));
                    QueryResult nulls = query(count);
                    if (nulls.chunks.empty() || nulls.chunks[0]->column(0).get_value(0).get_int64() > 0) {
                        throw Error(sql_state::kNotNullViolation,
                                    fmt::format("column \"{}\" of relation \"{}\" contains null values", column, table->name));
                    }
                }
                set_column_attribute(*changed, cmd);
            }
        }
        catalog.replace_table(s.target.schema, s.target.name, changed);
        return tag("ALTER TABLE");
    }
    // Adding, dropping or widening a column rewrites the table's storage in place, which no transaction can
    // take back yet: it runs on its own, on a table no open transaction reads an older definition of.
    if (explicit_transaction_) {
        throw Error(sql_state::kActiveSqlTransaction,
                    "ALTER TABLE ADD COLUMN, DROP COLUMN and ALTER COLUMN TYPE cannot run inside a transaction block yet",
                    s.target.position);
    }
    catalog.prune(database_.transactions().oldest_active_snapshot());
    // The commands are tried on a copy of the entry first, so an error in any of them changes nothing; then
    // they are made, storage included.
    auto apply = [&](TableEntry& entry, bool with_storage) {
        Binder binder(catalog);
        for (const auto& cmd : s.alter_commands) {
            switch (cmd.kind) {
                case AlterKind::kAddColumn: {
                    if (entry.find_column(cmd.column.name)) {
                        if (cmd.if_not_exists) continue;
                        throw Error(sql_state::kDuplicateColumn,
                                    fmt::format("column \"{}\" of relation \"{}\" already exists", cmd.column.name, entry.name));
                    }
                    ColumnDefinition def;
                    def.name = cmd.column.name;
                    def.type = binder.bind_type(cmd.column.type);
                    def.not_null = cmd.column.not_null;
                    def.default_sql = cmd.column.default_sql;
                    Value fill(def.type);
                    if (cmd.column.default_value) {
                        ExprPtr e = binder.cast_to(binder.bind_constant_expression(*cmd.column.default_value), def.type);
                        if (e->kind == ExpressionKind::kConstant) fill = e->value;
                    }
                    if (def.not_null && fill.is_null() && entry.storage->live_row_count() > 0) {
                        throw Error(sql_state::kNotNullViolation,
                                    fmt::format("column \"{}\" of relation \"{}\" contains null values", def.name, entry.name));
                    }
                    if (with_storage) entry.storage->add_column(def.type, fill);
                    entry.columns.push_back(def);
                    break;
                }
                case AlterKind::kDropColumn: {
                    auto idx = entry.find_column(cmd.column_name);
                    if (!idx) {
                        if (cmd.if_exists) continue;
                        throw Error(sql_state::kUndefinedColumn,
                                    fmt::format("column \"{}\" of relation \"{}\" does not exist", cmd.column_name, entry.name));
                    }
                    if (entry.columns.size() == 1) {
                        throw Error(sql_state::kFeatureNotSupported, "cannot drop the only column of a table");
                    }
                    if (with_storage) entry.storage->drop_column(*idx);
                    entry.columns.erase(entry.columns.begin() + static_cast<std::ptrdiff_t>(*idx));
                    // Constraints on the dropped column go with it, as in PostgreSQL.
                    std::vector<UniqueConstraint> kept;
                    for (auto& key : entry.unique_constraints) {
                        bool uses = false;
                        for (auto& k : key.columns) {
                            if (k == *idx) uses = true;
                            if (k > *idx) k--;
                        }
                        if (!uses) kept.push_back(key);
                    }
                    entry.unique_constraints = kept;
                    std::vector<CheckConstraint> checks;
                    std::vector<std::string> names;
                    std::vector<LogicalType> types;
                    for (const auto& c : entry.columns) {
                        names.push_back(c.name);
                        types.push_back(c.type);
                    }
                    for (auto& check : entry.checks) {
                        try {
                            Binder check_binder(catalog);
                            check_binder.bind_row_expression(*parse_expression(check.sql), 0, entry.name, names, types, "check constraints");
                            checks.push_back(check);
                        } catch (const Error&) {
                            // it read the dropped column
                        }
                    }
                    entry.checks = checks;
                    break;
                }
                case AlterKind::kSetNotNull:
                case AlterKind::kDropNotNull:
                case AlterKind::kSetDefault: set_column_attribute(entry, cmd); break;
                case AlterKind::kAlterType: {
                    auto idx = entry.find_column(cmd.column_name);
                    if (!idx) throw Error(sql_state::kUndefinedColumn, fmt::format("column \"{}\" does not exist", cmd.column_name));
                    LogicalType from = entry.columns[*idx].type;
                    LogicalType to = binder.bind_type(cmd.column.type);
                    if (from == to) break;
                    if (!DataTable::is_widening(from, to)) {
                        throw Error(sql_state::kFeatureNotSupported,
                                    fmt::format("ALTER COLUMN TYPE from {} to {} is not supported: only widening changes (a larger "
                                                "integer, more DECIMAL digits at the same scale, a longer VARCHAR) keep old "
                                                "files as they are",
                                                from.to_string(), to.to_string()));
                    }
                    if (with_storage) entry.storage->widen_column(*idx, to);
                    entry.columns[*idx].type = to;
                    if (with_storage) entry.storage->invalidate_indexes();  // keys are encoded by width
                    break;
                }
            }
        }
    };
    TableEntry trial = *table;
    apply(trial, false);
    table = catalog.alter_in_place(s.target.schema, s.target.name, moves_columns);
    in_place_alter_ = !catalog.is_temporary(*table);
    apply(*table, true);
    return tag("ALTER TABLE");
}

}  // namespace basalt

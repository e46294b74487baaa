#include "catalog/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "common/error.hpp"

namespace basalt {

std::shared_ptr<TableEntry> TableEntry::definition_at(const std::shared_ptr<TableEntry>& self, txn_t snapshot) const {
    std::shared_ptr<TableEntry> entry = self;
    while (entry->since_stamp() > snapshot && entry->previous) entry = entry->previous;
    if (entry->columns_moved) {
        throw Error(sql_state::kFeatureNotSupported,
                    fmt::format("cannot read \"{}\" as of snapshot {}: a column it had then was dropped or changed its type since", name,
                                snapshot));
    }
    return entry;
}

std::optional<idx_t> TableEntry::find_column(const std::string& column) const {
    for (idx_t i = 0; i < columns.size(); i++) {
        if (columns[i].name == column) return i;
    }
    return std::nullopt;
}

namespace {

bool committed(txn_t stamp) { return stamp < kTransactionIdStart; }

Error concurrent_change(const std::string& what) {
    return Error(sql_state::kSerializationFailure,
                 fmt::format("could not serialize access: {} was changed by a concurrent transaction", what));
}

}  // namespace

Catalog::Catalog(std::string default_schema) : default_schema_(std::move(default_schema)) { clear(); }

void Catalog::clear() {
    std::unique_lock guard(mutex_);
    relations_.clear();
    schemas_.clear();
    auto schema = std::make_shared<SchemaEntry>();
    schema->name = default_schema_;
    schemas_[default_schema_].push_back({0, schema});
}

template <class T>
const Catalog::Version<T>* Catalog::visible(const std::vector<Version<T>>& versions, const TransactionView* view) {
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
        if (view ? view->sees_change(it->stamp) : committed(it->stamp)) return &*it;
    }
    return nullptr;
}

const Catalog::Relation* Catalog::visible_relation(const RelationKey& key, const TransactionView* view) const {
    auto it = relations_.find(key);
    if (it == relations_.end()) return nullptr;
    const auto* version = visible(it->second, view);
    return version && version->value.exists() ? &version->value : nullptr;
}

std::shared_ptr<SchemaEntry> Catalog::visible_schema(const std::string& name, const TransactionView* view) const {
    auto it = schemas_.find(schema_name(name));
    if (it == schemas_.end()) return nullptr;
    const auto* version = visible(it->second, view);
    return version ? version->value : nullptr;
}

template <class T>
void Catalog::check_writable(const std::vector<Version<T>>& versions, const CatalogWriter& writer, const std::string& what) {
    if (!writer.transaction || versions.empty()) return;
    if (!writer.transaction->view().sees_change(versions.back().stamp)) throw concurrent_change(what);
}

std::shared_ptr<SchemaEntry> Catalog::find_schema(const std::string& name, const TransactionView* view) const {
    std::shared_lock guard(mutex_);
    return visible_schema(name, view);
}

std::shared_ptr<TableEntry> Catalog::find_table(const std::string& schema, const std::string& name, const TransactionView* view) const {
    std::shared_lock guard(mutex_);
    const Relation* r = visible_relation({schema_name(schema), name}, view);
    return r ? r->table : nullptr;
}

std::shared_ptr<ViewEntry> Catalog::find_view(const std::string& schema, const std::string& name, const TransactionView* view) const {
    std::shared_lock guard(mutex_);
    const Relation* r = visible_relation({schema_name(schema), name}, view);
    return r ? r->view : nullptr;
}

std::shared_ptr<TableEntry> Catalog::find_table_by_storage(const DataTable* storage, const TransactionView* view) const {
    std::shared_lock guard(mutex_);
    for (const auto& [key, versions] : relations_) {
        const auto* version = visible(versions, view);
        if (version && version->value.table && version->value.table->storage.get() == storage) return version->value.table;
    }
    return nullptr;
}

std::vector<std::shared_ptr<TableEntry>> Catalog::all_tables(const TransactionView* view) const {
    std::shared_lock guard(mutex_);
    std::vector<std::shared_ptr<TableEntry>> out;
    for (const auto& [key, versions] : relations_) {
        const auto* version = visible(versions, view);
        if (version && version->value.table) out.push_back(version->value.table);
    }
    return out;
}

std::vector<std::shared_ptr<ViewEntry>> Catalog::all_views(const TransactionView* view) const {
    std::shared_lock guard(mutex_);
    std::vector<std::shared_ptr<ViewEntry>> out;
    for (const auto& [key, versions] : relations_) {
        const auto* version = visible(versions, view);
        if (version && version->value.view) out.push_back(version->value.view);
    }
    return out;
}

std::vector<std::string> Catalog::schema_names(const TransactionView* view) const {
    std::shared_lock guard(mutex_);
    std::vector<std::string> out;
    for (const auto& [name, versions] : schemas_) {
        const auto* version = visible(versions, view);
        if (version && version->value) out.push_back(name);
    }
    return out;
}

template <class Key, class T>
void Catalog::push_version(std::map<Key, std::vector<Version<T>>>& versions, const Key& key, T value, const CatalogWriter& writer) {
    Transaction* txn = writer.transaction;
    versions[key].push_back({txn ? txn->id() : writer.stamp, std::move(value)});
    if (!txn) return;
    txn_t id = txn->id();
    auto* map = &versions;
    txn->add_pending_change({[this, map, key, id](txn_t commit_id) {
                                 std::unique_lock guard(mutex_);
                                 auto it = map->find(key);
                                 if (it == map->end()) return;
                                 for (auto& v : it->second) {
                                     if (v.stamp == id) v.stamp = commit_id;
                                 }
                             },
                             [this, map, key, id]() {
                                 std::unique_lock guard(mutex_);
                                 auto it = map->find(key);
                                 if (it == map->end()) return;
                                 auto& list = it->second;
                                 for (auto v = list.rbegin(); v != list.rend(); ++v) {
                                     if (v->stamp == id) {
                                         list.erase(std::next(v).base());
                                         break;
                                     }
                                 }
                                 if (list.empty()) map->erase(it);
                             }});
}

void Catalog::push_relation(const RelationKey& key, Relation relation, const CatalogWriter& writer) {
    push_version(relations_, key, std::move(relation), writer);
}

void Catalog::push_schema(const std::string& name, std::shared_ptr<SchemaEntry> schema, const CatalogWriter& writer) {
    push_version(schemas_, name, std::move(schema), writer);
}

void Catalog::start_definition(TableEntry& table, const CatalogWriter& writer) {
    Transaction* txn = writer.transaction;
    auto since = std::make_shared<std::atomic<txn_t>>(txn ? txn->id() : writer.stamp);
    table.since = since;
    if (txn) txn->add_pending_change({[since](txn_t commit_id) { since->store(commit_id, std::memory_order_release); }, nullptr});
}

void Catalog::stamp_storage(const std::shared_ptr<DataTable>& storage, const CatalogWriter& writer) {
    Transaction* txn = writer.transaction;
    if (!txn) {
        storage->set_schema_change(writer.stamp);
        return;
    }
    txn_t before = storage->schema_change();
    storage->set_schema_change(txn->id());
    txn->add_pending_change({[storage](txn_t commit_id) { storage->set_schema_change(commit_id); },
                             [storage, before]() { storage->set_schema_change(before); }});
}

std::shared_ptr<SchemaEntry> Catalog::schema_for_create(const std::string& name, const CatalogWriter& writer) const {
    auto schema = visible_schema(name, writer.view());
    if (!schema) throw Error(sql_state::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", schema_name(name)));
    // The schema must not be going away under the new relation (invariant 2).
    check_writable(schemas_.at(schema->name), writer, fmt::format("schema \"{}\"", schema->name));
    return schema;
}

void Catalog::create_schema(const std::string& name, bool if_not_exists, const CatalogWriter& writer) {
    std::unique_lock guard(mutex_);
    if (visible_schema(name, writer.view())) {
        if (if_not_exists) return;
        throw Error(sql_state::kDuplicateSchema, fmt::format("schema \"{}\" already exists", name));
    }
    if (auto it = schemas_.find(name); it != schemas_.end()) check_writable(it->second, writer, fmt::format("schema \"{}\"", name));
    auto schema = std::make_shared<SchemaEntry>();
    schema->name = name;
    push_schema(name, std::move(schema), writer);
}

void Catalog::drop_schema(const std::string& name, bool if_exists, bool cascade, const CatalogWriter& writer) {
    std::unique_lock guard(mutex_);
    if (!visible_schema(name, writer.view())) {
        if (if_exists) return;
        throw Error(sql_state::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", name));
    }
    check_writable(schemas_.at(name), writer, fmt::format("schema \"{}\"", name));
    std::vector<std::pair<RelationKey, Relation>> members;
    for (const auto& [key, versions] : relations_) {
        if (key.first != name) continue;
        // A relation another transaction is creating in it would be left without a schema.
        check_writable(versions, writer, fmt::format("relation \"{}.{}\"", key.first, key.second));
        const auto* version = visible(versions, writer.view());
        if (version && version->value.exists()) members.emplace_back(key, version->value);
    }
    if (!cascade && !members.empty()) {
        throw Error(sql_state::kDependentObjectsStillExist,
                    fmt::format("cannot drop schema {} because other objects depend on it", name));
    }
    for (const auto& [key, relation] : members) drop_relation_locked(key, relation, writer);
    push_schema(name, nullptr, writer);
}

void Catalog::create_table(std::shared_ptr<TableEntry> table, bool if_not_exists, const CatalogWriter& writer) {
    std::unique_lock guard(mutex_);
    auto schema = schema_for_create(table->schema, writer);
    RelationKey key{schema->name, table->name};
    if (visible_relation(key, writer.view())) {
        if (if_not_exists) return;
        throw Error(sql_state::kDuplicateTable, fmt::format("relation \"{}\" already exists", table->name));
    }
    if (auto it = relations_.find(key); it != relations_.end()) check_writable(it->second, writer, fmt::format("relation \"{}\"", table->name));
    table->schema = schema->name;
    start_definition(*table, writer);
    push_relation(key, Relation{std::move(table), nullptr}, writer);
}

void Catalog::create_view(std::shared_ptr<ViewEntry> view, bool or_replace, const CatalogWriter& writer) {
    std::unique_lock guard(mutex_);
    auto schema = schema_for_create(view->schema, writer);
    RelationKey key{schema->name, view->name};
    const Relation* current = visible_relation(key, writer.view());
    if (current && (current->table || !or_replace)) {
        throw Error(sql_state::kDuplicateTable, fmt::format("relation \"{}\" already exists", view->name));
    }
    if (auto it = relations_.find(key); it != relations_.end()) check_writable(it->second, writer, fmt::format("relation \"{}\"", view->name));
    view->schema = schema->name;
    push_relation(key, Relation{nullptr, std::move(view)}, writer);
}

void Catalog::drop_relation_locked(const RelationKey& key, const Relation& current, const CatalogWriter& writer) {
    if (current.table) stamp_storage(current.table->storage, writer);
    push_relation(key, Relation{}, writer);
}

void Catalog::drop_table(const std::string& schema, const std::string& name, bool if_exists, const CatalogWriter& writer) {
    std::unique_lock guard(mutex_);
    RelationKey key{schema_name(schema), name};
    const Relation* current = visible_relation(key, writer.view());
    if (!current || !current->table) {
        if (if_exists) return;
        if (current) throw Error(sql_state::kWrongObjectType, fmt::format("\"{}\" is not a table", name));
        throw Error(sql_state::kUndefinedTable, fmt::format("table \"{}\" does not exist", name));
    }
    check_writable(relations_.at(key), writer, fmt::format("table \"{}\"", name));
    Relation dropped = *current;
    drop_relation_locked(key, dropped, writer);
}

void Catalog::drop_view(const std::string& schema, const std::string& name, bool if_exists, const CatalogWriter& writer) {
    std::unique_lock guard(mutex_);
    RelationKey key{schema_name(schema), name};
    const Relation* current = visible_relation(key, writer.view());
    if (!current || !current->view) {
        if (if_exists) return;
        if (current) throw Error(sql_state::kWrongObjectType, fmt::format("\"{}\" is not a view", name));
        throw Error(sql_state::kUndefinedTable, fmt::format("view \"{}\" does not exist", name));
    }
    check_writable(relations_.at(key), writer, fmt::format("view \"{}\"", name));
    Relation dropped = *current;
    drop_relation_locked(key, dropped, writer);
}

void Catalog::replace_table(const std::string& schema, const std::string& name, std::shared_ptr<TableEntry> changed,
                            const CatalogWriter& writer) {
    std::unique_lock guard(mutex_);
    RelationKey key{schema_name(schema), name};
    const Relation* current = visible_relation(key, writer.view());
    if (!current || !current->table) throw Error(sql_state::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name));
    check_writable(relations_.at(key), writer, fmt::format("table \"{}\"", name));
    // `current` points into a version list that the pushes below may reallocate.
    std::shared_ptr<TableEntry> replaced = current->table;
    current = nullptr;
    changed->schema = key.first;
    RelationKey new_key{key.first, changed->name};
    if (new_key != key) {
        if (visible_relation(new_key, writer.view())) {
            throw Error(sql_state::kDuplicateTable, fmt::format("relation \"{}\" already exists", changed->name));
        }
        if (auto it = relations_.find(new_key); it != relations_.end()) {
            check_writable(it->second, writer, fmt::format("relation \"{}\"", changed->name));
        }
        push_relation(key, Relation{}, writer);
    }
    stamp_storage(changed->storage, writer);
    changed->previous = replaced;
    start_definition(*changed, writer);
    push_relation(new_key, Relation{std::move(changed), nullptr}, writer);
}

std::shared_ptr<TableEntry> Catalog::alter_in_place(const std::string& schema, const std::string& name, bool moves_columns,
                                                    const CatalogWriter& writer) {
    std::unique_lock guard(mutex_);
    RelationKey key{schema_name(schema), name};
    const Relation* current = visible_relation(key, writer.view());
    if (!current || !current->table) throw Error(sql_state::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name));
    const auto& versions = relations_.at(key);
    check_writable(versions, writer, fmt::format("table \"{}\"", name));
    auto table = current->table;
    // Every other version, here or under another name, would keep the old columns over the new storage.
    size_t sharing = 0;
    for (const auto& [k, vs] : relations_) {
        for (const auto& v : vs) sharing += v.value.table && v.value.table->storage == table->storage;
    }
    if (versions.size() != 1 || sharing != 1 || !committed(versions.back().stamp)) {
        throw Error(sql_state::kObjectInUse,
                    fmt::format("cannot change the columns of \"{}\" while another transaction reads an older definition of it, "
                                "or inside the transaction that changed its definition",
                                name));
    }
    auto before = std::make_shared<TableEntry>(*table);
    if (moves_columns) {
        for (auto* e = before.get(); e; e = e->previous.get()) e->columns_moved = true;
    }
    table->previous = before;
    start_definition(*table, writer);
    return table;
}

void Catalog::prune(txn_t oldest) {
    std::unique_lock guard(mutex_);
    auto prune_versions = [oldest](auto& versions) {
        // The newest version every running snapshot sees: older ones are unreachable.
        size_t keep_from = 0;
        for (size_t i = 0; i < versions.size(); i++) {
            if (committed(versions[i].stamp) && versions[i].stamp <= oldest) keep_from = i;
        }
        versions.erase(versions.begin(), versions.begin() + static_cast<std::ptrdiff_t>(keep_from));
    };
    for (auto it = relations_.begin(); it != relations_.end();) {
        prune_versions(it->second);
        auto& front = it->second.front();
        bool gone = it->second.size() == 1 && !front.value.exists() && committed(front.stamp) && front.stamp <= oldest;
        it = gone ? relations_.erase(it) : std::next(it);
    }
    for (auto it = schemas_.begin(); it != schemas_.end();) {
        prune_versions(it->second);
        auto& front = it->second.front();
        bool gone = it->second.size() == 1 && !front.value && committed(front.stamp) && front.stamp <= oldest;
        it = gone ? schemas_.erase(it) : std::next(it);
    }
}

}  // namespace basalt

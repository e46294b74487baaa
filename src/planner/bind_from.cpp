// FROM items: tables, views, CTEs (inlined; WITH RECURSIVE as a recursive CTE operator), derived tables,
// table functions and joins (ON, USING, NATURAL).
#include <fmt/format.h>

#include <algorithm>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "parser/ast_walk.hpp"
#include "parser/parser.hpp"
#include "planner/binder.hpp"

namespace basalt {

LogicalPtr Binder::bind_from(const std::vector<std::unique_ptr<TableRef>>& from) {
    LogicalPtr plan;
    for (const auto& ref : from) {
        LogicalPtr item = bind_table_ref(*ref);
        if (!plan) {
            plan = std::move(item);
            continue;
        }
        auto cross = std::make_unique<LogicalCrossProduct>();
        cross->children.push_back(std::move(plan));
        cross->children.push_back(std::move(item));
        plan = std::move(cross);
    }
    return plan;
}

LogicalPtr Binder::bind_table_ref(const TableRef& ref) {
    switch (ref.kind) {
        case TableRefKind::kBaseTable: return bind_base_table(ref);
        case TableRefKind::kSubquery: return bind_subquery_ref(ref);
        case TableRefKind::kJoin: return bind_join(ref);
        case TableRefKind::kFunction: return bind_table_function(ref);
        case TableRefKind::kEmpty: break;
    }
    throw Error(sql_state::kInternalError, "empty FROM item");
}

LogicalPtr Binder::add_derived_table(BoundQuery query, const std::string& alias, const std::vector<std::string>& column_aliases,
                                     int position) {
    if (column_aliases.size() > query.names.size()) {
        throw Error(sql_state::kInvalidColumnReference,
                    fmt::format("table \"{}\" has {} columns available but {} columns specified", alias, query.names.size(),
                                column_aliases.size()),
                    position);
    }
    // A projection of plain references gives the derived table one table index of its own.
    auto projection = std::make_unique<LogicalProjection>();
    projection->table_index = new_table_index();
    auto bindings = query.plan->bindings();
    for (size_t i = 0; i < bindings.size(); i++) {
        projection->expressions.push_back(make_column_ref(bindings[i], query.types[i], query.names[i]));
    }
    projection->children.push_back(std::move(query.plan));
    BoundTableRef t;
    t.alias = alias;
    t.table_index = projection->table_index;
    t.column_names = query.names;
    for (size_t i = 0; i < column_aliases.size(); i++) t.column_names[i] = column_aliases[i];
    t.column_types = query.types;
    context_.add_table(std::move(t), position);
    return projection;
}

LogicalPtr Binder::bind_base_table(const TableRef& ref, std::optional<txn_t> as_of) {
    if (ref.schema.empty()) {
        if (CteInfo* cte = find_cte(ref.name)) return bind_cte_ref(ref, *cte);
    }
    if (!ref.schema.empty() && !catalog_.find_schema(ref.schema)) {
        throw Error(sql_state::kUndefinedTable, fmt::format("relation \"{}.{}\" does not exist", ref.schema, ref.name), ref.position);
    }
    if (auto table = catalog_.find_table(ref.schema, ref.name)) {
        if (as_of) table = table->definition_at(table, *as_of);
        auto get = std::make_unique<LogicalGet>();
        get->table_index = new_table_index();
        get->table = table;
        BoundTableRef t;
        t.alias = ref.alias.empty() ? ref.name : ref.alias;
        t.table_index = get->table_index;
        t.get = get.get();
        if (ref.column_aliases.size() > table->columns.size()) {
            throw Error(sql_state::kInvalidColumnReference,
                        fmt::format("table \"{}\" has {} columns available but {} columns specified", t.alias,
                                    table->columns.size(), ref.column_aliases.size()),
                        ref.position);
        }
        for (size_t i = 0; i < table->columns.size(); i++) {
            t.column_names.push_back(i < ref.column_aliases.size() ? ref.column_aliases[i] : table->columns[i].name);
            t.column_types.push_back(table->columns[i].type);
        }
        t.get_positions.assign(table->columns.size(), -1);
        context_.add_table(std::move(t), ref.position);
        return get;
    }
    if (auto view = catalog_.find_view(ref.schema, ref.name)) {
        if (shared_->view_depth > 32) {
            throw Error(sql_state::kInvalidRecursion, fmt::format("infinite recursion detected in view \"{}\"", ref.name), ref.position);
        }
        auto statements = parse_sql(view->sql);
        shared_->view_depth++;
        Binder view_binder(catalog_);
        view_binder.shared_ = shared_;
        BoundQuery q;
        try {
            q = view_binder.bind_select(*statements[0]->select);
        } catch (...) {
            shared_->view_depth--;
            throw;
        }
        shared_->view_depth--;
        for (size_t i = 0; i < view->column_aliases.size() && i < q.names.size(); i++) q.names[i] = view->column_aliases[i];
        return add_derived_table(std::move(q), ref.alias.empty() ? ref.name : ref.alias, ref.column_aliases, ref.position);
    }
    std::string shown = ref.schema.empty() ? ref.name : ref.schema + "." + ref.name;
    throw Error(sql_state::kUndefinedTable, fmt::format("relation \"{}\" does not exist", shown), ref.position);
}

LogicalPtr Binder::bind_cte_ref(const TableRef& ref, CteInfo& info) {
    const CommonTableExpr& cte = *info.cte;
    std::string alias = ref.alias.empty() ? cte.name : ref.alias;
    if (info.recursive_binding) {
        auto scan = std::make_unique<LogicalCteScan>();
        scan->table_index = new_table_index();
        scan->cte_index = info.cte_index;
        scan->column_types = info.types;
        BoundTableRef t;
        t.alias = alias;
        t.table_index = scan->table_index;
        t.column_names = info.names;
        for (size_t i = 0; i < ref.column_aliases.size() && i < t.column_names.size(); i++) t.column_names[i] = ref.column_aliases[i];
        t.column_types = info.types;
        context_.add_table(std::move(t), ref.position);
        return scan;
    }
    const SelectStmt& query = *cte.query;
    // The CTE body binds in a scope that sees the CTEs defined before it (and, when recursive, itself).
    Binder* scope = this;
    while (scope && !scope->ctes_.count(cte.name)) scope = scope->cte_parent_;
    bool recursive = query.set_op == SetOpKind::kUnion && scope && info.recursive_with;
    auto mentions_self = [&](const SelectStmt& s) {
        std::vector<std::string> names;
        collect_relation_names(s, names);
        return std::find(names.begin(), names.end(), cte.name) != names.end();
    };
    // It is recursive only if the UNION mentions its own name somewhere.
    if (recursive) recursive = mentions_self(*query.right) || mentions_self(*query.left);
    if (!recursive) {
        Binder cte_binder(catalog_, parent_, scope);
        // While the body binds, the CTE itself is not visible, nor (outside WITH RECURSIVE) the ones after it.
        std::vector<CteInfo*> hidden;
        for (auto& [other_name, other] : scope->ctes_) {
            if (other.hidden) continue;
            if (other_name == cte.name || (!info.recursive_with && other.index > info.index)) {
                other.hidden = true;
                hidden.push_back(&other);
            }
        }
        BoundQuery q;
        try {
            q = cte_binder.bind_select(query);
        } catch (...) {
            for (auto* h : hidden) h->hidden = false;
            throw;
        }
        for (auto* h : hidden) h->hidden = false;
        has_correlated_columns_ = has_correlated_columns_ || cte_binder.has_correlated_columns_;
        for (size_t i = 0; i < cte.column_aliases.size() && i < q.names.size(); i++) q.names[i] = cte.column_aliases[i];
        if (cte.column_aliases.size() > q.names.size()) {
            throw Error(sql_state::kInvalidColumnReference,
                        fmt::format("WITH query \"{}\" has {} columns available but {} columns specified", cte.name,
                                    q.names.size(), cte.column_aliases.size()),
                        cte.position);
        }
        return add_derived_table(std::move(q), alias, ref.column_aliases, ref.position);
    }
    // WITH RECURSIVE: bind the anchor, then the recursive branch with the CTE's name reading the working table.
    {
        if (mentions_self(*query.left)) {
            throw Error(sql_state::kInvalidRecursion,
                        fmt::format("recursive reference to query \"{}\" must not appear within its non-recursive term", cte.name),
                        cte.position);
        }
    }
    if (query.limit || query.offset || !query.order_by.empty() || query.right->limit || query.right->offset ||
        !query.right->order_by.empty()) {
        throw Error(sql_state::kFeatureNotSupported,
                    "ORDER BY, LIMIT and OFFSET in the recursive term of a recursive query are not implemented", cte.position);
    }
    Binder anchor_binder(catalog_, parent_, scope);
    BoundQuery anchor = anchor_binder.bind_select_node(*query.left);
    CteInfo& live = scope->ctes_[cte.name];
    live.recursive_binding = true;
    live.cte_index = shared_->next_cte_index++;
    live.names = anchor.names;
    for (size_t i = 0; i < cte.column_aliases.size() && i < live.names.size(); i++) live.names[i] = cte.column_aliases[i];
    live.types = anchor.types;
    BoundQuery recursive_part;
    Binder recursive_binder(catalog_, parent_, scope);
    try {
        recursive_part = recursive_binder.bind_select_node(*query.right);
    } catch (...) {
        live.recursive_binding = false;
        throw;
    }
    live.recursive_binding = false;
    if (recursive_part.types.size() != anchor.types.size()) {
        throw Error(sql_state::kSyntaxError, "each UNION query must have the same number of columns", cte.position);
    }
    for (size_t i = 0; i < anchor.types.size(); i++) {
        if (implicit_cast_cost(recursive_part.types[i], anchor.types[i]) < 0) {
            throw Error(sql_state::kDatatypeMismatch,
                        fmt::format("recursive query \"{}\" column {} has type {} in non-recursive term but type {} overall", cte.name,
                                    i + 1, pg_type_name(anchor.types[i]), pg_type_name(recursive_part.types[i])),
                        cte.position);
        }
    }
    auto node = std::make_unique<LogicalRecursiveCte>();
    node->table_index = new_table_index();
    node->cte_index = live.cte_index;
    node->union_all = query.set_all;
    node->column_types = anchor.types;
    // The recursive branch's columns take the anchor's types.
    auto projection = std::make_unique<LogicalProjection>();
    projection->table_index = new_table_index();
    auto bindings = recursive_part.plan->bindings();
    for (size_t i = 0; i < bindings.size(); i++) {
        projection->expressions.push_back(cast_to(make_column_ref(bindings[i], recursive_part.types[i]), anchor.types[i]));
    }
    projection->children.push_back(std::move(recursive_part.plan));
    node->children.push_back(std::move(anchor.plan));
    node->children.push_back(std::move(projection));
    BoundQuery q;
    q.names = live.names;
    q.types = anchor.types;
    q.plan = std::move(node);
    return add_derived_table(std::move(q), alias, ref.column_aliases, ref.position);
}

LogicalPtr Binder::bind_subquery_ref(const TableRef& ref) {
    Binder sub(catalog_, parent_, this);
    BoundQuery q = sub.bind_select(*ref.subquery);
    has_correlated_columns_ = has_correlated_columns_ || sub.has_correlated_columns_;
    return add_derived_table(std::move(q), ref.alias, ref.column_aliases, ref.position);
}

namespace {

// Catalog listings as constant rows: basalt_tables(), basalt_columns('t'), basalt_functions(), basalt_buffer_cache().
bool catalog_listing(SessionCatalog& catalog, const TableRef& ref, const std::vector<Value>& args, std::vector<std::string>& names,
                     std::vector<LogicalType>& types, std::vector<std::vector<Value>>& rows) {
    auto text = LogicalType::varchar();
    if (ref.name == "basalt_tables") {
        names = {"schema_name", "name", "kind"};
        types = {text, text, text};
        for (const auto& t : catalog.all_tables()) rows.push_back({Value::varchar(t->schema), Value::varchar(t->name), Value::varchar("table")});
        for (const auto& v : catalog.all_views()) rows.push_back({Value::varchar(v->schema), Value::varchar(v->name), Value::varchar("view")});
        return true;
    }
    if (ref.name == "basalt_columns") {
        if (args.size() != 1 || args[0].is_null()) {
            throw Error(sql_state::kUndefinedFunction, "basalt_columns takes one table name", ref.position);
        }
        std::string name = args[0].to_string();
        std::string schema;
        if (auto dot = name.find('.'); dot != std::string::npos) {
            schema = name.substr(0, dot);
            name = name.substr(dot + 1);
        }
        auto table = catalog.find_table(schema, name);
        if (!table) throw Error(sql_state::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name), ref.position);
        names = {"column_name", "data_type", "not_null"};
        types = {text, text, LogicalType::boolean()};
        for (const auto& c : table->columns) {
            rows.push_back({Value::varchar(c.name), Value::varchar(c.type.to_string()), Value::boolean(c.not_null)});
        }
        return true;
    }
    if (ref.name == "basalt_storage") {
        // Per column of every table: rows, row groups (all, and those in column files), bytes in column files,
        // the same values as plain bytes, and the compression ratio between the two.
        names = {"schema_name", "table_name", "column_name", "data_type", "rows", "row_groups", "row_groups_on_disk",
                 "bytes_on_disk", "bytes_raw", "compression_ratio"};
        auto big = LogicalType::bigint();
        types = {text, text, text, text, big, big, big, big, big, LogicalType::double_type()};
        for (const auto& t : catalog.all_tables()) {
            auto info = t->storage->storage_info();
            auto rows_live = static_cast<int64_t>(t->storage->live_row_count());
            for (size_t c = 0; c < t->columns.size(); c++) {
                uint64_t disk = info.column_bytes[c], raw = info.column_raw_bytes[c];
                rows.push_back({Value::varchar(t->schema), Value::varchar(t->name), Value::varchar(t->columns[c].name),
                                Value::varchar(t->columns[c].type.to_string()), Value::bigint(rows_live),
                                Value::bigint(static_cast<int64_t>(info.row_groups)),
                                Value::bigint(static_cast<int64_t>(info.persisted_row_groups)),
                                Value::bigint(static_cast<int64_t>(disk)), Value::bigint(static_cast<int64_t>(raw)),
                                disk > 0 ? Value::double_value(static_cast<double>(raw) / static_cast<double>(disk))
                                         : Value(LogicalType::double_type())});
            }
        }
        return true;
    }
    if (ref.name == "basalt_snapshots") {
        // Every snapshot time travel can still name: its id (the commit) and when it was committed.
        names = {"snapshot_id", "committed_at"};
        types = {LogicalType::bigint(), LogicalType::timestamptz()};
        for (auto [id, micros] : catalog.snapshots()) {
            rows.push_back({Value::bigint(static_cast<int64_t>(id)), Value::timestamptz(micros)});
        }
        return true;
    }
    if (ref.name == "basalt_buffer_cache") {
        // One row: the cache's counters since the database opened (hits, misses, file bytes read, promotions to
        // the main area) and what it holds now (storage/buffer_cache.hpp).
        std::vector<Value> row;
        for (auto& [name, value] : catalog.cache_statistics()) {
            names.push_back(name);
            types.push_back(LogicalType::bigint());
            row.push_back(Value::bigint(value));
        }
        rows.push_back(std::move(row));
        return true;
    }
    if (ref.name == "basalt_functions") {
        names = {"name", "kind", "arguments"};
        types = {text, text, text};
        const auto& registry = FunctionRegistry::instance();
        for (const auto& [name, overloads] : registry.scalars()) {
            for (const auto& f : overloads) {
                std::string list;
                for (size_t i = 0; i < f.arguments.size(); i++) list += (i ? ", " : "") + pg_type_name(f.arguments[i]);
                rows.push_back({Value::varchar(name), Value::varchar("scalar"), Value::varchar(list)});
            }
        }
        for (const auto& [name, overloads] : registry.aggregates()) {
            for (const auto& f : overloads) {
                std::string list;
                for (size_t i = 0; i < f.arguments.size(); i++) list += (i ? ", " : "") + pg_type_name(f.arguments[i]);
                rows.push_back({Value::varchar(name), Value::varchar("aggregate"), Value::varchar(list)});
            }
        }
        return true;
    }
    return false;
}

}  // namespace

LogicalPtr Binder::bind_table_function(const TableRef& ref) {
    {
        std::vector<Value> args;
        for (const auto& a : ref.function_args) {
            ExprPtr e = bind_expression(*a, ClauseKind::kOther);
            if (e->kind != ExpressionKind::kConstant) {
                throw Error(sql_state::kFeatureNotSupported, fmt::format("arguments of {} must be constants", ref.name), ref.position);
            }
            args.push_back(e->value);
        }
        if (ref.name == "as_of") {
            // Time travel: as_of('table', snapshot id | timestamp) reads the table as that commit left it.
            if (args.size() != 2 || args[0].is_null() || args[1].is_null() || !args[0].type().is_string()) {
                throw Error(sql_state::kUndefinedFunction, "as_of takes a table name and a snapshot id or timestamp", ref.position);
            }
            TableRef table_ref;
            table_ref.kind = TableRefKind::kBaseTable;
            table_ref.position = ref.position;
            std::string name = args[0].get_string();
            if (auto dot = name.find('.'); dot != std::string::npos) {
                table_ref.schema = name.substr(0, dot);
                name = name.substr(dot + 1);
            }
            table_ref.name = name;
            table_ref.alias = ref.alias.empty() ? name : ref.alias;
            table_ref.column_aliases = ref.column_aliases;
            if (!catalog_.find_table(table_ref.schema, name)) {
                throw Error(sql_state::kUndefinedTable, fmt::format("table \"{}\" does not exist (as_of reads tables)", name), ref.position);
            }
            Value when = args[1];
            if (when.type().is_integral()) {
                when = cast_value(when, LogicalType::bigint());
            } else if (when.type().is_string() || when.type().is_temporal()) {
                when = cast_value(when, LogicalType::timestamptz());
            } else {
                throw Error(sql_state::kDatatypeMismatch, "as_of takes a snapshot id (integer) or a timestamp", ref.position);
            }
            // The snapshot is fixed now, so the rows and the columns (the definition the table had then) agree.
            if (!catalog_.resolve_snapshot) throw Error(sql_state::kFeatureNotSupported, "as_of needs a session", ref.position);
            txn_t snapshot = catalog_.resolve_snapshot(when);
            LogicalPtr plan = bind_base_table(table_ref, snapshot);
            static_cast<LogicalGet&>(*plan).as_of = Value::bigint(static_cast<int64_t>(snapshot));
            return plan;
        }
        std::vector<std::string> names;
        std::vector<LogicalType> types;
        std::vector<std::vector<Value>> rows;
        if (catalog_listing(catalog_, ref, args, names, types, rows)) {
            auto values = std::make_unique<LogicalValues>();
            values->table_index = new_table_index();
            values->column_types = types;
            for (auto& row : rows) {
                std::vector<ExprPtr> exprs;
                for (auto& v : row) exprs.push_back(make_constant(v));
                values->rows.push_back(std::move(exprs));
            }
            BoundTableRef t;
            t.alias = ref.alias.empty() ? ref.name : ref.alias;
            t.table_index = values->table_index;
            t.column_names = names;
            for (size_t i = 0; i < ref.column_aliases.size() && i < names.size(); i++) t.column_names[i] = ref.column_aliases[i];
            t.column_types = types;
            context_.add_table(std::move(t), ref.position);
            return values;
        }
    }
    auto fn = std::make_unique<LogicalTableFunction>();
    fn->table_index = new_table_index();
    fn->function_name = ref.name;
    std::vector<ExprPtr> args;
    for (const auto& a : ref.function_args) args.push_back(bind_expression(*a, ClauseKind::kOther));
    if (ref.name == "generate_series" || ref.name == "range") {
        // range(n) counts from 0 to n - 1, as in DuckDB; generate_series needs a start.
        size_t least = ref.name == "range" ? 1 : 2;
        if (args.size() < least || args.size() > 3) {
            throw Error(sql_state::kUndefinedFunction, fmt::format("function {} takes {} to 3 arguments", ref.name, least), ref.position);
        }
        if (args.size() == 1) args.insert(args.begin(), make_constant(Value::bigint(0)));
        bool wide = false;  // generate_series over integers returns integer; any bigint argument makes it bigint
        for (auto& a : args) wide = wide || a->type.id() == TypeId::kBigInt;
        for (auto& a : args) {
            if (a->kind != ExpressionKind::kConstant) {
                throw Error(sql_state::kFeatureNotSupported, fmt::format("arguments of {} must be constants", ref.name), ref.position);
            }
            if (!a->type.is_integral() && !a->unknown_literal && a->type.id() != TypeId::kNull) {
                throw Error(sql_state::kUndefinedFunction,
                            fmt::format("function {}({}) does not exist", ref.name, pg_type_name(a->type)), ref.position);
            }
            fn->arguments.push_back(cast_to(std::move(a), LogicalType::bigint())->value);
        }
        fn->column_types = {wide || ref.name == "range" ? LogicalType::bigint() : LogicalType::integer()};
        fn->column_names = {ref.name};
    } else {
        throw Error(sql_state::kUndefinedFunction, fmt::format("function {} does not exist", ref.name), ref.position);
    }
    BoundTableRef t;
    t.alias = ref.alias.empty() ? ref.name : ref.alias;
    t.table_index = fn->table_index;
    t.column_names = fn->column_names;
    // generate_series(...) AS t(x): the alias names the column; AS t alone names both for a one-column function.
    if (!ref.column_aliases.empty()) {
        t.column_names[0] = ref.column_aliases[0];
    } else if (!ref.alias.empty()) {
        t.column_names[0] = ref.alias;
    }
    t.column_types = fn->column_types;
    context_.add_table(std::move(t), ref.position);
    return fn;
}

LogicalPtr Binder::bind_join(const TableRef& ref) {
    size_t left_begin = context_.table_count();
    LogicalPtr left = bind_table_ref(*ref.left);
    size_t left_end = context_.table_count();
    LogicalPtr right = bind_table_ref(*ref.right);
    size_t right_end = context_.table_count();
    if (ref.join_kind == JoinKind::kCross) {
        auto cross = std::make_unique<LogicalCrossProduct>();
        cross->children.push_back(std::move(left));
        cross->children.push_back(std::move(right));
        return cross;
    }
    auto join = std::make_unique<LogicalJoin>();
    switch (ref.join_kind) {
        case JoinKind::kInner: join->join_type = JoinType::kInner; break;
        case JoinKind::kLeft: join->join_type = JoinType::kLeft; break;
        case JoinKind::kRight: join->join_type = JoinType::kRight; break;
        case JoinKind::kFull: join->join_type = JoinType::kFull; break;
        case JoinKind::kCross: break;
    }
    std::vector<std::string> using_columns = ref.using_columns;
    if (ref.natural) {
        const auto& tables = context_.tables();
        for (size_t t = left_begin; t < left_end; t++) {
            for (const auto& name : tables[t].column_names) {
                bool in_right = false;
                for (size_t r = left_end; r < right_end; r++) {
                    for (const auto& rn : tables[r].column_names) in_right = in_right || rn == name;
                }
                if (in_right && std::find(using_columns.begin(), using_columns.end(), name) == using_columns.end()) {
                    using_columns.push_back(name);
                }
            }
        }
    }
    std::vector<ExprPtr> predicates;
    for (const auto& name : using_columns) {
        auto find_in = [&](size_t begin, size_t end, const char* side) -> std::pair<size_t, size_t> {
            std::optional<std::pair<size_t, size_t>> found;
            const auto& tables = context_.tables();
            for (size_t t = begin; t < end; t++) {
                for (size_t c = 0; c < tables[t].column_names.size(); c++) {
                    if (tables[t].column_names[c] != name || context_.is_merged(t, c)) continue;
                    if (found) {
                        throw Error(sql_state::kAmbiguousColumn, fmt::format("common column name \"{}\" appears more than once in {} table", name, side),
                                    ref.position);
                    }
                    found = {t, c};
                }
            }
            if (!found) {
                throw Error(sql_state::kUndefinedColumn, fmt::format("column \"{}\" specified in USING clause does not exist in {} table", name, side),
                            ref.position);
            }
            return *found;
        };
        // The left side may itself be a USING join that merged this column: join on the merged column.
        std::optional<UsingColumn> merged = context_.take_using_column(name, left_begin, left_end);
        std::vector<std::pair<size_t, size_t>> left_sources;
        ExprPtr lexpr;
        if (merged) {
            lexpr = std::move(merged->expression);
            left_sources = merged->sources;
        } else {
            auto l = find_in(left_begin, left_end, "left");
            lexpr = context_.column_of(l.first, l.second);
            left_sources = {l};
        }
        auto r = find_in(left_end, right_end, "right");
        ExprPtr rexpr = context_.column_of(r.first, r.second);
        LogicalType common = common_supertype(lexpr->type, rexpr->type, "JOIN/USING", ref.position);
        predicates.push_back(bind_comparison("=", cast_to(lexpr->copy(), common), cast_to(rexpr->copy(), common), ref.position));
        UsingColumn u;
        u.name = name;
        if (join->join_type == JoinType::kFull) {
            auto coalesce = std::make_unique<Expression>(ExpressionKind::kCoalesce, common);
            coalesce->children.push_back(cast_to(std::move(lexpr), common));
            coalesce->children.push_back(cast_to(std::move(rexpr), common));
            u.expression = std::move(coalesce);
        } else if (join->join_type == JoinType::kRight) {
            u.expression = std::move(rexpr);
        } else {
            u.expression = std::move(lexpr);
        }
        u.expression->alias = name;
        u.sources = left_sources;
        u.sources.push_back(r);
        context_.add_using_column(std::move(u));
    }
    if (ref.condition) {
        ExprPtr on = bind_boolean(*ref.condition, ClauseKind::kJoinCondition);
        if (!pending_subqueries_.empty()) {
            throw Error(sql_state::kFeatureNotSupported, "subqueries in JOIN conditions are not supported", ref.position);
        }
        split_conjunction(std::move(on), predicates);
    }
    join->residual = combine_conjunction(std::move(predicates));
    if (!join->residual) join->residual = make_constant(Value::boolean(true));
    join->children.push_back(std::move(left));
    join->children.push_back(std::move(right));
    return join;
}

}  // namespace basalt

// Statements other than SELECT: DDL, INSERT, COPY, EXPLAIN, SET/SHOW, transactions, CALL.
#include <cctype>

#include "common/error.hpp"
#include "parser/transform_internal.hpp"

namespace basalt::detail {

namespace {

// CREATE TEMP: relpersistence 't'; ON COMMIT DELETE ROWS / DROP (temporary tables only) into s.on_commit.
bool temporary_relation(const PgQuery__RangeVar* r, PgQuery__OnCommitAction on_commit, Statement& s) {
    bool temporary = r->relpersistence && r->relpersistence[0] == 't';
    if (on_commit == PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DELETE_ROWS || on_commit == PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DROP) {
        if (!temporary) throw Error(sql_state::kInvalidTableDefinition, "ON COMMIT can only be used on temporary tables", pos(r->location));
        s.on_commit = on_commit == PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DROP ? "drop" : "delete_rows";
    }
    return temporary;
}

QualifiedName qualified(const PgQuery__RangeVar* r) {
    QualifiedName q;
    if (r->schemaname && *r->schemaname) q.schema = r->schemaname;
    q.name = r->relname;
    q.position = pos(r->location);
    return q;
}

// The SQL text of a DEFAULT expression: from its first character to the next top-level ',' or ')' or
// constraint keyword. The catalog keeps defaults as text so they survive independent of the parse tree.
std::string slice_default(const std::string& sql, int start) {
    if (start <= 0 || start > static_cast<int>(sql.size())) return "";
    size_t i = static_cast<size_t>(start - 1);
    size_t begin = i;
    int depth = 0;
    static const char* kStops[] = {"not", "null", "primary", "unique", "check", "references", "constraint", "collate"};
    while (i < sql.size()) {
        char c = sql[i];
        if (c == '\'') {
            i++;
            while (i < sql.size() && !(sql[i] == '\'' && (i + 1 >= sql.size() || sql[i + 1] != '\''))) i += sql[i] == '\'' ? 2 : 1;
            i++;
            continue;
        }
        if (c == '(') depth++;
        if (c == ')') {
            if (depth == 0) break;
            depth--;
        }
        if (c == ',' && depth == 0) break;
        if (depth == 0 && std::isalpha(static_cast<unsigned char>(c)) && i > begin &&
            !std::isalnum(static_cast<unsigned char>(sql[i - 1])) && sql[i - 1] != '_') {
            bool stop = false;
            for (const char* k : kStops) {
                size_t n = std::char_traits<char>::length(k);
                if (i + n <= sql.size()) {
                    std::string word;
                    for (size_t j = 0; j < n; j++) word += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i + j])));
                    if (word == k && (i + n == sql.size() || !std::isalnum(static_cast<unsigned char>(sql[i + n])))) stop = true;
                }
            }
            if (stop) break;
        }
        i++;
    }
    std::string out = sql.substr(begin, i - begin);
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    return out;
}

// The text inside CHECK ( ... ): from the first '(' at or after the constraint's start to its matching ')'.
std::string slice_check(const std::string& sql, int start) {
    if (start <= 0 || start > static_cast<int>(sql.size())) return "";
    size_t open = sql.find('(', static_cast<size_t>(start - 1));
    if (open == std::string::npos) return "";
    int depth = 0;
    for (size_t i = open; i < sql.size(); i++) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            size_t close = sql.find(c, i + 1);
            if (close == std::string::npos) return "";
            i = close;
            continue;
        }
        if (c == '(') depth++;
        if (c == ')' && --depth == 0) return sql.substr(open + 1, i - open - 1);
    }
    return "";
}

int expr_start(const PgQuery__Node* node) {
    // Most expression nodes carry a location; fall back to 0 (unknown).
    switch (node->node_case) {
        case PG_QUERY__NODE__NODE_A_CONST: return pos(node->a_const->location);
        case PG_QUERY__NODE__NODE_FUNC_CALL: return pos(node->func_call->location);
        case PG_QUERY__NODE__NODE_TYPE_CAST: {
            int inner = expr_start(node->type_cast->arg);
            int own = pos(node->type_cast->location);
            return inner > 0 && inner < own ? inner : own;
        }
        case PG_QUERY__NODE__NODE_A_EXPR: {
            int left = node->a_expr->lexpr ? expr_start(node->a_expr->lexpr) : 0;
            int own = pos(node->a_expr->location);
            return left > 0 && left < own ? left : own;
        }
        case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: return pos(node->sqlvalue_function->location);
        case PG_QUERY__NODE__NODE_COLUMN_REF: return pos(node->column_ref->location);
        default: return 0;
    }
}

void transform_column_constraint(TransformContext& ctx, const PgQuery__Constraint* c, ColumnDefAst& col) {
    switch (c->contype) {
        case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: col.not_null = true; break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_NULL: break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: col.primary_key = true; col.not_null = true; break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: col.unique = true; break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
            col.default_value = transform_expr(ctx, c->raw_expr);
            col.default_sql = slice_default(*ctx.sql, expr_start(c->raw_expr));
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
            col.check = transform_expr(ctx, c->raw_expr);
            col.check_sql = slice_check(*ctx.sql, pos(c->location));
            col.check_name = c->conname ? c->conname : "";
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: break;  // accepted, not enforced (documented)
        default: unsupported("this column constraint", pos(c->location));
    }
}

ColumnDefAst transform_column_def(TransformContext& ctx, const PgQuery__ColumnDef* d) {
    ColumnDefAst col;
    col.name = d->colname;
    col.position = pos(d->location);
    col.type = transform_type_name(ctx, d->type_name);
    col.not_null = d->is_not_null;
    if (d->raw_default) {
        col.default_value = transform_expr(ctx, d->raw_default);
        col.default_sql = slice_default(*ctx.sql, expr_start(d->raw_default));
    }
    for (size_t i = 0; i < d->n_constraints; i++) transform_column_constraint(ctx, d->constraints[i]->constraint, col);
    return col;
}

std::vector<std::string> string_list(PgQuery__Node** items, size_t n) {
    std::vector<std::string> out;
    for (size_t i = 0; i < n; i++) out.push_back(node_string(items[i]));
    return out;
}

std::string def_elem_value(const PgQuery__Node* arg) {
    if (!arg) return "";
    switch (arg->node_case) {
        case PG_QUERY__NODE__NODE_STRING: return arg->string->sval;
        case PG_QUERY__NODE__NODE_INTEGER: return std::to_string(arg->integer->ival);
        case PG_QUERY__NODE__NODE_FLOAT: return arg->float_->fval;
        case PG_QUERY__NODE__NODE_BOOLEAN: return arg->boolean->boolval ? "true" : "false";
        case PG_QUERY__NODE__NODE_A_STAR: return "*";
        case PG_QUERY__NODE__NODE_TYPE_NAME: return node_string(arg->type_name->names[arg->type_name->n_names - 1]);
        case PG_QUERY__NODE__NODE_LIST: {
            std::string out;
            for (size_t i = 0; i < arg->list->n_items; i++) {
                if (i) out += ',';
                out += def_elem_value(arg->list->items[i]);
            }
            return out;
        }
        default: return "";
    }
}

std::unique_ptr<Statement> make_statement(StatementKind kind) {
    auto s = std::make_unique<Statement>();
    s->kind = kind;
    return s;
}

std::unique_ptr<Statement> transform_create(TransformContext& ctx, const PgQuery__CreateStmt* c) {
    auto s = make_statement(StatementKind::kCreateTable);
    s->target = qualified(c->relation);
    s->temporary = temporary_relation(c->relation, c->oncommit, *s);
    s->if_not_exists = c->if_not_exists;
    if (c->n_inh_relations || c->partbound || c->of_typename) unsupported("table inheritance and typed tables", s->target.position);
    if (c->partspec) {
        std::string strategy = c->partspec->strategy ? c->partspec->strategy : "";
        if (strategy != "list") unsupported("PARTITION BY " + strategy + " (use PARTITION BY LIST)", pos(c->partspec->location));
        if (c->partspec->n_part_params != 1) unsupported("more than one partition key", pos(c->partspec->location));
        s->partition_sql = slice_check(*ctx.sql, pos(c->partspec->location));
    }
    for (size_t i = 0; i < c->n_options; i++) {
        const PgQuery__DefElem* d = c->options[i]->def_elem;
        s->table_options.emplace_back(d->defname, def_elem_value(d->arg));
    }
    for (size_t i = 0; i < c->n_table_elts; i++) {
        const PgQuery__Node* e = c->table_elts[i];
        if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
            s->column_defs.push_back(transform_column_def(ctx, e->column_def));
        } else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
            const PgQuery__Constraint* k = e->constraint;
            std::string name = k->conname ? k->conname : "";
            if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
                if (s->has_primary_key) unsupported("two PRIMARY KEY constraints", pos(k->location));
                s->has_primary_key = true;
                s->unique_keys.insert(s->unique_keys.begin(), string_list(k->keys, k->n_keys));
                s->unique_key_names.insert(s->unique_key_names.begin(), name);
                // PRIMARY KEY implies NOT NULL on its columns.
                for (size_t j = 0; j < k->n_keys; j++) {
                    for (auto& col : s->column_defs) {
                        if (col.name == node_string(k->keys[j])) col.not_null = true;
                    }
                }
            } else if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) {
                s->unique_keys.push_back(string_list(k->keys, k->n_keys));
                s->unique_key_names.push_back(name);
            } else if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
                s->checks.push_back(transform_expr(ctx, k->raw_expr));
                s->check_sqls.push_back(slice_check(*ctx.sql, pos(k->location)));
                s->check_names.push_back(name);
            } else if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
                // accepted, not enforced
            } else {
                unsupported("this table constraint", pos(k->location));
            }
        } else {
            unsupported("this table element", s->target.position);
        }
    }
    return s;
}

std::unique_ptr<Statement> transform_drop(const PgQuery__DropStmt* d) {
    auto s = make_statement(StatementKind::kDrop);
    s->if_exists = d->missing_ok;
    s->cascade = d->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    switch (d->remove_type) {
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: s->object_type = "table"; break;
        case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: s->object_type = "view"; break;
        case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: s->object_type = "schema"; break;
        default: unsupported("DROP of this object type", 0);
    }
    for (size_t i = 0; i < d->n_objects; i++) {
        const PgQuery__Node* o = d->objects[i];
        QualifiedName q;
        if (o->node_case == PG_QUERY__NODE__NODE_LIST) {
            auto names = string_list(o->list->items, o->list->n_items);
            if (names.size() > 2) unsupported("cross-database references", 0);
            q.name = names.back();
            if (names.size() == 2) q.schema = names[0];
        } else {
            q.name = node_string(o);
        }
        s->targets.push_back(q);
    }
    return s;
}

std::unique_ptr<Statement> transform_alter(TransformContext& ctx, const PgQuery__AlterTableStmt* a) {
    auto s = make_statement(StatementKind::kAlterTable);
    s->target = qualified(a->relation);
    s->if_exists = a->missing_ok;
    for (size_t i = 0; i < a->n_cmds; i++) {
        const PgQuery__AlterTableCmd* c = a->cmds[i]->alter_table_cmd;
        AlterCommand cmd{};
        cmd.if_exists = c->missing_ok;
        switch (c->subtype) {
            case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
                cmd.kind = AlterKind::kAddColumn;
                cmd.column = transform_column_def(ctx, c->def->column_def);
                cmd.if_not_exists = c->missing_ok;
                break;
            case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
                cmd.kind = AlterKind::kDropColumn;
                cmd.column_name = c->name;
                break;
            case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
                cmd.kind = AlterKind::kSetNotNull;
                cmd.column_name = c->name;
                break;
            case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
                cmd.kind = AlterKind::kDropNotNull;
                cmd.column_name = c->name;
                break;
            case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
                cmd.kind = AlterKind::kAlterType;
                cmd.column_name = c->name;
                cmd.column = transform_column_def(ctx, c->def->column_def);
                break;
            case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
                cmd.kind = AlterKind::kSetDefault;
                cmd.column_name = c->name;
                if (c->def) {
                    cmd.column.default_value = transform_expr(ctx, c->def);
                    cmd.column.default_sql = slice_default(*ctx.sql, expr_start(c->def));
                }
                break;
            default: unsupported("this ALTER TABLE action", s->target.position);
        }
        s->alter_commands.push_back(std::move(cmd));
    }
    return s;
}

}  // namespace

std::unique_ptr<Statement> transform_statement(TransformContext& ctx, const PgQuery__Node* node) {
    switch (node->node_case) {
        case PG_QUERY__NODE__NODE_SELECT_STMT: {
            auto s = make_statement(StatementKind::kSelect);
            s->select = transform_select(ctx, node->select_stmt);
            return s;
        }
        case PG_QUERY__NODE__NODE_INSERT_STMT: {
            const PgQuery__InsertStmt* i = node->insert_stmt;
            auto s = make_statement(StatementKind::kInsert);
            s->target = qualified(i->relation);
            if (i->relation->alias) s->target_alias = i->relation->alias->aliasname;
            if (const PgQuery__OnConflictClause* oc = i->on_conflict_clause) {
                s->conflict_action = oc->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_NOTHING ? "nothing" : "update";
                if (oc->infer) {
                    if (oc->infer->where_clause) unsupported("ON CONFLICT with a partial index predicate", pos(oc->location));
                    if (oc->infer->conname) s->conflict_constraint = oc->infer->conname;
                    for (size_t k = 0; k < oc->infer->n_index_elems; k++) {
                        const PgQuery__IndexElem* e = oc->infer->index_elems[k]->index_elem;
                        if (!e->name) unsupported("ON CONFLICT on an expression", pos(oc->location));
                        s->conflict_columns.push_back(e->name);
                    }
                }
                for (size_t k = 0; k < oc->n_target_list; k++) {
                    const PgQuery__ResTarget* t = assignment_target(oc->target_list[k]);
                    s->conflict_set_columns.push_back(t->name);
                    bool is_default = t->val && t->val->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT;
                    s->set_default.push_back(is_default);
                    s->conflict_values.push_back(is_default ? nullptr : transform_expr(ctx, t->val));
                }
                if (oc->where_clause) s->conflict_where = transform_expr(ctx, oc->where_clause);
            }
            if (i->n_returning_list) unsupported("RETURNING", s->target.position);
            for (size_t k = 0; k < i->n_cols; k++) s->columns.push_back(i->cols[k]->res_target->name);
            if (!i->select_stmt) unsupported("INSERT ... DEFAULT VALUES", s->target.position);
            s->select = transform_select_node(ctx, i->select_stmt);
            if (i->with_clause) unsupported("WITH before INSERT", s->target.position);
            return s;
        }
        case PG_QUERY__NODE__NODE_CREATE_STMT: return transform_create(ctx, node->create_stmt);
        case PG_QUERY__NODE__NODE_CHECK_POINT_STMT: return make_statement(StatementKind::kCheckpoint);
        case PG_QUERY__NODE__NODE_VACUUM_STMT: {
            auto s = make_statement(StatementKind::kVacuum);
            if (!node->vacuum_stmt->is_vacuumcmd) unsupported("ANALYZE (statistics are kept as rows are written)", 0);
            return s;
        }
        case PG_QUERY__NODE__NODE_UPDATE_STMT: return transform_update(ctx, node->update_stmt);
        case PG_QUERY__NODE__NODE_DELETE_STMT: return transform_delete(ctx, node->delete_stmt);
        case PG_QUERY__NODE__NODE_MERGE_STMT: return transform_merge(ctx, node->merge_stmt);
        case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
            const PgQuery__CreateTableAsStmt* c = node->create_table_as_stmt;
            if (c->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) unsupported("materialized views (a later issue)", 0);
            auto s = make_statement(StatementKind::kCreateTableAs);
            s->target = qualified(c->into->rel);
            s->temporary = temporary_relation(c->into->rel, c->into->on_commit, *s);
            s->if_not_exists = c->if_not_exists;
            s->columns = string_list(c->into->col_names, c->into->n_col_names);
            s->select = transform_select_node(ctx, c->query);
            if (c->into->skip_data) s->reset = true;  // WITH NO DATA
            return s;
        }
        case PG_QUERY__NODE__NODE_VIEW_STMT: {
            const PgQuery__ViewStmt* v = node->view_stmt;
            auto s = make_statement(StatementKind::kCreateView);
            s->target = qualified(v->view);
            s->temporary = temporary_relation(v->view, PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_NOOP, *s);
            s->or_replace = v->replace;
            s->columns = string_list(v->aliases, v->n_aliases);
            s->select = transform_select_node(ctx, v->query);
            return s;
        }
        case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT: {
            auto s = make_statement(StatementKind::kCreateSchema);
            s->target.name = node->create_schema_stmt->schemaname;
            s->if_not_exists = node->create_schema_stmt->if_not_exists;
            if (node->create_schema_stmt->n_schema_elts) unsupported("CREATE SCHEMA with elements", 0);
            return s;
        }
        case PG_QUERY__NODE__NODE_DROP_STMT: return transform_drop(node->drop_stmt);
        case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: return transform_alter(ctx, node->alter_table_stmt);
        case PG_QUERY__NODE__NODE_RENAME_STMT: {
            const PgQuery__RenameStmt* r = node->rename_stmt;
            std::unique_ptr<Statement> s;
            if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
                s = make_statement(StatementKind::kRenameTable);
            } else if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN) {
                s = make_statement(StatementKind::kRenameColumn);
                s->old_name = r->subname;
            } else {
                unsupported("renaming this kind of object", 0);
            }
            s->target = qualified(r->relation);
            s->new_name = r->newname;
            s->if_exists = r->missing_ok;
            return s;
        }
        case PG_QUERY__NODE__NODE_TRUNCATE_STMT: {
            auto s = make_statement(StatementKind::kTruncate);
            for (size_t i = 0; i < node->truncate_stmt->n_relations; i++) {
                s->targets.push_back(qualified(node->truncate_stmt->relations[i]->range_var));
            }
            return s;
        }
        case PG_QUERY__NODE__NODE_COPY_STMT: {
            const PgQuery__CopyStmt* c = node->copy_stmt;
            auto s = make_statement(StatementKind::kCopy);
            s->copy_from = c->is_from;
            if (c->is_program) unsupported("COPY ... PROGRAM", 0);
            if (c->relation) s->target = qualified(c->relation);
            if (c->query) s->select = transform_select_node(ctx, c->query);
            s->columns = string_list(c->attlist, c->n_attlist);
            if (c->filename) {
                s->file_name = c->filename;
            } else {
                s->copy_stdio = true;
            }
            if (c->where_clause) unsupported("COPY ... WHERE", 0);
            for (size_t i = 0; i < c->n_options; i++) {
                const PgQuery__DefElem* d = c->options[i]->def_elem;
                CopyOption o;
                o.name = d->defname;
                o.has_value = d->arg != nullptr;
                o.value = def_elem_value(d->arg);
                s->options.push_back(o);
            }
            return s;
        }
        case PG_QUERY__NODE__NODE_EXPLAIN_STMT: {
            const PgQuery__ExplainStmt* e = node->explain_stmt;
            auto s = make_statement(StatementKind::kExplain);
            for (size_t i = 0; i < e->n_options; i++) {
                const PgQuery__DefElem* d = e->options[i]->def_elem;
                std::string name = d->defname;
                std::string value = def_elem_value(d->arg);
                if (name == "analyze") s->analyze = value != "false" && value != "off" && value != "0";
            }
            s->explained = transform_statement(ctx, e->query);
            return s;
        }
        case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: {
            const PgQuery__VariableSetStmt* v = node->variable_set_stmt;
            auto s = make_statement(StatementKind::kSet);
            s->setting_name = v->name ? v->name : "";
            s->reset = v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET ||
                       v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT ||
                       v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL;
            if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI) {
                // SET TRANSACTION ... / SET SESSION CHARACTERISTICS: accepted, nothing to change yet
                s->setting_name = "";
            }
            for (size_t i = 0; i < v->n_args; i++) {
                auto e = transform_expr(ctx, v->args[i]);
                if (e->kind == ExprKind::kConstant) {
                    s->setting_values.push_back(e->value);
                } else if (e->kind == ExprKind::kColumnRef) {
                    s->setting_values.push_back(Value::varchar(e->names.back()));
                } else {
                    throw Error(sql_state::kSyntaxError, "SET takes constant values", e->position);
                }
            }
            return s;
        }
        case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT: {
            auto s = make_statement(StatementKind::kShow);
            s->setting_name = node->variable_show_stmt->name;
            return s;
        }
        case PG_QUERY__NODE__NODE_TRANSACTION_STMT: {
            auto s = make_statement(StatementKind::kTransaction);
            switch (node->transaction_stmt->kind) {
                case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
                case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START: s->transaction_kind = "begin"; break;
                case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT: s->transaction_kind = "commit"; break;
                case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK: s->transaction_kind = "rollback"; break;
                case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT: s->transaction_kind = "savepoint"; break;
                case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE: s->transaction_kind = "release"; break;
                case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO: s->transaction_kind = "rollback_to"; break;
                default: unsupported("this transaction statement", 0);
            }
            if (node->transaction_stmt->savepoint_name) s->old_name = node->transaction_stmt->savepoint_name;
            return s;
        }
        case PG_QUERY__NODE__NODE_CALL_STMT: {
            auto s = make_statement(StatementKind::kCall);
            PgQuery__Node wrapper = PG_QUERY__NODE__INIT;
            wrapper.node_case = PG_QUERY__NODE__NODE_FUNC_CALL;
            wrapper.func_call = node->call_stmt->funccall;
            s->call = transform_expr(ctx, &wrapper);
            return s;
        }
        default: break;
    }
    unsupported("this statement", 0);
}

}  // namespace basalt::detail

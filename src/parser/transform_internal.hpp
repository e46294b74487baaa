// Shared by the transform_*.cpp files: converting libpg_query's protobuf-c tree into parser/ast.hpp nodes.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <string>

#include "parser/ast.hpp"

namespace basalt::detail {

// Limits recursion so hostile nesting becomes an error (54001), not a stack overflow.
class DepthGuard {
public:
    explicit DepthGuard(int& depth);
    ~DepthGuard() { depth_--; }

private:
    int& depth_;
};

struct TransformContext {
    const std::string* sql = nullptr;
    int depth = 0;
};

int pos(int32_t location);  // 0-based byte offset (-1 unknown) to 1-based position (0 unknown)
std::string node_string(const PgQuery__Node* node);
[[noreturn]] void unsupported(const std::string& what, int position);

ParsedExprPtr transform_expr(TransformContext& ctx, const PgQuery__Node* node);
std::unique_ptr<SelectStmt> transform_select(TransformContext& ctx, const PgQuery__SelectStmt* stmt);
std::unique_ptr<SelectStmt> transform_select_node(TransformContext& ctx, const PgQuery__Node* node);
TypeNameAst transform_type_name(TransformContext& ctx, const PgQuery__TypeName* type);
std::vector<OrderByItem> transform_order_by(TransformContext& ctx, PgQuery__Node** items, size_t n);
std::unique_ptr<WindowSpec> transform_window(TransformContext& ctx, const PgQuery__WindowDef* def);
std::unique_ptr<TableRef> transform_table_ref(TransformContext& ctx, const PgQuery__Node* node);
// `column = value` of SET lists (UPDATE, MERGE, ON CONFLICT): refuses a.b = ... and (a, b) = (...) (0A000).
const PgQuery__ResTarget* assignment_target(const PgQuery__Node* node);
std::unique_ptr<Statement> transform_update(TransformContext& ctx, const PgQuery__UpdateStmt* update);
std::unique_ptr<Statement> transform_delete(TransformContext& ctx, const PgQuery__DeleteStmt* del);
std::unique_ptr<Statement> transform_merge(TransformContext& ctx, const PgQuery__MergeStmt* merge);
std::unique_ptr<Statement> transform_statement(TransformContext& ctx, const PgQuery__Node* node);

}  // namespace basalt::detail

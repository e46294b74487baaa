#include "parser/ast_walk.hpp"

namespace basalt {

namespace {

void walk_expr(const ParsedExpr* e, std::vector<std::string>& out);

void walk_ref(const TableRef& r, std::vector<std::string>& out) {
    switch (r.kind) {
        case TableRefKind::kBaseTable: out.push_back(r.name); break;
        case TableRefKind::kSubquery: collect_relation_names(*r.subquery, out); break;
        case TableRefKind::kJoin:
            walk_ref(*r.left, out);
            walk_ref(*r.right, out);
            walk_expr(r.condition.get(), out);
            break;
        default: break;
    }
}

void walk_expr(const ParsedExpr* e, std::vector<std::string>& out) {
    if (!e) return;
    if (e->subquery) collect_relation_names(*e->subquery, out);
    for (const auto& c : e->children) walk_expr(c.get(), out);
    for (const auto& wt : e->when_then) {
        walk_expr(wt.when.get(), out);
        walk_expr(wt.then.get(), out);
    }
    walk_expr(e->else_expr.get(), out);
    walk_expr(e->filter.get(), out);
}

}  // namespace

void collect_relation_names(const SelectStmt& s, std::vector<std::string>& out) {
    if (s.with) {
        for (const auto& cte : s.with->ctes) collect_relation_names(*cte.query, out);
    }
    if (s.left) collect_relation_names(*s.left, out);
    if (s.right) collect_relation_names(*s.right, out);
    for (const auto& f : s.from) walk_ref(*f, out);
    for (const auto& t : s.targets) walk_expr(t.get(), out);
    walk_expr(s.where.get(), out);
    walk_expr(s.having.get(), out);
    for (const auto& row : s.values) {
        for (const auto& v : row) walk_expr(v.get(), out);
    }
}

}  // namespace basalt

#include "planner/expression.hpp"

#include <fmt/format.h>

namespace basalt {

ExprPtr Expression::copy() const {
    auto e = std::make_unique<Expression>(kind, type);
    e->alias = alias;
    e->binding = binding;
    e->depth = depth;
    e->index = index;
    e->value = value;
    e->function = function;
    e->negated = negated;
    e->unknown_literal = unknown_literal;
    for (const auto& c : children) e->children.push_back(c->copy());
    return e;
}

bool Expression::equals(const Expression& o) const {
    if (kind != o.kind || type != o.type || negated != o.negated || children.size() != o.children.size()) return false;
    switch (kind) {
        case ExpressionKind::kColumnRef:
            if (!(binding == o.binding) || depth != o.depth) return false;
            break;
        case ExpressionKind::kBoundRef:
            if (index != o.index) return false;
            break;
        case ExpressionKind::kConstant:
            if (value.is_null() != o.value.is_null() || value.to_string() != o.value.to_string()) return false;
            break;
        case ExpressionKind::kFunction:
            if (function.name != o.function.name || function.function != o.function.function) return false;
            if (function.constant_args.size() != o.function.constant_args.size()) return false;
            break;
        default: break;
    }
    for (size_t i = 0; i < children.size(); i++) {
        if (!children[i]->equals(*o.children[i])) return false;
    }
    return true;
}

bool Expression::is_volatile() const {
    if (kind == ExpressionKind::kFunction && function.function && function.function->is_volatile) return true;
    for (const auto& c : children) {
        if (c->is_volatile()) return true;
    }
    return false;
}

std::string Expression::to_string() const {
    auto join_children = [&](const char* sep) {
        std::string out;
        for (size_t i = 0; i < children.size(); i++) {
            if (i) out += sep;
            out += children[i]->to_string();
        }
        return out;
    };
    switch (kind) {
        case ExpressionKind::kColumnRef:
            if (!alias.empty()) return alias;
            return fmt::format("#{}.{}", binding.table_index, binding.column_index);
        case ExpressionKind::kBoundRef: return alias.empty() ? fmt::format("#{}", index) : alias;
        case ExpressionKind::kConstant:
            if (value.is_null()) return "NULL";
            if (value.type().is_string()) return "'" + value.to_string() + "'";
            return value.to_string();
        case ExpressionKind::kFunction: {
            static const std::pair<const char*, const char*> kOps[] = {
                {"add", "+"}, {"subtract", "-"}, {"multiply", "*"}, {"divide", "/"}, {"mod", "%"},
                {"eq", "="},  {"ne", "<>"},      {"lt", "<"},       {"gt", ">"},      {"le", "<="},
                {"ge", ">="}, {"concat_op", "||"}};
            for (auto [name, op] : kOps) {
                if (function.name == name && children.size() == 2) {
                    return fmt::format("({} {} {})", children[0]->to_string(), op, children[1]->to_string());
                }
            }
            return fmt::format("{}({})", function.name, join_children(", "));
        }
        case ExpressionKind::kCast: return fmt::format("CAST({} AS {})", children[0]->to_string(), type.to_string());
        case ExpressionKind::kAnd: return "(" + join_children(" AND ") + ")";
        case ExpressionKind::kOr: return "(" + join_children(" OR ") + ")";
        case ExpressionKind::kNot: return "(NOT " + children[0]->to_string() + ")";
        case ExpressionKind::kIsNull: return fmt::format("({} IS {}NULL)", children[0]->to_string(), negated ? "NOT " : "");
        case ExpressionKind::kCase: return "CASE(" + join_children(", ") + ")";
        case ExpressionKind::kCoalesce: return "COALESCE(" + join_children(", ") + ")";
        case ExpressionKind::kGreatest: return "GREATEST(" + join_children(", ") + ")";
        case ExpressionKind::kLeast: return "LEAST(" + join_children(", ") + ")";
        case ExpressionKind::kInList: {
            std::string out = children[0]->to_string() + (negated ? " NOT IN (" : " IN (");
            for (size_t i = 1; i < children.size(); i++) {
                if (i > 1) out += ", ";
                out += children[i]->to_string();
            }
            return out + ")";
        }
        case ExpressionKind::kDistinctFrom:
            return fmt::format("({} IS {}DISTINCT FROM {})", children[0]->to_string(), negated ? "NOT " : "",
                               children[1]->to_string());
    }
    return "?";
}

ExprPtr make_column_ref(ColumnBinding binding, LogicalType type, std::string alias) {
    auto e = std::make_unique<Expression>(ExpressionKind::kColumnRef, type);
    e->binding = binding;
    e->alias = std::move(alias);
    return e;
}

ExprPtr make_constant(Value value) {
    auto e = std::make_unique<Expression>(ExpressionKind::kConstant, value.type());
    e->value = std::move(value);
    return e;
}

ExprPtr make_cast(ExprPtr child, const LogicalType& target) {
    if (child->type == target) return child;
    auto e = std::make_unique<Expression>(ExpressionKind::kCast, target);
    e->children.push_back(std::move(child));
    return e;
}

ExprPtr make_conjunction(ExpressionKind kind, ExprPtr left, ExprPtr right) {
    auto e = std::make_unique<Expression>(kind, LogicalType::boolean());
    e->children.push_back(std::move(left));
    e->children.push_back(std::move(right));
    return e;
}

void split_conjunction(ExprPtr expr, std::vector<ExprPtr>& out) {
    if (expr->kind == ExpressionKind::kAnd) {
        for (auto& c : expr->children) split_conjunction(std::move(c), out);
        return;
    }
    out.push_back(std::move(expr));
}

ExprPtr combine_conjunction(std::vector<ExprPtr> parts) {
    if (parts.empty()) return nullptr;
    if (parts.size() == 1) return std::move(parts[0]);
    auto e = std::make_unique<Expression>(ExpressionKind::kAnd, LogicalType::boolean());
    e->children = std::move(parts);
    return e;
}

std::string AggregateExpression::to_string() const {
    std::string out = function.name + "(";
    if (distinct) out += "DISTINCT ";
    for (size_t i = 0; i < children.size(); i++) {
        if (i) out += ", ";
        out += children[i]->to_string();
    }
    if (children.empty() && function.name == "count_star") out += "*";
    return out + ")";
}

std::string WindowExpression::to_string() const {
    std::string out = name + "(";
    for (size_t i = 0; i < children.size(); i++) {
        if (i) out += ", ";
        out += children[i]->to_string();
    }
    out += ")";
    if (filter) out += " FILTER (WHERE " + filter->to_string() + ")";
    return out + " OVER (...)";
}

}  // namespace basalt

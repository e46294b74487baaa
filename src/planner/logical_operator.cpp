#include "planner/logical_operator.hpp"

#include <fmt/format.h>

namespace basalt {

const char* join_type_name(JoinType type) {
    switch (type) {
        case JoinType::kInner: return "INNER";
        case JoinType::kLeft: return "LEFT";
        case JoinType::kRight: return "RIGHT";
        case JoinType::kFull: return "FULL";
        case JoinType::kSemi: return "SEMI";
        case JoinType::kAnti: return "ANTI";
        case JoinType::kMark: return "MARK";
        case JoinType::kSingle: return "SINGLE";
    }
    return "?";
}

std::vector<ColumnBinding> LogicalOperator::bindings() const {
    std::vector<ColumnBinding> out;
    for (const auto& c : children) {
        auto b = c->bindings();
        out.insert(out.end(), b.begin(), b.end());
    }
    return out;
}

std::vector<LogicalType> LogicalOperator::types() const {
    std::vector<LogicalType> out;
    for (const auto& c : children) {
        auto t = c->types();
        out.insert(out.end(), t.begin(), t.end());
    }
    return out;
}

std::string LogicalOperator::name() const {
    switch (kind) {
        case LogicalKind::kGet: return "GET";
        case LogicalKind::kTableFunction: return "TABLE_FUNCTION";
        case LogicalKind::kFilter: return "FILTER";
        case LogicalKind::kProjection: return "PROJECTION";
        case LogicalKind::kAggregate: return "AGGREGATE";
        case LogicalKind::kJoin: return "JOIN";
        case LogicalKind::kCrossProduct: return "CROSS_PRODUCT";
        case LogicalKind::kOrder: return "ORDER";
        case LogicalKind::kLimit: return "LIMIT";
        case LogicalKind::kWindow: return "WINDOW";
        case LogicalKind::kSetOp: return "SET_OPERATION";
        case LogicalKind::kValues: return "VALUES";
        case LogicalKind::kDummyScan: return "DUMMY_SCAN";
        case LogicalKind::kRecursiveCte: return "RECURSIVE_CTE";
        case LogicalKind::kCteScan: return "CTE_SCAN";
        case LogicalKind::kEmpty: return "EMPTY_RESULT";
    }
    return "?";
}

std::string LogicalOperator::to_string(int indent) const {
    std::string out(static_cast<size_t>(indent) * 2, ' ');
    out += name();
    std::string d = details();
    if (!d.empty()) out += " " + d;
    out += "\n";
    for (const auto& c : children) out += c->to_string(indent + 1);
    return out;
}

std::vector<ColumnBinding> LogicalGet::bindings() const {
    std::vector<ColumnBinding> out;
    for (uint32_t i = 0; i < column_ids.size(); i++) out.push_back({table_index, i});
    return out;
}

std::vector<LogicalType> LogicalGet::types() const {
    std::vector<LogicalType> out;
    for (idx_t id : column_ids) out.push_back(id == kRowIdColumn ? LogicalType::bigint() : table->columns[id].type);
    return out;
}

std::string LogicalGet::details() const {
    std::string out = table->name;
    for (const auto& f : filters) out += " [" + f->to_string() + "]";
    return out;
}

std::vector<ColumnBinding> LogicalTableFunction::bindings() const {
    std::vector<ColumnBinding> out;
    for (uint32_t i = 0; i < column_types.size(); i++) out.push_back({table_index, i});
    return out;
}

std::vector<ColumnBinding> LogicalProjection::bindings() const {
    std::vector<ColumnBinding> out;
    for (uint32_t i = 0; i < expressions.size(); i++) out.push_back({table_index, i});
    return out;
}

std::vector<LogicalType> LogicalProjection::types() const {
    std::vector<LogicalType> out;
    for (const auto& e : expressions) out.push_back(e->type);
    return out;
}

std::string LogicalProjection::details() const {
    std::string out;
    for (size_t i = 0; i < expressions.size(); i++) {
        if (i) out += ", ";
        out += expressions[i]->to_string();
    }
    return out;
}

std::string LogicalFilter::details() const {
    std::string out;
    for (size_t i = 0; i < expressions.size(); i++) {
        if (i) out += " AND ";
        out += expressions[i]->to_string();
    }
    return out;
}

std::vector<ColumnBinding> LogicalAggregate::bindings() const {
    std::vector<ColumnBinding> out;
    for (uint32_t i = 0; i < groups.size(); i++) out.push_back({group_index, i});
    for (uint32_t i = 0; i < aggregates.size(); i++) out.push_back({aggregate_index, i});
    for (uint32_t i = 0; i < grouping_functions.size(); i++) out.push_back({grouping_index, i});
    return out;
}

std::vector<LogicalType> LogicalAggregate::types() const {
    std::vector<LogicalType> out;
    for (const auto& g : groups) out.push_back(g->type);
    for (const auto& a : aggregates) out.push_back(a.function.return_type);
    for (size_t i = 0; i < grouping_functions.size(); i++) out.push_back(LogicalType::bigint());
    return out;
}

std::string LogicalAggregate::details() const {
    std::string out;
    for (const auto& g : groups) out += (out.empty() ? "" : ", ") + g->to_string();
    if (!out.empty()) out = "GROUP BY " + out + " ";
    for (size_t i = 0; i < aggregates.size(); i++) out += (i ? ", " : "") + aggregates[i].to_string();
    return out;
}

std::vector<ColumnBinding> LogicalJoin::bindings() const {
    std::vector<ColumnBinding> out = children[0]->bindings();
    if (join_type == JoinType::kSemi || join_type == JoinType::kAnti) return out;
    if (join_type == JoinType::kMark) {
        out.push_back({mark_index, 0});
        return out;
    }
    auto right = children[1]->bindings();
    out.insert(out.end(), right.begin(), right.end());
    return out;
}

std::vector<LogicalType> LogicalJoin::types() const {
    std::vector<LogicalType> out = children[0]->types();
    if (join_type == JoinType::kSemi || join_type == JoinType::kAnti) return out;
    if (join_type == JoinType::kMark) {
        out.push_back(LogicalType::boolean());
        return out;
    }
    auto right = children[1]->types();
    out.insert(out.end(), right.begin(), right.end());
    return out;
}

std::string LogicalJoin::details() const {
    std::string out = join_type_name(join_type);
    for (const auto& c : conditions) out += " " + c.left->to_string() + " = " + c.right->to_string();
    if (residual) out += " [" + residual->to_string() + "]";
    return out;
}

std::string LogicalOrder::details() const {
    std::string out;
    for (const auto& o : orders) out += (out.empty() ? "" : ", ") + o.expr->to_string() + (o.descending ? " DESC" : "");
    return out;
}

std::string LogicalLimit::details() const { return fmt::format("limit={} offset={}", limit, offset); }

std::vector<ColumnBinding> LogicalWindow::bindings() const {
    std::vector<ColumnBinding> out = children[0]->bindings();
    for (uint32_t i = 0; i < windows.size(); i++) out.push_back({window_index, i});
    return out;
}

std::vector<LogicalType> LogicalWindow::types() const {
    std::vector<LogicalType> out = children[0]->types();
    for (const auto& w : windows) out.push_back(w.type);
    return out;
}

std::vector<ColumnBinding> LogicalSetOp::bindings() const {
    std::vector<ColumnBinding> out;
    for (uint32_t i = 0; i < column_types.size(); i++) out.push_back({table_index, i});
    return out;
}

std::string LogicalSetOp::details() const {
    const char* n = op == SetOpType::kUnion ? "UNION" : op == SetOpType::kIntersect ? "INTERSECT" : "EXCEPT";
    return std::string(n) + (all ? " ALL" : "");
}

std::vector<ColumnBinding> LogicalValues::bindings() const {
    std::vector<ColumnBinding> out;
    for (uint32_t i = 0; i < column_types.size(); i++) out.push_back({table_index, i});
    return out;
}

std::vector<ColumnBinding> LogicalRecursiveCte::bindings() const {
    std::vector<ColumnBinding> out;
    for (uint32_t i = 0; i < column_types.size(); i++) out.push_back({table_index, i});
    return out;
}

std::vector<ColumnBinding> LogicalCteScan::bindings() const {
    std::vector<ColumnBinding> out;
    for (uint32_t i = 0; i < column_types.size(); i++) out.push_back({table_index, i});
    return out;
}

}  // namespace basalt

// Row-count estimates for join ordering: table sizes times fixed selectivities per predicate kind (a later
// issue replaces them with collected statistics).
#include <algorithm>

#include "optimizer/optimizer.hpp"

namespace basalt {

namespace {

double selectivity(const Expression& e) {
    switch (e.kind) {
        case ExpressionKind::kAnd: {
            double s = 1;
            for (const auto& c : e.children) s *= selectivity(*c);
            return s;
        }
        case ExpressionKind::kOr: {
            double s = 0;
            for (const auto& c : e.children) s += selectivity(*c);
            return std::min(1.0, s);
        }
        case ExpressionKind::kInList: return std::min(1.0, 0.05 * static_cast<double>(e.children.size() - 1));
        case ExpressionKind::kFunction:
            if (e.function.name == "eq") return 0.05;
            if (e.function.name == "ne") return 0.9;
            if (e.function.name == "lt" || e.function.name == "gt" || e.function.name == "le" || e.function.name == "ge") return 0.4;
            if (e.function.name == "like" || e.function.name == "ilike") return 0.1;
            return 0.5;
        case ExpressionKind::kIsNull: return e.negated ? 0.95 : 0.05;
        default: return 0.5;
    }
}

}  // namespace

double estimate_rows(const LogicalOperator& op) {
    switch (op.kind) {
        case LogicalKind::kGet: {
            const auto& get = static_cast<const LogicalGet&>(op);
            double rows = static_cast<double>(get.table->storage->live_row_count());
            // Range predicates on one column (a >= x AND a < y) select together, not independently.
            int ranges = 0;
            for (const auto& f : get.filters) {
                double s = selectivity(*f);
                if (f->kind == ExpressionKind::kFunction && s == 0.4) {
                    if (++ranges > 1) s = 0.75;
                }
                rows *= s;
            }
            return std::max(1.0, rows);
        }
        case LogicalKind::kFilter: {
            double rows = estimate_rows(*op.children[0]);
            for (const auto& e : op.expressions) rows *= selectivity(*e);
            return std::max(1.0, rows);
        }
        case LogicalKind::kAggregate: {
            const auto& agg = static_cast<const LogicalAggregate&>(op);
            if (agg.groups.empty()) return 1;
            return std::max(1.0, estimate_rows(*op.children[0]) * 0.2);
        }
        case LogicalKind::kJoin: {
            const auto& join = static_cast<const LogicalJoin&>(op);
            if (join.estimated_rows > 0) return join.estimated_rows;
            double l = estimate_rows(*op.children[0]), r = estimate_rows(*op.children[1]);
            switch (join.join_type) {
                case JoinType::kSemi:
                case JoinType::kAnti: return std::max(1.0, l * 0.5);
                case JoinType::kMark:
                case JoinType::kSingle:
                case JoinType::kLeft: return l;
                case JoinType::kRight: return r;
                default: return std::max(l, r);
            }
        }
        case LogicalKind::kCrossProduct: return estimate_rows(*op.children[0]) * estimate_rows(*op.children[1]);
        case LogicalKind::kLimit: {
            const auto& limit = static_cast<const LogicalLimit&>(op);
            double rows = estimate_rows(*op.children[0]);
            return limit.limit >= 0 ? std::min(rows, static_cast<double>(limit.limit)) : rows;
        }
        case LogicalKind::kValues: return static_cast<double>(static_cast<const LogicalValues&>(op).rows.size());
        case LogicalKind::kDummyScan: return 1;
        case LogicalKind::kTableFunction: return 1000;
        case LogicalKind::kEmpty: return 0;
        default: {
            double rows = 1;
            for (const auto& c : op.children) rows = std::max(rows, estimate_rows(*c));
            return rows;
        }
    }
}

}  // namespace basalt

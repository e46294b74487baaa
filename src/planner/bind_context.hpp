// The names visible in one query level: the FROM items with their columns, and the columns merged by
// JOIN ... USING / NATURAL. Resolving a name yields a bound column reference (and, for base tables, tells
// the scan to read that column).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "planner/expression.hpp"
#include "planner/logical_operator.hpp"

namespace basalt {

struct BoundTableRef {
    std::string alias;
    std::vector<std::string> column_names;
    std::vector<LogicalType> column_types;
    uint32_t table_index = 0;
    LogicalGet* get = nullptr;           // base tables: columns are added to the scan when referenced
    std::vector<int> get_positions;      // table column -> position in get->column_ids, -1 if not read yet
    int rowid_position = -1;             // position of the ctid (row id) column in get->column_ids, -1 if not read
};

struct UsingColumn {
    std::string name;
    ExprPtr expression;  // what an unqualified reference means (left, right or COALESCE(left, right))
    std::vector<std::pair<size_t, size_t>> sources;  // (table ref, column) pairs merged into it
};

class BindContext {
public:
    void add_table(BoundTableRef ref, int position);
    // Resolves [qualifier.]column; nullptr when not found. Throws 42702 when ambiguous.
    ExprPtr resolve(const std::string& qualifier, const std::string& column, int position);
    // Every column for SELECT * (qualifier empty) or SELECT t.* ; throws 42P01 for an unknown qualifier.
    std::vector<std::pair<std::string, ExprPtr>> star(const std::string& qualifier, int position);
    ExprPtr column_of(size_t table, size_t column);
    ExprPtr row_id_of(const std::string& qualifier);
    bool has_qualifier(const std::string& qualifier) const;
    void add_using_column(UsingColumn column) { using_columns_.push_back(std::move(column)); }
    // Takes out the USING column `name` whose sources all lie in tables [begin, end), if there is one.
    std::optional<UsingColumn> take_using_column(const std::string& name, size_t begin, size_t end);
    // Marks a (table, column) as hidden from unqualified * because a USING column stands for it.
    bool is_merged(size_t table, size_t column) const;
    const std::vector<BoundTableRef>& tables() const { return tables_; }
    const std::vector<UsingColumn>& using_columns() const { return using_columns_; }
    size_t table_count() const { return tables_.size(); }

private:
    std::vector<BoundTableRef> tables_;
    std::vector<UsingColumn> using_columns_;
};

}  // namespace basalt

#include "io/tpch/tpch_dbgen_call.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "io/copy_statement.hpp"
#include "io/tpch/tpch_generator.hpp"

namespace basalt {

const char* tpch_schema_sql() {
    return R"(
CREATE TABLE region (r_regionkey INTEGER NOT NULL, r_name CHAR(25) NOT NULL, r_comment VARCHAR(152) NOT NULL, PRIMARY KEY (r_regionkey));
CREATE TABLE nation (n_nationkey INTEGER NOT NULL, n_name CHAR(25) NOT NULL, n_regionkey INTEGER NOT NULL, n_comment VARCHAR(152) NOT NULL, PRIMARY KEY (n_nationkey));
CREATE TABLE part (p_partkey INTEGER NOT NULL, p_name VARCHAR(55) NOT NULL, p_mfgr CHAR(25) NOT NULL, p_brand CHAR(10) NOT NULL, p_type VARCHAR(25) NOT NULL, p_size INTEGER NOT NULL, p_container CHAR(10) NOT NULL, p_retailprice DECIMAL(15,2) NOT NULL, p_comment VARCHAR(23) NOT NULL, PRIMARY KEY (p_partkey));
CREATE TABLE supplier (s_suppkey INTEGER NOT NULL, s_name CHAR(25) NOT NULL, s_address VARCHAR(40) NOT NULL, s_nationkey INTEGER NOT NULL, s_phone CHAR(15) NOT NULL, s_acctbal DECIMAL(15,2) NOT NULL, s_comment VARCHAR(101) NOT NULL, PRIMARY KEY (s_suppkey));
CREATE TABLE partsupp (ps_partkey INTEGER NOT NULL, ps_suppkey INTEGER NOT NULL, ps_availqty INTEGER NOT NULL, ps_supplycost DECIMAL(15,2) NOT NULL, ps_comment VARCHAR(199) NOT NULL, PRIMARY KEY (ps_partkey, ps_suppkey));
CREATE TABLE customer (c_custkey INTEGER NOT NULL, c_name VARCHAR(25) NOT NULL, c_address VARCHAR(40) NOT NULL, c_nationkey INTEGER NOT NULL, c_phone CHAR(15) NOT NULL, c_acctbal DECIMAL(15,2) NOT NULL, c_mktsegment CHAR(10) NOT NULL, c_comment VARCHAR(117) NOT NULL, PRIMARY KEY (c_custkey));
CREATE TABLE orders (o_orderkey INTEGER NOT NULL, o_custkey INTEGER NOT NULL, o_orderstatus CHAR(1) NOT NULL, o_totalprice DECIMAL(15,2) NOT NULL, o_orderdate DATE NOT NULL, o_orderpriority CHAR(15) NOT NULL, o_clerk CHAR(15) NOT NULL, o_shippriority INTEGER NOT NULL, o_comment VARCHAR(79) NOT NULL, PRIMARY KEY (o_orderkey));
CREATE TABLE lineitem (l_orderkey INTEGER NOT NULL, l_partkey INTEGER NOT NULL, l_suppkey INTEGER NOT NULL, l_linenumber INTEGER NOT NULL, l_quantity DECIMAL(15,2) NOT NULL, l_extendedprice DECIMAL(15,2) NOT NULL, l_discount DECIMAL(15,2) NOT NULL, l_tax DECIMAL(15,2) NOT NULL, l_returnflag CHAR(1) NOT NULL, l_linestatus CHAR(1) NOT NULL, l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL, l_shipinstruct CHAR(25) NOT NULL, l_shipmode CHAR(10) NOT NULL, l_comment VARCHAR(44) NOT NULL, PRIMARY KEY (l_orderkey, l_linenumber));
)";
}

QueryResult execute_call(Connection& connection, const Statement& s) {
    const ParsedExpr& call = *s.call;
    std::string name = call.names.back();
    if (name != "dbgen") throw Error(sql_state::kUndefinedFunction, fmt::format("procedure {} does not exist", name), call.position);
    double sf = 1;
    for (size_t i = 0; i < call.children.size(); i++) {
        const std::string& arg_name = i < call.arg_names.size() ? call.arg_names[i] : "";
        const ParsedExpr& arg = *call.children[i];
        if (arg.kind != ExprKind::kConstant || arg.value.is_null()) {
            throw Error(sql_state::kInvalidParameterValue, "dbgen arguments must be constants", arg.position);
        }
        if (arg_name == "sf" || arg_name.empty()) {
            sf = cast_value(arg.value, LogicalType::double_type()).get_double();
        } else {
            throw Error(sql_state::kUndefinedFunction, fmt::format("dbgen has no parameter \"{}\"", arg_name), arg.position);
        }
    }
    if (!(sf > 0) || sf > 1000) throw Error(sql_state::kInvalidParameterValue, "dbgen: sf must be in (0, 1000]");
    connection.query(tpch_schema_sql());
    CsvOptions options;
    options.delimiter = '|';
    options.csv = false;
    options.null_string = "\x01";  // no NULLs in generated data
    for (TpchTable t : {TpchTable::kRegion, TpchTable::kNation, TpchTable::kSupplier, TpchTable::kCustomer, TpchTable::kPart,
                        TpchTable::kPartSupp, TpchTable::kOrders, TpchTable::kLineitem}) {
        auto table = connection.catalog().find_table("", tpch_table_name(t));
        std::vector<idx_t> columns;
        for (idx_t i = 0; i < table->columns.size(); i++) columns.push_back(i);
        std::string text;
        try {
            generate_tpch_table(t, sf, 0, 1, [&](std::string_view lines) { text.append(lines); });
        } catch (const std::runtime_error& e) {
            throw Error(sql_state::kInvalidParameterValue, e.what());
        }
        load_csv_into_table(connection, *table, columns, text, options, std::string("dbgen ") + tpch_table_name(t));
    }
    QueryResult r;
    r.command_tag = "CALL";
    return r;
}

}  // namespace basalt

#include "parser/parser.hpp"

#include <pg_query.h>
#include <pthread.h>

#include <exception>

#include "common/error.hpp"
#include "parser/transform_internal.hpp"

namespace basalt {

namespace {

// Owns libpg_query's results so every exit path frees them.
struct ProtobufParse {
    PgQueryProtobufParseResult result;
    PgQuery__ParseResult* tree = nullptr;
    explicit ProtobufParse(const std::string& sql) : result(pg_query_parse_protobuf(sql.c_str())) {}
    ~ProtobufParse() {
        if (tree) pg_query__parse_result__free_unpacked(tree, nullptr);
        pg_query_free_protobuf_parse_result(result);
    }
};

}  // namespace

namespace {

std::vector<std::unique_ptr<Statement>> parse_sql_on_this_thread(const std::string& sql);

// libpg_query's protobuf reader recurses once per nesting level of the parse tree; on hostile input
// (thousands of nested parentheses or chained operators) that outgrows a normal thread stack. Long statements
// are therefore parsed on a thread with a large stack, where the depth limit of the transform (54001) is
// reached first. Short statements cannot nest deep enough to matter.
constexpr size_t kLongStatement = 4096;
constexpr size_t kParserStack = size_t{1} << 30;  // reserved address space; only touched pages cost memory

struct ParseJob {
    const std::string* sql;
    std::vector<std::unique_ptr<Statement>> result;
    std::exception_ptr error;
};

void* run_parse_job(void* arg) {
    auto* job = static_cast<ParseJob*>(arg);
    try {
        job->result = parse_sql_on_this_thread(*job->sql);
    } catch (...) {
        job->error = std::current_exception();
    }
    return nullptr;
}

}  // namespace

std::vector<std::unique_ptr<Statement>> parse_sql(const std::string& sql) {
    if (sql.size() < kLongStatement) return parse_sql_on_this_thread(sql);
    ParseJob job{&sql, {}, nullptr};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, kParserStack);
    pthread_t thread;
    int rc = pthread_create(&thread, &attr, run_parse_job, &job);
    pthread_attr_destroy(&attr);
    if (rc != 0) return parse_sql_on_this_thread(sql);
    pthread_join(thread, nullptr);
    if (job.error) std::rethrow_exception(job.error);
    return std::move(job.result);
}

namespace {

std::vector<std::unique_ptr<Statement>> parse_sql_on_this_thread(const std::string& sql) {
    if (sql.find('\0') != std::string::npos) {
        throw Error(sql_state::kSyntaxError, "invalid NUL byte in statement text", static_cast<int>(sql.find('\0')) + 1);
    }
    ProtobufParse parse(sql);
    if (parse.result.error) {
        const PgQueryError* e = parse.result.error;
        std::string message = e->message ? e->message : "syntax error";
        SqlState state = sql_state::kSyntaxError;
        if (message.find("stack depth") != std::string::npos) {
            state = sql_state::kStatementTooComplex;
        } else if (message.find("frame") != std::string::npos) {
            state = sql_state::kWindowingError;
        } else if (message.find("out of range") != std::string::npos) {
            state = sql_state::kNumericValueOutOfRange;
        } else if (message.find("unterminated") != std::string::npos || message.find("invalid") == 0) {
            state = sql_state::kSyntaxError;
        }
        throw Error(state, message, e->cursorpos);
    }
    parse.tree = pg_query__parse_result__unpack(nullptr, parse.result.parse_tree.len,
                                                reinterpret_cast<const uint8_t*>(parse.result.parse_tree.data));
    if (!parse.tree) throw Error(sql_state::kInternalError, "could not read the parse tree");
    std::vector<std::unique_ptr<Statement>> out;
    detail::TransformContext ctx;
    ctx.sql = &sql;
    for (size_t i = 0; i < parse.tree->n_stmts; i++) {
        const PgQuery__RawStmt* raw = parse.tree->stmts[i];
        ctx.depth = 0;
        auto stmt = detail::transform_statement(ctx, raw->stmt);
        size_t start = static_cast<size_t>(raw->stmt_location);
        size_t len = raw->stmt_len == 0 ? sql.size() - start : static_cast<size_t>(raw->stmt_len);
        stmt->text = sql.substr(start, len);
        stmt->position = static_cast<int>(start) + 1;
        out.push_back(std::move(stmt));
    }
    return out;
}

}  // namespace

ParsedExprPtr parse_expression(const std::string& sql) {
    auto statements = parse_sql("SELECT " + sql);
    if (statements.size() != 1 || statements[0]->kind != StatementKind::kSelect ||
        statements[0]->select->targets.size() != 1) {
        throw Error(sql_state::kSyntaxError, "expected a single expression");
    }
    return std::move(statements[0]->select->targets[0]);
}

namespace {

std::string quote_doubling(const std::string& text, char quote) {
    std::string out(1, quote);
    for (char c : text) {
        if (c == quote) out += quote;
        out += c;
    }
    return out + quote;
}

}  // namespace

std::string quote_identifier(const std::string& name) { return quote_doubling(name, '"'); }
std::string quote_literal(const std::string& text) { return quote_doubling(text, '\''); }

}  // namespace basalt

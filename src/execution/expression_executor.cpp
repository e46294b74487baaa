#include "execution/expression_executor.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "execution/in_list_set.hpp"
#include "function/cast.hpp"
#include "types/physical_dispatch.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

// x IN (...): the elements that do not depend on the row are evaluated once, into a hash set, when the first
// rows arrive (so an error among them fires only if rows reach the IN, as before); the test value and the
// elements that do depend on the row are the state's children and run per chunk.
struct InListState {
    std::vector<const Expression*> constants;
    std::unique_ptr<InListSet> set;
    bool null_constant = false;  // a NULL element: "not found" becomes NULL
    std::vector<uint8_t> outcome;
};

struct ExpressionExecutor::State {
    const Expression* expr = nullptr;
    std::vector<std::unique_ptr<State>> children;
    std::vector<Vector> child_results;
    Vector scratch;
    DataChunk sliced;  // AND/OR/CASE/COALESCE: the input rows that reach an operand
    std::vector<std::vector<idx_t>> child_columns;  // input columns each child reads (only those are sliced)
    std::vector<sel_t> sel_a, sel_b;
    std::unique_ptr<InListState> in_list;
};

namespace {

bool depends_on_row(const Expression& e) {
    bool reads_input = false;
    visit_expression(e, [&](const Expression& x) {
        if (x.kind == ExpressionKind::kBoundRef || x.kind == ExpressionKind::kColumnRef) reads_input = true;
    });
    return reads_input || e.is_volatile();
}

std::unique_ptr<ExpressionExecutor::State> make_state(const Expression& e) {
    auto s = std::make_unique<ExpressionExecutor::State>();
    s->expr = &e;
    std::vector<const Expression*> children;
    for (const auto& c : e.children) children.push_back(c.get());
    if (e.kind == ExpressionKind::kInList) {
        s->in_list = std::make_unique<InListState>();
        children.resize(1);
        for (size_t k = 1; k < e.children.size(); k++) {
            const Expression& element = *e.children[k];
            if (depends_on_row(element)) {
                children.push_back(&element);
            } else {
                s->in_list->constants.push_back(&element);
            }
        }
    }
    for (const Expression* c : children) {
        s->children.push_back(make_state(*c));
        s->child_results.emplace_back(c->type, kVectorSize);
        std::vector<idx_t> columns;
        visit_expression(*c, [&](const Expression& x) {
            if (x.kind == ExpressionKind::kBoundRef) columns.push_back(x.index);
        });
        std::sort(columns.begin(), columns.end());
        columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
        s->child_columns.push_back(std::move(columns));
    }
    return s;
}

void evaluate(ExpressionExecutor::State& s, const DataChunk& input, idx_t count, Vector& result);

bool bool_at(const Vector& v, idx_t i, bool& valid) {
    idx_t row = v.is_constant() ? 0 : i;
    valid = v.validity().is_valid(row);
    return valid && v.data<bool>()[row];
}

void fresh_result(Vector& result, const LogicalType& type) {
    if (result.type() != type || result.capacity() < kVectorSize) {
        result = Vector(type, kVectorSize);
    } else {
        result.reset();
    }
}

// Evaluates child k of s only on the rows in sel (count rows), into out (count rows, dense).
void evaluate_on_rows(ExpressionExecutor::State& s, size_t k, const DataChunk& input, const sel_t* sel, idx_t count, Vector& out) {
    if (count == input.size() && sel == nullptr) {
        evaluate(*s.children[k], input, count, out);
        return;
    }
    // Only the columns the child reads are gathered; the others keep stale rows the child never looks at.
    if (s.sliced.column_count() != input.column_count()) s.sliced.initialize(input.types());
    for (idx_t c : s.child_columns[k]) vector_gather(input.column(c), sel, count, s.sliced.column(c));
    s.sliced.set_size(count);
    evaluate(*s.children[k], s.sliced, count, out);
}

// Each operand runs only on the rows the operands before it left undecided (AND: not yet false; OR: not yet
// true), so `i <> 0 AND 10 / i > 1` never divides by zero, as in PostgreSQL.
void evaluate_and_or(ExpressionExecutor::State& s, const DataChunk& input, idx_t count, Vector& result, bool is_and) {
    fresh_result(result, LogicalType::boolean());
    const bool decider = !is_and;
    bool* out = result.data<bool>();
    std::fill(out, out + count, is_and);
    std::vector<sel_t>& remaining = s.sel_a;  // undecided rows, as indices into input
    remaining.resize(count);
    for (idx_t i = 0; i < count; i++) remaining[i] = static_cast<sel_t>(i);
    idx_t remaining_count = count;
    for (size_t k = 0; k < s.children.size() && remaining_count > 0; k++) {
        Vector& v = s.child_results[k];
        bool all = remaining_count == count;
        evaluate_on_rows(s, k, input, all ? nullptr : remaining.data(), remaining_count, v);
        if (v.is_constant()) {
            bool valid;
            bool b = bool_at(v, 0, valid);
            if (valid && b == decider) {
                if (all) {  // decided for every row: a constant result, as cheap as it gets for a filter
                    result.reset();
                    result.data<bool>()[0] = decider;
                    result.set_constant(true);
                    return;
                }
                for (idx_t j = 0; j < remaining_count; j++) {
                    out[remaining[j]] = decider;
                    result.validity().set_valid(remaining[j]);
                }
                remaining_count = 0;
            } else if (!valid) {
                for (idx_t j = 0; j < remaining_count; j++) result.set_null(remaining[j]);
            }
            continue;
        }
        const bool* data = v.data<bool>();
        const ValidityMask& valid = v.validity();
        idx_t kept = 0;  // compacts `remaining` in place
        for (idx_t j = 0; j < remaining_count; j++) {
            sel_t row = remaining[j];
            if (!valid.is_valid(j)) {
                result.set_null(row);  // NULL unless a later operand decides the row
                remaining[kept++] = row;
            } else if (data[j] == decider) {
                out[row] = decider;
                result.validity().set_valid(row);
            } else {
                remaining[kept++] = row;
            }
        }
        remaining_count = kept;
    }
}

void evaluate_case(ExpressionExecutor::State& s, const DataChunk& input, idx_t count, Vector& result) {
    const Expression& e = *s.expr;
    fresh_result(result, e.type);
    // remaining: rows not yet decided, as indices into input
    std::vector<sel_t>& remaining = s.sel_a;
    remaining.resize(count);
    for (idx_t i = 0; i < count; i++) remaining[i] = static_cast<sel_t>(i);
    idx_t remaining_count = count;
    size_t pairs = (e.children.size() - 1) / 2;
    std::vector<sel_t> matched, unmatched;
    Vector branch(e.type, kVectorSize);
    for (size_t p = 0; p < pairs && remaining_count > 0; p++) {
        Vector& condition = s.child_results[2 * p];
        bool all = remaining_count == count;
        evaluate_on_rows(s, 2 * p, input, all ? nullptr : remaining.data(), remaining_count, condition);
        matched.clear();
        unmatched.clear();
        for (idx_t i = 0; i < remaining_count; i++) {
            bool valid;
            if (bool_at(condition, i, valid)) {
                matched.push_back(remaining[i]);
            } else {
                unmatched.push_back(remaining[i]);
            }
        }
        if (!matched.empty()) {
            evaluate_on_rows(s, 2 * p + 1, input, matched.data(), matched.size(), branch);
            vector_flatten(branch, matched.size());
            vector_scatter(branch, matched.data(), matched.size(), result);
        }
        remaining.assign(unmatched.begin(), unmatched.end());
        remaining_count = remaining.size();
    }
    if (remaining_count > 0) {
        bool all = remaining_count == count;
        evaluate_on_rows(s, e.children.size() - 1, input, all ? nullptr : remaining.data(), remaining_count, branch);
        vector_flatten(branch, remaining_count);
        vector_scatter(branch, remaining.data(), remaining_count, result);
    }
}

void evaluate_coalesce(ExpressionExecutor::State& s, const DataChunk& input, idx_t count, Vector& result) {
    const Expression& e = *s.expr;
    fresh_result(result, e.type);
    std::vector<sel_t> remaining(count);
    for (idx_t i = 0; i < count; i++) remaining[i] = static_cast<sel_t>(i);
    Vector branch(e.type, kVectorSize);
    for (size_t k = 0; k < e.children.size() && !remaining.empty(); k++) {
        bool all = remaining.size() == count;
        evaluate_on_rows(s, k, input, all ? nullptr : remaining.data(), remaining.size(), branch);
        vector_flatten(branch, remaining.size());
        std::vector<sel_t> found_target, found_source, still;
        for (idx_t i = 0; i < remaining.size(); i++) {
            if (branch.validity().is_valid(i)) {
                found_target.push_back(remaining[i]);
                found_source.push_back(static_cast<sel_t>(i));
            } else {
                still.push_back(remaining[i]);
            }
        }
        if (!found_target.empty()) {
            Vector picked(e.type, kVectorSize);
            vector_gather(branch, found_source.data(), found_source.size(), picked);
            vector_scatter(picked, found_target.data(), found_target.size(), result);
        }
        remaining = std::move(still);
    }
    for (sel_t r : remaining) result.set_null(r);
}

void build_in_list_set(ExpressionExecutor::State& s) {
    InListState& in = *s.in_list;
    const LogicalType& type = s.expr->children[0]->type;
    in.set = std::make_unique<InListSet>(type);
    DataChunk no_input;
    no_input.set_size(1);
    Vector value(type, kVectorSize);
    for (const Expression* element : in.constants) {
        BASALT_ASSERT(element->type == type, "IN list element not cast to the list's common type");
        auto state = make_state(*element);
        evaluate(*state, no_input, 1, value);
        if (value.is_null(0)) {
            in.null_constant = true;
        } else {
            in.set->insert(value, 0);
        }
    }
    in.constants.clear();  // the set now holds them
}

void evaluate_in_list(ExpressionExecutor::State& s, const DataChunk& input, idx_t count, Vector& result) {
    const Expression& e = *s.expr;
    InListState& in = *s.in_list;
    fresh_result(result, LogicalType::boolean());
    if (count == 0) return;
    if (!in.set) build_in_list_set(s);
    for (size_t k = 0; k < s.children.size(); k++) evaluate(*s.children[k], input, count, s.child_results[k]);
    const Vector& test = s.child_results[0];
    in.outcome.resize(count);
    in.set->probe(test, count, in.outcome.data());
    bool* out = result.data<bool>();
    for (idx_t i = 0; i < count; i++) {
        if (in.outcome[i] == InListSet::kNullInput) {
            result.set_null(i);
            continue;
        }
        bool found = in.outcome[i] == InListSet::kFound;
        bool saw_null = in.null_constant;
        for (size_t k = 1; k < s.child_results.size() && !found; k++) {
            const Vector& v = s.child_results[k];
            if (v.is_null(i)) {
                saw_null = true;
            } else if (rows_equal(test, i, v, i)) {
                found = true;
            }
        }
        if (found) {
            out[i] = !e.negated;
        } else if (saw_null) {
            result.set_null(i);
        } else {
            out[i] = e.negated;
        }
    }
}

void evaluate_greatest(ExpressionExecutor::State& s, const DataChunk& input, idx_t count, Vector& result, bool greatest) {
    const Expression& e = *s.expr;
    fresh_result(result, e.type);
    for (size_t k = 0; k < s.children.size(); k++) {
        evaluate(*s.children[k], input, count, s.child_results[k]);
        vector_flatten(s.child_results[k], count);
    }
    // Pick, per row, which child holds the answer; then gather.
    for (idx_t i = 0; i < count; i++) {
        int best = -1;
        for (size_t k = 0; k < s.child_results.size(); k++) {
            const Vector& v = s.child_results[k];
            if (v.is_null(i)) continue;
            if (best < 0) {
                best = static_cast<int>(k);
                continue;
            }
            int c = compare_rows(v, i, s.child_results[best], i);
            if (greatest ? c > 0 : c < 0) best = static_cast<int>(k);
        }
        if (best < 0) {
            result.set_null(i);
            continue;
        }
        sel_t from = static_cast<sel_t>(i);
        Vector one(e.type, 1);
        vector_gather(s.child_results[best], &from, 1, one);
        sel_t to = static_cast<sel_t>(i);
        vector_scatter(one, &to, 1, result);
    }
}

void evaluate(ExpressionExecutor::State& s, const DataChunk& input, idx_t count, Vector& result) {
    const Expression& e = *s.expr;
    switch (e.kind) {
        case ExpressionKind::kBoundRef: result.reference(input.column(e.index)); return;
        case ExpressionKind::kConstant: {
            if (result.type() != e.type) result = Vector(e.type, 1);
            result.reset();
            if (e.value.is_null()) {
                result.set_constant(true);
                result.set_null(0);
            } else {
                result.set_constant_value(e.value);
            }
            return;
        }
        case ExpressionKind::kFunction: {
            std::vector<Vector*> args;
            for (size_t k = 0; k < s.children.size(); k++) {
                evaluate(*s.children[k], input, count, s.child_results[k]);
                args.push_back(&s.child_results[k]);
            }
            fresh_result(result, e.type);
            if (args.empty()) {
                e.function.kernel(args, count, result, e.function.data.get());
                return;
            }
            execute_scalar(e.function, args, count, result);
            return;
        }
        case ExpressionKind::kCast: {
            evaluate(*s.children[0], input, count, s.child_results[0]);
            fresh_result(result, e.type);
            cast_vector(s.child_results[0], result, count);
            return;
        }
        case ExpressionKind::kAnd: evaluate_and_or(s, input, count, result, true); return;
        case ExpressionKind::kOr: evaluate_and_or(s, input, count, result, false); return;
        case ExpressionKind::kNot: {
            evaluate(*s.children[0], input, count, s.child_results[0]);
            const Vector& c = s.child_results[0];
            fresh_result(result, LogicalType::boolean());
            idx_t n = c.is_constant() ? 1 : count;
            for (idx_t i = 0; i < n; i++) {
                if (c.validity().is_valid(i)) {
                    result.data<bool>()[i] = !c.data<bool>()[i];
                } else {
                    result.set_null(i);
                }
            }
            if (c.is_constant()) result.set_constant(true);
            return;
        }
        case ExpressionKind::kIsNull: {
            evaluate(*s.children[0], input, count, s.child_results[0]);
            const Vector& c = s.child_results[0];
            fresh_result(result, LogicalType::boolean());
            idx_t n = c.is_constant() ? 1 : count;
            for (idx_t i = 0; i < n; i++) result.data<bool>()[i] = c.validity().is_valid(i) == e.negated;
            if (c.is_constant()) result.set_constant(true);
            return;
        }
        case ExpressionKind::kDistinctFrom: {
            evaluate(*s.children[0], input, count, s.child_results[0]);
            evaluate(*s.children[1], input, count, s.child_results[1]);
            fresh_result(result, LogicalType::boolean());
            for (idx_t i = 0; i < count; i++) {
                bool distinct = !rows_equal(s.child_results[0], i, s.child_results[1], i);
                result.data<bool>()[i] = e.negated ? !distinct : distinct;
            }
            return;
        }
        case ExpressionKind::kCase: evaluate_case(s, input, count, result); return;
        case ExpressionKind::kCoalesce: evaluate_coalesce(s, input, count, result); return;
        case ExpressionKind::kInList: evaluate_in_list(s, input, count, result); return;
        case ExpressionKind::kGreatest: evaluate_greatest(s, input, count, result, true); return;
        case ExpressionKind::kLeast: evaluate_greatest(s, input, count, result, false); return;
        case ExpressionKind::kColumnRef:
            BASALT_ASSERT(false, "column reference left unresolved in a physical plan");
    }
}

}  // namespace

void vector_scatter(const Vector& src, const sel_t* sel, idx_t count, Vector& dst) {
    dst.keep_alive_from(src);
    dispatch_physical(src.type().physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* in = src.data<T>();
        T* out = dst.data<T>();
        for (idx_t i = 0; i < count; i++) {
            idx_t from = src.is_constant() ? 0 : i;
            if (src.validity().is_valid(from)) {
                out[sel[i]] = in[from];
                dst.validity().set_valid(sel[i]);
            } else {
                dst.set_null(sel[i]);
            }
        }
    });
}

idx_t select_true(const Vector& condition, idx_t count, sel_t* sel) {
    idx_t n = 0;
    const bool* data = condition.data<bool>();
    if (condition.is_constant()) {
        bool keep = condition.validity().is_valid(0) && data[0];
        if (!keep) return 0;
        for (idx_t i = 0; i < count; i++) sel[i] = static_cast<sel_t>(i);
        return count;
    }
    const ValidityMask& valid = condition.validity();
    if (valid.all_valid()) {
        for (idx_t i = 0; i < count; i++) {
            sel[n] = static_cast<sel_t>(i);
            n += data[i];
        }
        return n;
    }
    for (idx_t i = 0; i < count; i++) {
        if (valid.is_valid(i) && data[i]) sel[n++] = static_cast<sel_t>(i);
    }
    return n;
}

ExpressionExecutor::ExpressionExecutor(const Expression& expression) : expression_(expression), state_(make_state(expression)) {}
ExpressionExecutor::~ExpressionExecutor() = default;

void ExpressionExecutor::execute(const DataChunk& input, Vector& result) {
    evaluate(*state_, input, input.size(), result);
}

idx_t ExpressionExecutor::select(const DataChunk& input, sel_t* sel) {
    evaluate(*state_, input, input.size(), state_->scratch);
    return select_true(state_->scratch, input.size(), sel);
}

ExpressionListExecutor::ExpressionListExecutor(const std::vector<ExprPtr>& expressions) {
    for (const auto& e : expressions) executors_.push_back(std::make_unique<ExpressionExecutor>(*e));
}

void ExpressionListExecutor::execute(const DataChunk& input, DataChunk& output) {
    for (size_t i = 0; i < executors_.size(); i++) executors_[i]->execute(input, output.column(i));
    output.set_size(input.size());
}

}  // namespace basalt

// LIKE / ILIKE (hand-written matcher: % and _ with an escape character), SIMILAR TO and the POSIX regex
// operators (~, ~*) and regexp_replace through RE2.
#include <re2/re2.h>

#include <fmt/format.h>

#include "common/error.hpp"
#include "function/kernel_helpers.hpp"
#include "function/scalar/scalar_functions.hpp"

namespace basalt {

namespace {

using Args = const std::vector<Vector*>&;

size_t utf8_char_size(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    if ((c & 0xF8) == 0xF0) return 4;
    return 1;
}

char fold(char c, bool ci) { return ci ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c; }

// Wildcard matching with one backtrack point: linear for the common patterns, O(n*m) worst case.
bool like_match(std::string_view s, std::string_view p, char escape, bool ci) {
    size_t si = 0, pi = 0;
    size_t star_pi = std::string_view::npos, star_si = 0;
    while (si < s.size()) {
        if (pi < p.size()) {
            char c = p[pi];
            if (c == '%') {
                star_pi = ++pi;
                star_si = si;
                continue;
            }
            if (c == '_') {
                si += utf8_char_size(static_cast<unsigned char>(s[si]));
                pi++;
                continue;
            }
            size_t literal_len = 1;
            if (escape != 0 && c == escape) {
                if (pi + 1 >= p.size()) {
                    throw Error(sql_state::kInvalidEscapeSequence, "LIKE pattern must not end with escape character");
                }
                c = p[pi + 1];
                literal_len = 2;
            }
            if (fold(c, ci) == fold(s[si], ci)) {
                si++;
                pi += literal_len;
                continue;
            }
        }
        if (star_pi == std::string_view::npos) return false;
        pi = star_pi;
        si = ++star_si;
    }
    while (pi < p.size() && p[pi] == '%') pi++;
    return pi == p.size();
}

void like_kernel(Args args, idx_t count, Vector& result, bool ci) {
    char escape = '\\';
    if (args.size() > 2) {
        const Vector& e = *args[2];
        std::string_view esc = e.data<std::string_view>()[0];
        if (esc.size() > 1) throw Error(sql_state::kInvalidEscapeSequence, "invalid escape string");
        escape = esc.empty() ? 0 : esc[0];
    }
    binary_execute<std::string_view, std::string_view, bool>(
        *args[0], *args[1], count, result, [&](std::string_view s, std::string_view p) { return like_match(s, p, escape, ci); });
}

std::string similar_to_regex(std::string_view p, char escape) {
    std::string out = "^(?:";
    for (size_t i = 0; i < p.size(); i++) {
        char c = p[i];
        if (escape != 0 && c == escape && i + 1 < p.size()) {
            out += '\\';
            out += p[++i];
        } else if (c == '%') {
            out += ".*";
        } else if (c == '_') {
            out += '.';
        } else if (c == '.' || c == '^' || c == '$' || c == '\\') {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    out += ")$";
    return out;
}

std::unique_ptr<RE2> compile(const std::string& pattern, bool case_insensitive) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(!case_insensitive);
    auto re = std::make_unique<RE2>(pattern, options);
    if (!re->ok()) {
        throw Error(sql_state::kInvalidRegularExpression, fmt::format("invalid regular expression: {}", re->error()));
    }
    return re;
}

// Compiles each distinct pattern once per vector (patterns are nearly always constants).
template <class F>
void with_regex(Args args, idx_t count, Vector& result, bool ci, bool similar, F&& f) {
    std::string last_pattern;
    std::unique_ptr<RE2> re;
    char escape = '\\';
    if (similar && args.size() > 2) {
        std::string_view esc = args[2]->data<std::string_view>()[0];
        if (esc.size() > 1) throw Error(sql_state::kInvalidEscapeSequence, "invalid escape string");
        escape = esc.empty() ? 0 : esc[0];
    }
    binary_execute<std::string_view, std::string_view, bool>(*args[0], *args[1], count, result, [&](std::string_view s, std::string_view p) {
        std::string pattern = similar ? similar_to_regex(p, escape) : std::string(p);
        if (!re || pattern != last_pattern) {
            re = compile(pattern, ci);
            last_pattern = pattern;
        }
        return f(*re, s);
    });
}

}  // namespace

void register_pattern_functions(FunctionRegistry& r) {
    auto t = LogicalType::varchar(), b = LogicalType::boolean();
    r.add_scalar({.name = "like", .arguments = {t, t}, .return_type = b,
                  .kernel = [](Args a, idx_t n, Vector& res, const FunctionData*) { like_kernel(a, n, res, false); }});
    r.add_scalar({.name = "like", .arguments = {t, t, t}, .return_type = b,
                  .kernel = [](Args a, idx_t n, Vector& res, const FunctionData*) { like_kernel(a, n, res, false); }});
    r.add_scalar({.name = "ilike", .arguments = {t, t}, .return_type = b,
                  .kernel = [](Args a, idx_t n, Vector& res, const FunctionData*) { like_kernel(a, n, res, true); }});
    r.add_scalar({.name = "ilike", .arguments = {t, t, t}, .return_type = b,
                  .kernel = [](Args a, idx_t n, Vector& res, const FunctionData*) { like_kernel(a, n, res, true); }});
    for (int arity : {2, 3}) {
        std::vector<LogicalType> types(arity, t);
        r.add_scalar({.name = "similar", .arguments = types, .return_type = b,
                      .kernel = [](Args a, idx_t n, Vector& res, const FunctionData*) {
                          with_regex(a, n, res, false, true, [](const RE2& re, std::string_view s) { return RE2::FullMatch(s, re); });
                      }});
    }
    r.add_scalar({.name = "regexp_match_op", .arguments = {t, t}, .return_type = b,
                  .kernel = [](Args a, idx_t n, Vector& res, const FunctionData*) {
                      with_regex(a, n, res, false, false, [](const RE2& re, std::string_view s) { return RE2::PartialMatch(s, re); });
                  }});
    r.add_scalar({.name = "regexp_imatch_op", .arguments = {t, t}, .return_type = b,
                  .kernel = [](Args a, idx_t n, Vector& res, const FunctionData*) {
                      with_regex(a, n, res, true, false, [](const RE2& re, std::string_view s) { return RE2::PartialMatch(s, re); });
                  }});
    r.add_scalar({.name = "regexp_like", .arguments = {t, t}, .return_type = b,
                  .kernel = [](Args a, idx_t n, Vector& res, const FunctionData*) {
                      with_regex(a, n, res, false, false, [](const RE2& re, std::string_view s) { return RE2::PartialMatch(s, re); });
                  }});
    for (int arity : {3, 4}) {
        std::vector<LogicalType> types(arity, t);
        r.add_scalar({.name = "regexp_replace", .arguments = types, .return_type = t,
                      .kernel = [](Args a, idx_t n, Vector& res, const FunctionData*) {
                          for (idx_t i = 0; i < n; i++) {
                              std::string_view s = a[0]->data<std::string_view>()[a[0]->is_constant() ? 0 : i];
                              std::string_view p = a[1]->data<std::string_view>()[a[1]->is_constant() ? 0 : i];
                              std::string_view rep = a[2]->data<std::string_view>()[a[2]->is_constant() ? 0 : i];
                              std::string_view flags = a.size() > 3 ? a[3]->data<std::string_view>()[a[3]->is_constant() ? 0 : i] : "";
                              bool valid = true;
                              for (auto* v : a) valid = valid && v->validity().is_valid(v->is_constant() ? 0 : i);
                              if (!valid) continue;
                              bool global = flags.find('g') != std::string_view::npos;
                              bool ci = flags.find('i') != std::string_view::npos;
                              auto re = compile(std::string(p), ci);
                              // PostgreSQL writes back-references as \1; RE2 wants the same syntax.
                              std::string out(s);
                              if (global) {
                                  RE2::GlobalReplace(&out, *re, std::string(rep));
                              } else {
                                  RE2::Replace(&out, *re, std::string(rep));
                              }
                              res.data<std::string_view>()[i] = res.add_string(out);
                          }
                      }});
    }
}

}  // namespace basalt

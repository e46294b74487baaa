// Text functions with PostgreSQL's semantics. Lengths and positions count characters (UTF-8 code points),
// not bytes.
#include <algorithm>

#include <fmt/format.h>

#include "common/error.hpp"
#include "function/kernel_helpers.hpp"
#include "function/scalar/scalar_functions.hpp"

namespace basalt {

namespace {

bool is_ascii(std::string_view s) {
    for (unsigned char c : s) {
        if (c >= 0x80) return false;
    }
    return true;
}

// Byte offset of the n-th character (0-based), or s.size() when past the end.
size_t char_offset(std::string_view s, int64_t n) {
    size_t i = 0;
    while (n > 0 && i < s.size()) {
        i++;
        while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) i++;
        n--;
    }
    return i;
}

int64_t char_length(std::string_view s) {
    if (is_ascii(s)) return static_cast<int64_t>(s.size());
    int64_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80) n++;
    }
    return n;
}

// substring(s from start for length), 1-based start that may be <= 0, as PostgreSQL's text_substr.
std::string_view substring_chars(std::string_view s, int64_t start, int64_t length, bool has_length) {
    if (has_length && length < 0) {
        throw Error(sql_state::kSubstringError, "negative substring length not allowed");
    }
    int64_t begin = start - 1;
    int64_t end = has_length ? begin + length : INT64_MAX;
    if (has_length && length > 0 && begin > INT64_MAX - length) end = INT64_MAX;
    if (begin < 0) begin = 0;
    if (end <= begin) return {};
    size_t b = char_offset(s, begin);
    size_t e = end == INT64_MAX ? s.size() : char_offset(s, end);
    return s.substr(b, e - b);
}

using Args = const std::vector<Vector*>&;

ScalarKernel string_to_string(std::string (*f)(std::string_view)) {
    return [f](Args args, idx_t count, Vector& result, const FunctionData*) {
        unary_execute<std::string_view, std::string_view>(*args[0], count, result,
                                                          [&](std::string_view s) { return result.add_string(f(s)); });
    };
}

std::string upper(std::string_view s) {
    std::string r(s);
    for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return r;
}
std::string lower(std::string_view s) {
    std::string r(s);
    for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
}
std::string reverse_chars(std::string_view s) {
    std::string r;
    size_t i = s.size();
    while (i > 0) {
        size_t end = i;
        i--;
        while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) i--;
        r.append(s.substr(i, end - i));
    }
    return r;
}
std::string initcap(std::string_view s) {
    std::string r(s);
    bool start = true;
    for (auto& c : r) {
        unsigned char u = static_cast<unsigned char>(c);
        if (std::isalnum(u)) {
            c = static_cast<char>(start ? std::toupper(u) : std::tolower(u));
            start = false;
        } else {
            start = true;
        }
    }
    return r;
}

std::string_view trim_chars(std::string_view s, std::string_view chars, bool left, bool right) {
    if (left) {
        while (!s.empty() && chars.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
    }
    if (right) {
        while (!s.empty() && chars.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
    }
    return s;
}

void add_trim(FunctionRegistry& r, const char* name, bool left, bool right) {
    auto t = LogicalType::varchar();
    r.add_scalar({.name = name, .arguments = {t}, .return_type = t,
                  .kernel = [=](Args args, idx_t count, Vector& result, const FunctionData*) {
                      unary_execute<std::string_view, std::string_view>(*args[0], count, result, [&](std::string_view s) {
                          return trim_chars(s, " ", left, right);
                      });
                      result.keep_alive_from(*args[0]);
                  }});
    r.add_scalar({.name = name, .arguments = {t, t}, .return_type = t,
                  .kernel = [=](Args args, idx_t count, Vector& result, const FunctionData*) {
                      binary_execute<std::string_view, std::string_view, std::string_view>(
                          *args[0], *args[1], count, result,
                          [&](std::string_view s, std::string_view c) { return trim_chars(s, c, left, right); });
                      result.keep_alive_from(*args[0]);
                  }});
}

std::string pad(std::string_view s, int64_t length, std::string_view fill, bool left) {
    if (length > 10000000) throw Error(sql_state::kProgramLimitExceeded, "requested length too large");
    int64_t n = char_length(s);
    if (length <= 0) return "";
    if (n >= length) return std::string(s.substr(0, char_offset(s, length)));
    if (fill.empty()) return std::string(s);
    std::string padding;
    int64_t need = length - n;
    int64_t fill_chars = char_length(fill);
    while (need > 0) {
        int64_t take = std::min(need, fill_chars);
        padding.append(fill.substr(0, char_offset(fill, take)));
        need -= take;
    }
    return left ? padding + std::string(s) : std::string(s) + padding;
}

// concat / concat_ws skip NULL arguments; every argument was cast to text by the binder.
void concat_kernel(Args args, idx_t count, Vector& result, bool with_separator) {
    std::string buffer;
    for (idx_t i = 0; i < count; i++) {
        buffer.clear();
        size_t first = 0;
        std::string_view separator;
        if (with_separator) {
            const Vector& sep = *args[0];
            idx_t si = sep.is_constant() ? 0 : i;
            if (!sep.validity().is_valid(si)) {
                result.set_null(i);
                continue;
            }
            separator = sep.data<std::string_view>()[si];
            first = 1;
        }
        bool any = false;
        for (size_t a = first; a < args.size(); a++) {
            const Vector& v = *args[a];
            idx_t row = v.is_constant() ? 0 : i;
            if (!v.validity().is_valid(row)) continue;
            if (any && with_separator) buffer += separator;
            buffer += v.data<std::string_view>()[row];
            any = true;
        }
        result.data<std::string_view>()[i] = result.add_string(buffer);
    }
}

}  // namespace

void register_string_functions(FunctionRegistry& r) {
    auto t = LogicalType::varchar(), i64 = LogicalType::bigint(), i32 = LogicalType::integer();
    auto b = LogicalType::boolean();
    for (const char* name : {"length", "char_length", "character_length"}) {
        r.add_scalar({.name = name, .arguments = {t}, .return_type = i32,
                      .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                          unary_execute<std::string_view, int32_t>(*args[0], count, result,
                                                                   [](std::string_view s) { return static_cast<int32_t>(char_length(s)); });
                      }});
    }
    r.add_scalar({.name = "octet_length", .arguments = {t}, .return_type = i32,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      unary_execute<std::string_view, int32_t>(*args[0], count, result,
                                                               [](std::string_view s) { return static_cast<int32_t>(s.size()); });
                  }});
    r.add_scalar({.name = "upper", .arguments = {t}, .return_type = t, .kernel = string_to_string(upper)});
    r.add_scalar({.name = "lower", .arguments = {t}, .return_type = t, .kernel = string_to_string(lower)});
    r.add_scalar({.name = "reverse", .arguments = {t}, .return_type = t, .kernel = string_to_string(reverse_chars)});
    r.add_scalar({.name = "initcap", .arguments = {t}, .return_type = t, .kernel = string_to_string(initcap)});
    add_trim(r, "trim", true, true);
    add_trim(r, "btrim", true, true);
    add_trim(r, "ltrim", true, false);
    add_trim(r, "rtrim", false, true);
    for (const char* name : {"substring", "substr"}) {
        r.add_scalar({.name = name, .arguments = {t, i64}, .return_type = t,
                      .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                          binary_execute<std::string_view, int64_t, std::string_view>(
                              *args[0], *args[1], count, result,
                              [](std::string_view s, int64_t start) { return substring_chars(s, start, 0, false); });
                          result.keep_alive_from(*args[0]);
                      }});
        r.add_scalar({.name = name, .arguments = {t, i64, i64}, .return_type = t,
                      .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                          ternary_execute<std::string_view, int64_t, int64_t, std::string_view>(
                              *args[0], *args[1], *args[2], count, result,
                              [](std::string_view s, int64_t start, int64_t len) { return substring_chars(s, start, len, true); });
                          result.keep_alive_from(*args[0]);
                      }});
    }
    r.add_scalar({.name = "left", .arguments = {t, i64}, .return_type = t,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      binary_execute<std::string_view, int64_t, std::string_view>(*args[0], *args[1], count, result, [](std::string_view s, int64_t n) {
                          int64_t len = char_length(s);
                          int64_t take = n >= 0 ? std::min(n, len) : std::max<int64_t>(0, len + n);
                          return s.substr(0, char_offset(s, take));
                      });
                      result.keep_alive_from(*args[0]);
                  }});
    r.add_scalar({.name = "right", .arguments = {t, i64}, .return_type = t,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      binary_execute<std::string_view, int64_t, std::string_view>(*args[0], *args[1], count, result, [](std::string_view s, int64_t n) {
                          int64_t len = char_length(s);
                          int64_t skip = n >= 0 ? std::max<int64_t>(0, len - n) : std::min(len, -n);
                          return s.substr(char_offset(s, skip));
                      });
                      result.keep_alive_from(*args[0]);
                  }});
    for (const char* name : {"strpos", "position"}) {
        r.add_scalar({.name = name, .arguments = {t, t}, .return_type = i32,
                      .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                          binary_execute<std::string_view, std::string_view, int32_t>(*args[0], *args[1], count, result,
                                                                                       [](std::string_view s, std::string_view sub) {
                                                                                           size_t p = s.find(sub);
                                                                                           if (p == std::string_view::npos) return 0;
                                                                                           return static_cast<int32_t>(char_length(s.substr(0, p)) + 1);
                                                                                       });
                      }});
    }
    r.add_scalar({.name = "starts_with", .arguments = {t, t}, .return_type = b,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      binary_execute<std::string_view, std::string_view, bool>(*args[0], *args[1], count, result,
                                                                                [](std::string_view s, std::string_view p) { return s.starts_with(p); });
                  }});
    r.add_scalar({.name = "ends_with", .arguments = {t, t}, .return_type = b,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      binary_execute<std::string_view, std::string_view, bool>(*args[0], *args[1], count, result,
                                                                                [](std::string_view s, std::string_view p) { return s.ends_with(p); });
                  }});
    r.add_scalar({.name = "contains", .arguments = {t, t}, .return_type = b,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      binary_execute<std::string_view, std::string_view, bool>(*args[0], *args[1], count, result,
                                                                                [](std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; });
                  }});
    r.add_scalar({.name = "replace", .arguments = {t, t, t}, .return_type = t,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      ternary_execute<std::string_view, std::string_view, std::string_view, std::string_view>(
                          *args[0], *args[1], *args[2], count, result, [&](std::string_view s, std::string_view from, std::string_view to) {
                              if (from.empty()) return result.add_string(s);
                              std::string out;
                              size_t p = 0;
                              while (true) {
                                  size_t q = s.find(from, p);
                                  if (q == std::string_view::npos) break;
                                  out.append(s.substr(p, q - p));
                                  out.append(to);
                                  p = q + from.size();
                              }
                              out.append(s.substr(p));
                              return result.add_string(out);
                          });
                  }});
    r.add_scalar({.name = "split_part", .arguments = {t, t, i64}, .return_type = t,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      ternary_execute<std::string_view, std::string_view, int64_t, std::string_view>(
                          *args[0], *args[1], *args[2], count, result, [](std::string_view s, std::string_view d, int64_t n) -> std::string_view {
                              if (n == 0) throw Error(sql_state::kInvalidParameterValue, "field position must not be zero");
                              std::vector<std::string_view> parts;
                              if (d.empty()) {
                                  parts.push_back(s);
                              } else {
                                  size_t p = 0;
                                  while (true) {
                                      size_t q = s.find(d, p);
                                      if (q == std::string_view::npos) {
                                          parts.push_back(s.substr(p));
                                          break;
                                      }
                                      parts.push_back(s.substr(p, q - p));
                                      p = q + d.size();
                                  }
                              }
                              int64_t idx = n > 0 ? n - 1 : static_cast<int64_t>(parts.size()) + n;
                              if (idx < 0 || idx >= static_cast<int64_t>(parts.size())) return {};
                              return parts[idx];
                          });
                      result.keep_alive_from(*args[0]);
                  }});
    r.add_scalar({.name = "repeat", .arguments = {t, i64}, .return_type = t,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      binary_execute<std::string_view, int64_t, std::string_view>(*args[0], *args[1], count, result, [&](std::string_view s, int64_t n) {
                          if (n <= 0) return std::string_view();
                          if (static_cast<double>(s.size()) * static_cast<double>(n) > 100e6) {
                              throw Error(sql_state::kProgramLimitExceeded, "requested length too large");
                          }
                          std::string out;
                          for (int64_t k = 0; k < n; k++) out.append(s);
                          return result.add_string(out);
                      });
                  }});
    for (bool left : {true, false}) {
        const char* name = left ? "lpad" : "rpad";
        r.add_scalar({.name = name, .arguments = {t, i64}, .return_type = t,
                      .kernel = [left](Args args, idx_t count, Vector& result, const FunctionData*) {
                          binary_execute<std::string_view, int64_t, std::string_view>(*args[0], *args[1], count, result, [&](std::string_view s, int64_t n) {
                              return result.add_string(pad(s, n, " ", left));
                          });
                      }});
        r.add_scalar({.name = name, .arguments = {t, i64, t}, .return_type = t,
                      .kernel = [left](Args args, idx_t count, Vector& result, const FunctionData*) {
                          ternary_execute<std::string_view, int64_t, std::string_view, std::string_view>(
                              *args[0], *args[1], *args[2], count, result,
                              [&](std::string_view s, int64_t n, std::string_view f) { return result.add_string(pad(s, n, f, left)); });
                      }});
    }
    r.add_scalar({.name = "ascii", .arguments = {t}, .return_type = i32,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      unary_execute<std::string_view, int32_t>(*args[0], count, result, [](std::string_view s) {
                          return s.empty() ? 0 : static_cast<int32_t>(static_cast<unsigned char>(s[0]));
                      });
                  }});
    r.add_scalar({.name = "chr", .arguments = {i32}, .return_type = t,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      unary_execute<int32_t, std::string_view>(*args[0], count, result, [&](int32_t c) {
                          if (c == 0) throw Error(sql_state::kProgramLimitExceeded, "null character not permitted");
                          if (c < 0 || c > 0x10FFFF) throw Error(sql_state::kInvalidParameterValue, "character number must be positive");
                          std::string out;
                          if (c < 0x80) {
                              out += static_cast<char>(c);
                          } else if (c < 0x800) {
                              out += static_cast<char>(0xC0 | (c >> 6));
                              out += static_cast<char>(0x80 | (c & 0x3F));
                          } else if (c < 0x10000) {
                              out += static_cast<char>(0xE0 | (c >> 12));
                              out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
                              out += static_cast<char>(0x80 | (c & 0x3F));
                          } else {
                              out += static_cast<char>(0xF0 | (c >> 18));
                              out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
                              out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
                              out += static_cast<char>(0x80 | (c & 0x3F));
                          }
                          return result.add_string(out);
                      });
                  }});
    r.add_scalar({.name = "concat", .arguments = {}, .varargs = t, .return_type = t,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) { concat_kernel(args, count, result, false); },
                  .null_handling = NullHandling::kSpecial});
    r.add_scalar({.name = "concat_ws", .arguments = {t}, .varargs = t, .return_type = t,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) { concat_kernel(args, count, result, true); },
                  .null_handling = NullHandling::kSpecial});
    // The || operator: NULL in, NULL out (unlike concat()).
    r.add_scalar({.name = "concat_op", .arguments = {t, t}, .return_type = t,
                  .kernel = [](Args args, idx_t count, Vector& result, const FunctionData*) {
                      binary_execute<std::string_view, std::string_view, std::string_view>(*args[0], *args[1], count, result, [&](std::string_view a, std::string_view b) {
                          char* p = result.allocate_string(a.size() + b.size());
                          std::copy(a.begin(), a.end(), p);
                          std::copy(b.begin(), b.end(), p + a.size());
                          return std::string_view(p, a.size() + b.size());
                      });
                  }});
}

}  // namespace basalt

// SET, RESET and SHOW: one table of every parameter, so SHOW knows each one SET accepts and SHOW ALL lists them.
// Session parameters live in the Connection's Settings; database-wide ones (storage) in the Database.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "common/error.hpp"
#include "function/cast.hpp"
#include "main/connection.hpp"

namespace basalt {

namespace {

std::string lower(const std::string& text) {
    std::string out;
    for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(const std::string& text) {
    size_t begin = text.find_first_not_of(" \t\n\r");
    if (begin == std::string::npos) return "";
    size_t end = text.find_last_not_of(" \t\n\r");
    return text.substr(begin, end - begin + 1);
}

[[noreturn]] void bad_value(const std::string& name, const std::string& value, const char* hint) {
    throw Error(sql_state::kInvalidParameterValue, fmt::format("invalid value for parameter \"{}\": \"{}\" ({})", name, value, hint));
}

// A number followed by an optional unit, as PostgreSQL writes sizes and durations.
bool split_number(const std::string& text, double& number, std::string& unit) {
    std::string t = trim(text);
    size_t end = 0;
    try {
        number = std::stod(t, &end);
    } catch (const std::exception&) {
        return false;
    }
    unit = lower(trim(t.substr(end)));
    return end > 0 && number >= 0 && std::isfinite(number);
}

struct Unit {
    const char* name;
    double scale;
};

// A number with one of `units` ("" for a bare number), at most `max` after scaling.
double parse_with_unit(const std::string& text, const std::string& name, std::initializer_list<Unit> units, double max,
                       const char* hint) {
    double number = 0;
    std::string unit;
    if (!split_number(text, number, unit)) bad_value(name, text, hint);
    for (const Unit& u : units) {
        if (unit == u.name && number * u.scale <= max) return number * u.scale;
    }
    bad_value(name, text, hint);
}

// "64MB", "1.5GB", "512kB", "1000": PostgreSQL-style sizes (units of 1024).
uint64_t parse_byte_size(const std::string& text, const std::string& name) {
    return static_cast<uint64_t>(parse_with_unit(text, name, {{"", 1}, {"b", 1}, {"kb", 1024.0}, {"mb", 1048576.0}, {"gb", 1073741824.0},
                                                             {"tb", 1099511627776.0}},
                                                 1e18, "a size such as 512MB or 4GB"));
}

std::string format_byte_size(uint64_t bytes) {
    const char* units[] = {"kB", "MB", "GB", "TB"};
    if (bytes == 0 || bytes % 1024 != 0) return fmt::format("{}B", bytes);
    uint64_t value = bytes / 1024;
    int unit = 0;
    while (unit < 3 && value % 1024 == 0) {
        value /= 1024;
        unit++;
    }
    return fmt::format("{}{}", value, units[unit]);
}

// "150ms", "5s", "2min", "1h", "1d", "500" (milliseconds), as PostgreSQL's statement_timeout.
int64_t parse_duration_ms(const std::string& text, const std::string& name) {
    return static_cast<int64_t>(parse_with_unit(text, name, {{"", 1}, {"ms", 1}, {"s", 1000.0}, {"min", 60000.0}, {"h", 3600000.0}, {"d", 86400000.0}},
                                                2147483647.0, "a duration such as 500ms, 30s or 5min"));
}

std::string format_duration_ms(int64_t ms) {
    if (ms == 0) return "0";
    if (ms % 86400000 == 0) return fmt::format("{}d", ms / 86400000);
    if (ms % 3600000 == 0) return fmt::format("{}h", ms / 3600000);
    if (ms % 60000 == 0) return fmt::format("{}min", ms / 60000);
    if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
    return fmt::format("{}ms", ms);
}

std::string format_interval_micros(int64_t micros) {
    Interval iv;
    iv.micros = micros % 86400000000LL;
    iv.days = static_cast<int32_t>(micros / 86400000000LL);
    return Value::interval(iv).to_string();
}

bool parse_on_off(const std::string& value, bool& out) {
    std::string v = lower(trim(value));
    if (v == "on" || v == "true" || v == "1" || v == "yes") {
        out = true;
    } else if (v == "off" || v == "false" || v == "0" || v == "no") {
        out = false;
    } else {
        return false;
    }
    return true;
}

struct Parameter {
    const char* name;
    const char* description;
    bool database_wide;
    // Sets the value; reset: back to the default. Throws 22023 for a value it cannot take.
    void (*set)(Connection&, const std::string& name, const std::string& value, bool reset);
    std::string (*show)(Connection&, const std::string& name);
};

// PostgreSQL session parameters clients set on connect: remembered and shown, with no effect on Basalt.
void remember(Connection& c, const std::string& name, const std::string& value, bool reset) {
    if (reset) {
        c.settings().values.erase(name);
    } else {
        c.settings().values[name] = value;
    }
}
std::string remembered_or(Connection& c, const std::string& name, const char* fallback) {
    auto it = c.settings().values.find(name);
    return it != c.settings().values.end() ? it->second : fallback;
}

#define REMEMBERED(NAME, DEFAULT, DESCRIPTION)                                                                \
    Parameter {                                                                                            \
        NAME, DESCRIPTION, false, remember, [](Connection& c, const std::string& n) { return remembered_or(c, n, DEFAULT); } \
    }

const std::vector<Parameter>& parameters() {
    static const std::vector<Parameter> kParameters = {
        {"threads", "How many threads a query of this session may use (at most the database's pool).", false,
         [](Connection& c, const std::string& name, const std::string& value, bool reset) {
             int pool = c.database().scheduler().thread_count();
             if (reset) {
                 c.settings().threads = 0;
                 return;
             }
             std::string v = trim(value);
             bool digits = !v.empty() && v.size() < 6 && std::all_of(v.begin(), v.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
             int n = digits ? std::stoi(v) : 0;
             if (n < 1 || n > pool) {
                 throw Error(sql_state::kInvalidParameterValue,
                             fmt::format("invalid value for parameter \"{}\": \"{}\" (between 1 and {}, the database's worker threads)", name, value, pool));
             }
             c.settings().threads = n;
         },
         [](Connection& c, const std::string&) {
             return std::to_string(c.settings().threads > 0 ? c.settings().threads : c.database().scheduler().thread_count());
         }},
        {"statement_timeout", "Cancels a statement of this session that runs longer (57014); 0 turns it off.", false,
         [](Connection& c, const std::string& name, const std::string& value, bool reset) {
             c.settings().statement_timeout_ms = reset ? 0 : parse_duration_ms(value, name);
         },
         [](Connection& c, const std::string&) { return format_duration_ms(c.settings().statement_timeout_ms); }},
        {"timezone", "The time zone of this session (only UTC so far).", false,
         [](Connection& c, const std::string& name, const std::string& value, bool reset) {
             std::string v = lower(trim(value));
             if (!reset && v != "utc" && v != "gmt" && v != "etc/utc" && v != "z") {
                 throw Error(sql_state::kInvalidParameterValue, fmt::format("time zone \"{}\" is not supported (only UTC)", value));
             }
             remember(c, name, "UTC", reset);
         },
         [](Connection&, const std::string&) { return std::string("UTC"); }},
        {"synchronous", "full: a commit returns once its log record is on disk; off: at once (bulk loads).", true,
         [](Connection& c, const std::string& name, const std::string& value, bool reset) {
             bool on = true;
             if (!reset && lower(trim(value)) != "full" && !parse_on_off(value, on)) bad_value(name, value, "use full or off");
             c.database().set_synchronous(on);
         },
         [](Connection& c, const std::string&) { return std::string(c.database().synchronous() ? "full" : "off"); }},
        {"compression", "Block compression of new column files: zstd, lz4 or none.", true,
         [](Connection& c, const std::string& name, const std::string& value, bool reset) {
             std::string v = lower(trim(value));
             if (reset || v == "zstd") {
                 c.database().set_compression(Compression::kZstd);
             } else if (v == "lz4") {
                 c.database().set_compression(Compression::kLz4);
             } else if (v == "none" || v == "uncompressed") {
                 c.database().set_compression(Compression::kNone);
             } else {
                 bad_value(name, value, "use zstd, lz4 or none");
             }
         },
         [](Connection& c, const std::string&) {
             Compression k = c.database().compression();
             return std::string(k == Compression::kZstd ? "zstd" : k == Compression::kLz4 ? "lz4" : "none");
         }},
        {"memory_limit", "Memory the database's queries and its cache of column blocks share (queries first; beyond it they spill or fail with 53200).", true,
         [](Connection& c, const std::string& name, const std::string& value, bool reset) {
             c.database().memory().set_limit(reset ? Database::default_memory_limit() : parse_byte_size(value, name));
         },
         [](Connection& c, const std::string&) { return format_byte_size(c.database().memory().limit()); }},
        {"checkpoint_threshold", "Log size after which a checkpoint folds the log into column files.", true,
         [](Connection& c, const std::string& name, const std::string& value, bool reset) {
             c.database().set_checkpoint_threshold(reset ? 64ull << 20 : parse_byte_size(value, name));
         },
         [](Connection& c, const std::string&) { return format_byte_size(c.database().checkpoint_threshold()); }},
        {"time_travel_retention", "How far back snapshots stay readable (an interval; a bare number is seconds).", true,
         [](Connection& c, const std::string&, const std::string& value, bool reset) {
             int64_t micros = 7LL * 24 * 3600 * 1000000;
             if (!reset) {
                 std::string text = trim(value);
                 bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
                 if (digits) text += " seconds";
                 Interval iv = cast_value(Value::varchar(text), LogicalType::interval()).get_interval();
                 micros = iv.micros + static_cast<int64_t>(iv.days) * 86400000000LL + static_cast<int64_t>(iv.months) * 30 * 86400000000LL;
                 if (micros < 0) throw Error(sql_state::kInvalidParameterValue, "time_travel_retention must not be negative");
             }
             c.database().set_retention(micros);
         },
         [](Connection& c, const std::string&) { return format_interval_micros(c.database().retention()); }},
        REMEMBERED("search_path", "\"$user\", public", "Schemas searched for unqualified names (accepted; Basalt searches pg_temp, then main)."),
        REMEMBERED("application_name", "", "The client's name (accepted for PostgreSQL clients)."),
        REMEMBERED("client_encoding", "UTF8", "The client's character set (accepted for PostgreSQL clients; always UTF8)."),
        REMEMBERED("datestyle", "ISO, MDY", "Date output style (accepted for PostgreSQL clients; always ISO)."),
        REMEMBERED("intervalstyle", "postgres", "Interval output style (accepted for PostgreSQL clients)."),
        REMEMBERED("extra_float_digits", "1", "Float output digits (accepted for PostgreSQL clients)."),
        REMEMBERED("client_min_messages", "notice", "Which notices reach the client (accepted for PostgreSQL clients)."),
        REMEMBERED("standard_conforming_strings", "on", "Backslashes in strings are literal (always on)."),
        REMEMBERED("bytea_output", "hex", "Output format of bytea (accepted for PostgreSQL clients)."),
        REMEMBERED("default_transaction_isolation", "repeatable read", "Isolation of new transactions (Basalt always gives snapshot isolation)."),
        REMEMBERED("lock_timeout", "0", "Accepted for PostgreSQL clients (Basalt reports conflicts at once)."),
        REMEMBERED("idle_in_transaction_session_timeout", "0", "Accepted for PostgreSQL clients."),
        REMEMBERED("jit", "off", "Accepted for PostgreSQL clients."),
        REMEMBERED("max_parallel_workers_per_gather", "2", "Accepted for PostgreSQL clients (see threads)."),
        REMEMBERED("enable_seqscan", "on", "Accepted for PostgreSQL clients."),
        REMEMBERED("work_mem", "4MB", "Accepted for PostgreSQL clients (see memory_limit)."),
    };
    return kParameters;
}

#undef REMEMBERED

// Read-only parameters SHOW knows (PostgreSQL's server facts that clients ask for).
struct Fact {
    const char* name;
    const char* value;
    const char* description;
};
const Fact kFacts[] = {
    {"server_version", "15.0", "The PostgreSQL version whose SQL and protocol Basalt follows."},
    {"server_encoding", "UTF8", "The database's character set."},
    {"transaction_isolation", "repeatable read", "Snapshot isolation: each transaction reads one snapshot."},
};

std::string canonical_name(const std::string& name) {
    std::string n = lower(name);
    if (n == "worker_threads") return "threads";
    if (n == "synchronous_commit") return "synchronous";
    if (n == "time zone") return "timezone";
    return n;
}

const Parameter* find_parameter(const std::string& name) {
    for (const auto& p : parameters()) {
        if (name == p.name) return &p;
    }
    return nullptr;
}

QueryResult text_rows(const std::vector<std::string>& names, const std::vector<std::vector<std::string>>& rows) {
    QueryResult r;
    r.names = names;
    r.types.assign(names.size(), LogicalType::varchar());
    r.returns_rows = true;
    for (size_t start = 0; start < rows.size(); start += kVectorSize) {
        auto chunk = std::make_unique<DataChunk>();
        chunk->initialize(r.types);
        idx_t n = std::min<size_t>(kVectorSize, rows.size() - start);
        for (idx_t i = 0; i < n; i++) {
            for (size_t c = 0; c < names.size(); c++) chunk->column(c).set_value(i, Value::varchar(rows[start + i][c]));
        }
        chunk->set_size(n);
        r.chunks.push_back(std::move(chunk));
    }
    return r;
}

}  // namespace

QueryResult Connection::execute_set(const Statement& s) {
    QueryResult r;
    r.command_tag = s.reset ? "RESET" : "SET";
    if (s.setting_name.empty()) return r;
    std::string name = canonical_name(s.setting_name);
    const Parameter* p = find_parameter(name);
    if (!p) {
        for (const auto& fact : kFacts) {
            if (name == fact.name) throw Error(sql_state::kCantChangeRuntimeParam, fmt::format("parameter \"{}\" cannot be changed", name));
        }
        throw Error(sql_state::kUndefinedObject, fmt::format("unrecognized configuration parameter \"{}\"", s.setting_name));
    }
    std::string value;
    for (size_t i = 0; i < s.setting_values.size(); i++) value += (i ? ", " : "") + s.setting_values[i].to_string();
    p->set(*this, name, value, s.reset);
    return r;
}

QueryResult Connection::execute_show(const Statement& s) {
    std::string name = canonical_name(s.setting_name);
    if (name == "all") {
        std::vector<std::vector<std::string>> rows;
        for (const auto& p : parameters()) rows.push_back({p.name, p.show(*this, p.name), p.description});
        for (const auto& fact : kFacts) rows.push_back({fact.name, fact.value, fact.description});
        std::sort(rows.begin(), rows.end());
        return text_rows({"name", "setting", "description"}, rows);
    }
    if (const Parameter* p = find_parameter(name)) return text_rows({name}, {{p->show(*this, name)}});
    for (const auto& fact : kFacts) {
        if (name == fact.name) return text_rows({name}, {{fact.value}});
    }
    throw Error(sql_state::kUndefinedObject, fmt::format("unrecognized configuration parameter \"{}\"", s.setting_name));
}

}  // namespace basalt

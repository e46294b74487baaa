// TPC-H table generation (spec clause 4.2.3) and the parallel .tbl file writer.
//
// Units of generation: one row for most tables, one part (with its 4 partsupp rows) for partsupp, one order (with
// its 1..7 lineitems) for orders and lineitem. Each unit draws from its own random stream (tpch_random.hpp), so
// orders and lineitem agree (o_totalprice and o_orderstatus are computed from the same lineitems) without one
// table being read back to produce the other, and any contiguous range of units can be produced independently.

#include "io/tpch/tpch_generator.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "io/tpch/tpch_random.hpp"
#include "io/tpch/tpch_text.hpp"

namespace basalt {
namespace {

namespace t = tpch;
using Sink = std::function<void(std::string_view lines)>;

// ---- Scale-dependent sizes (clause 4.2.5). ----

struct Scale {
    int64_t suppliers;
    int64_t customers;
    int64_t parts;
    int64_t orders;
    int64_t clerks;
    int64_t special_suppliers;  // rows with "Customer ... Complaints"; as many again with "... Recommends"
};

// The spec defines SF >= 1 only; fractional scale factors scale every count and keep at least one row, rounding
// to nearest so that e.g. 0.01 * 150000 is 1500 despite floating-point error.
int64_t scaled(double scale_factor, double base) {
    return std::max<int64_t>(1, std::llround(scale_factor * base));
}

Scale make_scale(double scale_factor) {
    if (!std::isfinite(scale_factor) || scale_factor <= 0) {
        throw std::runtime_error("TPC-H scale factor must be a positive number, got " + std::to_string(scale_factor));
    }
    if (scale_factor > 100000) {
        throw std::runtime_error("TPC-H scale factor " + std::to_string(scale_factor) +
                                 " is above the largest the spec defines (100000)");
    }
    Scale s{};
    s.suppliers = scaled(scale_factor, 10000);
    s.customers = scaled(scale_factor, 150000);
    s.parts = scaled(scale_factor, 200000);
    s.orders = scaled(scale_factor, 1500000);
    s.clerks = scaled(scale_factor, 1000);
    s.special_suppliers = std::min<int64_t>(std::llround(scale_factor * 5), s.suppliers / 2);
    return s;
}

// Clause 4.2.3: the i-th (0..3) supplier of a part, shared by partsupp and lineitem (so every lineitem's
// (partkey, suppkey) exists in partsupp).
int64_t part_supplier(int64_t partkey, int64_t i, int64_t suppliers) {
    return (partkey + i * (suppliers / 4 + (partkey - 1) / suppliers)) % suppliers + 1;
}

// Clause 4.2.3: P_RETAILPRICE, in cents.
int64_t retail_price_cents(int64_t partkey) {
    return 90000 + (partkey / 10) % 20001 + 100 * (partkey % 1000);
}

// Orders use 8 keys of each 32 (clause 4.2.3): order n (1-based) gets key (n / 8) * 32 + n % 8, i.e. 1..7, 32..39,
// 64..71, ... up to 4 * orders, the same key shape as the official data.
int64_t order_key(int64_t order_index) {
    const int64_t n = order_index + 1;
    return (n / 8) * 32 + n % 8;
}

// Lineitems per order: uniform in [1, 7]. Orders are taken in blocks of 7 whose counts are a random permutation of
// 1..7: every order's count is still uniform, but a block always holds 28 lines, so the table has 4 lines per order
// to within a few rows at every scale factor and its size is known without generating it.
int line_count(int64_t order_index) {
    TpchRandom rng(TpchStream::kLineCount, static_cast<uint64_t>(order_index / 7));
    int counts[7] = {1, 2, 3, 4, 5, 6, 7};
    for (int i = 6; i > 0; --i) std::swap(counts[i], counts[rng.uniform(0, i)]);
    return counts[order_index % 7];
}

int64_t lineitem_count(int64_t orders) {
    int64_t count = orders / 7 * 28;
    for (int64_t n = orders / 7 * 7; n < orders; ++n) count += line_count(n);
    return count;
}

// Which supplier rows carry the Q16 texts (clause 4.2.3: SF*5 rows "Customer%Complaints", SF*5 other rows
// "Customer%Recommends"). Suppliers are cut into special_suppliers equal strata and each stratum holds one of each,
// at random distinct rows; computable per row, so supplier parts stay independent. 0 = none, 1 = Complaints,
// 2 = Recommends.
int supplier_special(const Scale& s, int64_t index) {
    const int64_t k = s.special_suppliers;
    if (k <= 0) return 0;
    const int64_t stratum = index * k / s.suppliers;
    const int64_t begin = (stratum * s.suppliers + k - 1) / k;
    const int64_t end = ((stratum + 1) * s.suppliers + k - 1) / k;
    TpchRandom rng(TpchStream::kSupplierSpecial, static_cast<uint64_t>(stratum));
    const int64_t complaints = rng.uniform(0, end - begin - 1);
    int64_t recommends = rng.uniform(0, end - begin - 2);
    if (recommends >= complaints) ++recommends;
    if (index - begin == complaints) return 1;
    if (index - begin == recommends) return 2;
    return 0;
}

// ---- Row writers: each writes complete lines at `out` and returns the new end. ----

char* write_region(char* out, int64_t i, std::string_view pool) {
    TpchRandom rng(TpchStream::kRegion, static_cast<uint64_t>(i));
    out = t::sep(t::put_uint(out, static_cast<uint64_t>(i)));
    out = t::sep(t::put_str(out, t::kRegions[i]));
    out = t::put_text(out, pool, t::pick_text(pool, rng, 31, 115));
    return t::end_line(out);
}

char* write_nation(char* out, int64_t i, std::string_view pool) {
    TpchRandom rng(TpchStream::kNation, static_cast<uint64_t>(i));
    out = t::sep(t::put_uint(out, static_cast<uint64_t>(i)));
    out = t::sep(t::put_str(out, t::kNations[i].name));
    out = t::sep(t::put_uint(out, static_cast<uint64_t>(t::kNations[i].region)));
    out = t::put_text(out, pool, t::pick_text(pool, rng, 31, 114));
    return t::end_line(out);
}

char* write_supplier(char* out, const Scale& s, int64_t i, std::string_view pool) {
    TpchRandom rng(TpchStream::kSupplier, static_cast<uint64_t>(i));
    const auto key = static_cast<uint64_t>(i + 1);
    out = t::sep(t::put_uint(out, key));
    out = t::sep(t::put_padded(t::put_str(out, "Supplier#"), key, 9));
    out = t::sep(t::put_vstring(out, rng, 10, 40));
    const int64_t nation = rng.uniform(0, 24);
    out = t::sep(t::put_uint(out, static_cast<uint64_t>(nation)));
    out = t::sep(t::put_phone(out, rng, nation));
    out = t::sep(t::put_cents(out, rng.uniform(-99999, 999999)));
    const t::TextRef comment = t::pick_text(pool, rng, 25, 100);
    char* const text = out;
    out = t::put_text(out, pool, comment);
    if (const int special = supplier_special(s, i); special != 0) {
        // "Customer" then, after a random gap, "Complaints"/"Recommends", overwritten at a random position of the
        // comment so its length stays in [25, 100]. 18 = the two words' lengths.
        const auto length = static_cast<int64_t>(comment.length);
        const int64_t gap = rng.uniform(0, length - 18);
        const int64_t start = rng.uniform(0, length - 18 - gap);
        std::memcpy(text + start, "Customer", 8);
        std::memcpy(text + start + 8 + gap, special == 1 ? "Complaints" : "Recommends", 10);
    }
    return t::end_line(out);
}

char* write_customer(char* out, int64_t i, std::string_view pool) {
    TpchRandom rng(TpchStream::kCustomer, static_cast<uint64_t>(i));
    const auto key = static_cast<uint64_t>(i + 1);
    out = t::sep(t::put_uint(out, key));
    out = t::sep(t::put_padded(t::put_str(out, "Customer#"), key, 9));
    out = t::sep(t::put_vstring(out, rng, 10, 40));
    const int64_t nation = rng.uniform(0, 24);
    out = t::sep(t::put_uint(out, static_cast<uint64_t>(nation)));
    out = t::sep(t::put_phone(out, rng, nation));
    out = t::sep(t::put_cents(out, rng.uniform(-99999, 999999)));
    out = t::sep(t::put_str(out, t::kSegments[rng.uniform(0, 4)]));
    out = t::put_text(out, pool, t::pick_text(pool, rng, 29, 116));
    return t::end_line(out);
}

char* write_part(char* out, int64_t i, std::string_view pool) {
    TpchRandom rng(TpchStream::kPart, static_cast<uint64_t>(i));
    const int64_t key = i + 1;
    out = t::sep(t::put_uint(out, static_cast<uint64_t>(key)));
    // P_NAME: five distinct colours, space separated.
    int64_t colours[5];
    for (int c = 0; c < 5; ++c) {
        bool repeated = true;
        while (repeated) {
            colours[c] = rng.uniform(0, std::size(t::kColors) - 1);
            repeated = std::find(colours, colours + c, colours[c]) != colours + c;
        }
        if (c > 0) *out++ = ' ';
        out = t::put_str(out, t::kColors[colours[c]]);
    }
    out = t::sep(out);
    const int64_t manufacturer = rng.uniform(1, 5);
    out = t::sep(t::put_uint(t::put_str(out, "Manufacturer#"), static_cast<uint64_t>(manufacturer)));
    out = t::put_uint(t::put_str(out, "Brand#"), static_cast<uint64_t>(manufacturer));
    out = t::sep(t::put_uint(out, static_cast<uint64_t>(rng.uniform(1, 5))));
    out = t::put_str(out, t::kTypeSyllable1[rng.uniform(0, 5)]);
    *out++ = ' ';
    out = t::put_str(out, t::kTypeSyllable2[rng.uniform(0, 4)]);
    *out++ = ' ';
    out = t::sep(t::put_str(out, t::kTypeSyllable3[rng.uniform(0, 4)]));
    out = t::sep(t::put_uint(out, static_cast<uint64_t>(rng.uniform(1, 50))));
    out = t::put_str(out, t::kContainerSyllable1[rng.uniform(0, 4)]);
    *out++ = ' ';
    out = t::sep(t::put_str(out, t::kContainerSyllable2[rng.uniform(0, 7)]));
    out = t::sep(t::put_cents(out, retail_price_cents(key)));
    out = t::put_text(out, pool, t::pick_text(pool, rng, 5, 22));
    return t::end_line(out);
}

// The 4 partsupp rows of part index i.
char* write_partsupp(char* out, const Scale& s, int64_t i, std::string_view pool) {
    TpchRandom rng(TpchStream::kPartSupp, static_cast<uint64_t>(i));
    const int64_t partkey = i + 1;
    for (int64_t j = 0; j < 4; ++j) {
        out = t::sep(t::put_uint(out, static_cast<uint64_t>(partkey)));
        out = t::sep(t::put_uint(out, static_cast<uint64_t>(part_supplier(partkey, j, s.suppliers))));
        out = t::sep(t::put_uint(out, static_cast<uint64_t>(rng.uniform(1, 9999))));
        out = t::sep(t::put_cents(out, rng.uniform(100, 100000)));
        out = t::put_text(out, pool, t::pick_text(pool, rng, 49, 198));
        out = t::end_line(out);
    }
    return out;
}

// ---- Orders with their lineitems. ----

struct Lineitem {
    int64_t partkey;
    int64_t suppkey;
    int64_t quantity;
    int64_t extended_cents;
    int64_t discount;  // hundredths
    int64_t tax;       // hundredths
    int ship_date;
    int commit_date;
    int receipt_date;
    char return_flag;
    char line_status;
    uint8_t instruction;
    uint8_t mode;
    t::TextRef comment;
};

struct Order {
    int64_t key;
    int64_t custkey;
    int64_t total_cents;
    int64_t clerk;
    int order_date;
    char status;
    uint8_t priority;
    int line_count;
    t::TextRef comment;
    Lineitem lines[7];
};

void make_order(const Scale& s, int64_t index, std::string_view pool, Order& o) {
    TpchRandom rng(TpchStream::kOrders, static_cast<uint64_t>(index));
    o.key = order_key(index);
    // A random customer, moved to the next key (the previous one at the top end) when its key is a multiple of 3:
    // those customers get no orders (clause 4.2.3). Keys = 1 mod 3 thus get twice the orders of keys = 2 mod 3, as
    // in the official data, which gives Q13's order-count histogram its official two-humped shape.
    o.custkey = rng.uniform(1, s.customers);
    if (o.custkey % 3 == 0) o.custkey += o.custkey < s.customers ? 1 : -1;
    o.order_date = static_cast<int>(rng.uniform(t::kStartDate, t::kEndDate - 151));
    o.priority = static_cast<uint8_t>(rng.uniform(0, 4));
    o.clerk = rng.uniform(1, s.clerks);
    o.comment = t::pick_text(pool, rng, 19, 78);
    o.line_count = line_count(index);
    // Sum of extendedprice * (1 + tax) * (1 - discount) kept exact in units of 1/10000 cent, rounded once.
    int64_t total = 0;
    int open_lines = 0;
    for (int l = 0; l < o.line_count; ++l) {
        Lineitem& li = o.lines[l];
        li.partkey = rng.uniform(1, s.parts);
        li.suppkey = part_supplier(li.partkey, rng.uniform(0, 3), s.suppliers);
        li.quantity = rng.uniform(1, 50);
        li.extended_cents = li.quantity * retail_price_cents(li.partkey);
        li.discount = rng.uniform(0, 10);
        li.tax = rng.uniform(0, 8);
        li.ship_date = o.order_date + static_cast<int>(rng.uniform(1, 121));
        li.commit_date = o.order_date + static_cast<int>(rng.uniform(30, 90));
        li.receipt_date = li.ship_date + static_cast<int>(rng.uniform(1, 30));
        const int64_t flag_draw = rng.uniform(0, 1);
        li.return_flag = li.receipt_date <= t::kCurrentDate ? (flag_draw == 0 ? 'R' : 'A') : 'N';
        li.line_status = li.ship_date > t::kCurrentDate ? 'O' : 'F';
        open_lines += li.line_status == 'O' ? 1 : 0;
        li.instruction = static_cast<uint8_t>(rng.uniform(0, 3));
        li.mode = static_cast<uint8_t>(rng.uniform(0, 6));
        li.comment = t::pick_text(pool, rng, 10, 43);
        total += li.extended_cents * (100 + li.tax) * (100 - li.discount);
    }
    o.total_cents = (total + 5000) / 10000;
    o.status = open_lines == o.line_count ? 'O' : (open_lines == 0 ? 'F' : 'P');
}

char* write_order(char* out, const Order& o, std::string_view pool) {
    out = t::sep(t::put_uint(out, static_cast<uint64_t>(o.key)));
    out = t::sep(t::put_uint(out, static_cast<uint64_t>(o.custkey)));
    *out++ = o.status;
    out = t::sep(out);
    out = t::sep(t::put_cents(out, o.total_cents));
    out = t::sep(t::put_date(out, o.order_date));
    out = t::sep(t::put_str(out, t::kPriorities[o.priority]));
    out = t::sep(t::put_padded(t::put_str(out, "Clerk#"), static_cast<uint64_t>(o.clerk), 9));
    *out++ = '0';  // O_SHIPPRIORITY is always 0
    out = t::sep(out);
    out = t::put_text(out, pool, o.comment);
    return t::end_line(out);
}

char* write_lineitems(char* out, const Order& o, std::string_view pool) {
    for (int l = 0; l < o.line_count; ++l) {
        const Lineitem& li = o.lines[l];
        out = t::sep(t::put_uint(out, static_cast<uint64_t>(o.key)));
        out = t::sep(t::put_uint(out, static_cast<uint64_t>(li.partkey)));
        out = t::sep(t::put_uint(out, static_cast<uint64_t>(li.suppkey)));
        out = t::sep(t::put_uint(out, static_cast<uint64_t>(l + 1)));
        // Quantity is written as a whole number ("17"), as in the official dbgen files; it loads into DECIMAL.
        out = t::sep(t::put_uint(out, static_cast<uint64_t>(li.quantity)));
        out = t::sep(t::put_cents(out, li.extended_cents));
        out = t::sep(t::put_cents(out, li.discount));
        out = t::sep(t::put_cents(out, li.tax));
        out[0] = li.return_flag;
        out[1] = '|';
        out[2] = li.line_status;
        out = t::sep(out + 3);
        out = t::sep(t::put_date(out, li.ship_date));
        out = t::sep(t::put_date(out, li.commit_date));
        out = t::sep(t::put_date(out, li.receipt_date));
        out = t::sep(t::put_str(out, t::kInstructions[li.instruction]));
        out = t::sep(t::put_str(out, t::kModes[li.mode]));
        out = t::put_text(out, pool, li.comment);
        out = t::end_line(out);
    }
    return out;
}

// ---- Driving a range of units into ~1 MB sink buffers. ----

class LineBuffer {
public:
    explicit LineBuffer(const Sink& sink) : sink_(sink), data_(new char[kFlushBytes + kMaxUnitBytes]) {}

    char* cursor() const { return end_; }

    void advance(char* end) {
        end_ = end;
        if (end_ - data_.get() >= static_cast<std::ptrdiff_t>(kFlushBytes)) flush();
    }

    void flush() {
        if (end_ == data_.get()) return;
        sink_(std::string_view(data_.get(), static_cast<size_t>(end_ - data_.get())));
        end_ = data_.get();
    }

private:
    static constexpr size_t kFlushBytes = size_t{1} << 20;
    static constexpr size_t kMaxUnitBytes = size_t{16} << 10;  // a unit writes at most 7 lines of < 300 bytes

    const Sink& sink_;
    std::unique_ptr<char[]> data_;
    char* end_ = data_.get();
};

int64_t unit_count(TpchTable table, const Scale& s) {
    switch (table) {
        case TpchTable::kRegion: return std::size(t::kRegions);
        case TpchTable::kNation: return std::size(t::kNations);
        case TpchTable::kSupplier: return s.suppliers;
        case TpchTable::kCustomer: return s.customers;
        case TpchTable::kPart:
        case TpchTable::kPartSupp: return s.parts;
        case TpchTable::kOrders:
        case TpchTable::kLineitem: return s.orders;
    }
    throw std::runtime_error("unknown TPC-H table");
}

// Produces units [begin, end) of a table; returns the number of rows written.
int64_t generate_units(TpchTable table, const Scale& s, int64_t begin, int64_t end, const Sink& sink) {
    const std::string_view pool = t::text_pool();
    LineBuffer buf(sink);
    int64_t rows = end - begin;
    Order order;
    for (int64_t u = begin; u < end; ++u) {
        switch (table) {
            case TpchTable::kRegion: buf.advance(write_region(buf.cursor(), u, pool)); break;
            case TpchTable::kNation: buf.advance(write_nation(buf.cursor(), u, pool)); break;
            case TpchTable::kSupplier: buf.advance(write_supplier(buf.cursor(), s, u, pool)); break;
            case TpchTable::kCustomer: buf.advance(write_customer(buf.cursor(), u, pool)); break;
            case TpchTable::kPart: buf.advance(write_part(buf.cursor(), u, pool)); break;
            case TpchTable::kPartSupp: buf.advance(write_partsupp(buf.cursor(), s, u, pool)); break;
            case TpchTable::kOrders:
                make_order(s, u, pool, order);
                buf.advance(write_order(buf.cursor(), order, pool));
                break;
            case TpchTable::kLineitem:
                make_order(s, u, pool, order);
                buf.advance(write_lineitems(buf.cursor(), order, pool));
                break;
        }
    }
    if (table == TpchTable::kPartSupp) rows *= 4;
    if (table == TpchTable::kLineitem) rows = lineitem_count(end) - lineitem_count(begin);
    buf.flush();
    return rows;
}

// Start of part `part` of `parts` over `units` units (128-bit product: units * parts may exceed 64 bits).
int64_t part_start(int64_t units, int64_t part, int64_t parts) {
    const auto start = static_cast<TpchUint128>(units) * static_cast<uint64_t>(part) / static_cast<uint64_t>(parts);
    return static_cast<int64_t>(start);
}

}  // namespace

const char* tpch_table_name(TpchTable table) {
    switch (table) {
        case TpchTable::kRegion: return "region";
        case TpchTable::kNation: return "nation";
        case TpchTable::kSupplier: return "supplier";
        case TpchTable::kCustomer: return "customer";
        case TpchTable::kPart: return "part";
        case TpchTable::kPartSupp: return "partsupp";
        case TpchTable::kOrders: return "orders";
        case TpchTable::kLineitem: return "lineitem";
    }
    return "unknown";
}

int64_t tpch_row_count(TpchTable table, double scale_factor) {
    const Scale s = make_scale(scale_factor);
    switch (table) {
        case TpchTable::kPartSupp: return 4 * s.parts;
        case TpchTable::kLineitem: return lineitem_count(s.orders);
        default: return unit_count(table, s);
    }
}

void generate_tpch_table(TpchTable table, double scale_factor, int part, int parts, const Sink& sink) {
    const Scale s = make_scale(scale_factor);
    if (parts < 1 || part < 0 || part >= parts) {
        throw std::runtime_error("TPC-H generation part " + std::to_string(part) + " of " + std::to_string(parts) +
                                 " is out of range");
    }
    const int64_t units = unit_count(table, s);
    generate_units(table, s, part_start(units, part, parts), part_start(units, part + 1, parts), sink);
}

// ---- Writing all tables to files. ----
//
// Every table is cut into chunks of about 4 MB of text. Worker threads generate chunks in order of a shared
// counter; the calling thread writes them to the files strictly in order. At most 2 * workers + 2 chunks are
// generated ahead of the writer, which bounds memory to a few tens of MB at any scale factor.

namespace {

struct Chunk {
    TpchTable table;
    int64_t begin;
    int64_t end;
    bool first;  // first chunk of its table: open the file
    bool last;   // last chunk of its table: close the file
};

std::vector<Chunk> plan_chunks(const Scale& s) {
    // Approximate .tbl bytes per unit, only to size the chunks.
    constexpr int64_t kBytesPerUnit[] = {120, 110, 160, 180, 160, 600, 110, 560};
    constexpr int64_t kChunkBytes = int64_t{4} << 20;
    std::vector<Chunk> chunks;
    for (int i = 0; i <= static_cast<int>(TpchTable::kLineitem); ++i) {
        const auto table = static_cast<TpchTable>(i);
        const int64_t units = unit_count(table, s);
        const int64_t count = std::clamp<int64_t>(units * kBytesPerUnit[i] / kChunkBytes, 1, units);
        for (int64_t c = 0; c < count; ++c) {
            chunks.push_back({table, part_start(units, c, count), part_start(units, c + 1, count), c == 0,
                              c == count - 1});
        }
    }
    return chunks;
}

struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

void generate_tpch_files(double scale_factor, const std::string& dir, int threads,
                         const std::function<void(const char* table, int64_t rows)>& progress) {
    const Scale s = make_scale(scale_factor);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create TPC-H output directory '" + dir + "': " + ec.message());
    t::text_pool();  // build the shared pool once, with all cores, before the workers need it

    const std::vector<Chunk> chunks = plan_chunks(s);
    const size_t workers = static_cast<size_t>(std::clamp(threads, 1, 256));
    const size_t window = 2 * workers + 2;
    struct Slot {
        size_t chunk = SIZE_MAX;  // which chunk the slot holds once ready
        std::string text;
        int64_t rows = 0;
    };
    std::vector<Slot> slots(window);
    std::mutex mutex;
    std::condition_variable changed;
    size_t next_chunk = 0;  // next chunk a worker takes
    size_t written = 0;     // chunks the writer has taken
    bool stop = false;
    std::exception_ptr error;

    auto work = [&] {
        for (;;) {
            size_t c;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] {
                    return stop || next_chunk >= chunks.size() || next_chunk < written + window;
                });
                if (stop || next_chunk >= chunks.size()) return;
                c = next_chunk++;
            }
            std::string text;
            int64_t rows = 0;
            try {
                const Chunk& chunk = chunks[c];
                rows = generate_units(chunk.table, s, chunk.begin, chunk.end,
                                      [&](std::string_view lines) { text.append(lines); });
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!error) error = std::current_exception();
                stop = true;
                changed.notify_all();
                return;
            }
            std::lock_guard lock(mutex);
            slots[c % window] = {c, std::move(text), rows};
            changed.notify_all();
        }
    };

    std::vector<std::thread> running;
    auto shut_down = [&] {
        {
            std::lock_guard lock(mutex);
            stop = true;
        }
        changed.notify_all();
        for (auto& thread : running) {
            if (thread.joinable()) thread.join();
        }
    };
    // Joins the workers on every exit path, including an exception from the writer or the progress callback.
    struct Joiner {
        decltype(shut_down)& fn;
        ~Joiner() { fn(); }
    } joiner{shut_down};
    for (size_t w = 0; w < workers; ++w) running.emplace_back(work);

    std::unique_ptr<std::FILE, FileCloser> file;
    std::string path;
    int64_t table_rows = 0;
    for (size_t c = 0; c < chunks.size(); ++c) {
        const Chunk& chunk = chunks[c];
        Slot taken;
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return stop || slots[c % window].chunk == c; });
            if (stop) break;
            taken = std::move(slots[c % window]);
            slots[c % window].chunk = SIZE_MAX;
            written = c + 1;
        }
        changed.notify_all();
        if (chunk.first) {
            path = (std::filesystem::path(dir) / (std::string(tpch_table_name(chunk.table)) + ".tbl")).string();
            file.reset(std::fopen(path.c_str(), "wb"));
            if (!file) throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
            table_rows = 0;
        }
        if (std::fwrite(taken.text.data(), 1, taken.text.size(), file.get()) != taken.text.size()) {
            throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
        }
        table_rows += taken.rows;
        if (progress) progress(tpch_table_name(chunk.table), table_rows);
        if (chunk.last && std::fclose(file.release()) != 0) {
            throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
        }
    }
    shut_down();
    if (error) std::rethrow_exception(error);
}

}  // namespace basalt

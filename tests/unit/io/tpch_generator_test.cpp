// Tests of the TPC-H generator against the rules of the TPC-H specification, clause 4.2: cardinalities, key ranges
// and uniqueness, value domains, cross-table formulas, the Q16 supplier comments, determinism for any split into
// parts or threads, and the .tbl file layout.

#include "io/tpch/tpch_generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace basalt {
namespace {

constexpr std::array kAllTables = {TpchTable::kRegion, TpchTable::kNation,   TpchTable::kSupplier,
                                   TpchTable::kCustomer, TpchTable::kPart,   TpchTable::kPartSupp,
                                   TpchTable::kOrders, TpchTable::kLineitem};

size_t column_count(TpchTable table) {
    switch (table) {
        case TpchTable::kRegion: return 3;
        case TpchTable::kNation: return 4;
        case TpchTable::kSupplier: return 7;
        case TpchTable::kCustomer: return 8;
        case TpchTable::kPart: return 9;
        case TpchTable::kPartSupp: return 5;
        case TpchTable::kOrders: return 9;
        case TpchTable::kLineitem: return 16;
    }
    return 0;
}

std::string generate(TpchTable table, double sf, int part = 0, int parts = 1) {
    std::string out;
    generate_tpch_table(table, sf, part, parts, [&](std::string_view lines) {
        EXPECT_FALSE(lines.empty());
        EXPECT_EQ(lines.back(), '\n') << "sink buffers must hold complete lines";
        out.append(lines);
    });
    return out;
}

using Row = std::vector<std::string_view>;

// Calls fn(fields) for every line; checks the line shape (trailing '|', field count) on the way.
template <typename Fn>
void for_each_row(std::string_view text, TpchTable table, Fn fn) {
    Row fields;
    while (!text.empty()) {
        const size_t newline = text.find('\n');
        ASSERT_NE(newline, std::string_view::npos) << "last line without newline";
        std::string_view line = text.substr(0, newline);
        text.remove_prefix(newline + 1);
        ASSERT_FALSE(line.empty());
        ASSERT_EQ(line.back(), '|') << line;
        line.remove_suffix(1);
        fields.clear();
        for (size_t start = 0;;) {
            const size_t bar = line.find('|', start);
            fields.push_back(line.substr(start, bar == std::string_view::npos ? line.size() - start : bar - start));
            if (bar == std::string_view::npos) break;
            start = bar + 1;
        }
        ASSERT_EQ(fields.size(), column_count(table)) << line;
        fn(fields);
    }
}

int64_t to_int(std::string_view s) {
    return std::stoll(std::string(s));
}

// Decimal text with exactly two places -> hundredths.
int64_t to_cents(std::string_view s) {
    EXPECT_TRUE(s.size() >= 4 && s[s.size() - 3] == '.') << s;
    std::string digits(s);
    digits.erase(digits.size() - 3, 1);
    return std::stoll(digits);
}

int to_day(std::string_view s) {
    EXPECT_EQ(s.size(), 10u);
    EXPECT_EQ(s[4], '-');
    EXPECT_EQ(s[7], '-');
    using namespace std::chrono;
    const year_month_day ymd{year(static_cast<int>(to_int(s.substr(0, 4)))),
                             month(static_cast<unsigned>(to_int(s.substr(5, 2)))),
                             day(static_cast<unsigned>(to_int(s.substr(8, 2))))};
    EXPECT_TRUE(ymd.ok()) << s;
    return static_cast<int>(sys_days(ymd).time_since_epoch().count());
}

const int kStart = to_day("1992-01-01");
const int kCurrent = to_day("1995-06-17");
const int kEnd = to_day("1998-12-31");

// Pseudo-text: words of the grammar, spaces and punctuation only; length within the column's range.
void expect_text(std::string_view s, size_t min_len, size_t max_len) {
    EXPECT_GE(s.size(), min_len) << s;
    EXPECT_LE(s.size(), max_len) << s;
    for (const char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || c == ' ' || c == '.' || c == ',' || c == ';' || c == ':' ||
                        c == '?' || c == '!' || c == '-' || c == 'T' || c == 'C' || c == 'R';
        ASSERT_TRUE(ok) << "unexpected character in text: " << s;
    }
}

// Every word of the clause 4.2.2.13 lists (multi-word entries split), plus the "the" of prepositional phrases.
const std::set<std::string, std::less<>>& vocabulary() {
    static const std::set<std::string, std::less<>> words = [] {
        std::istringstream in(
            "packages requests accounts deposits foxes ideas theodolites pinto beans instructions dependencies "
            "excuses platelets asymptotes courts dolphins multipliers sauternes warthogs frets dinos attainments "
            "somas Tiresias patterns forges braids hockey players frays warhorses dugouts notornis epitaphs pearls "
            "tithes waters orbits gifts sheaves depths sentiments decoys realms pains grouches escapades "
            "sleep wake are cajole haggle nag use boost affix detect integrate maintain nod was lose sublate solve "
            "thrash promise engage hinder print x-ray breach eat grow impress mold poach serve run dazzle snooze "
            "doze unwind kindle play hang believe doubt "
            "special pending unusual express furious sly careful blithe quick fluffy slow quiet ruthless thin "
            "close dogged daring brave stealthy permanent enticing idle busy regular final ironic even bold silent "
            "sometimes always never furiously slyly carefully blithely quickly fluffily slowly quietly ruthlessly "
            "thinly closely doggedly daringly bravely stealthily permanently enticingly idly busily regularly "
            "finally ironically evenly boldly silently "
            "about above according to across after against along alongside of among around at atop before behind "
            "beneath beside besides between beyond by despite during except for from in place inside instead into "
            "near on outside over past since through throughout toward under until up upon without with within "
            "do may might shall will would can could should ought must have need try the");
        std::set<std::string, std::less<>> set;
        for (std::string w; in >> w;) set.insert(w);
        return set;
    }();
    return words;
}

// The words strictly inside a text (its first and last may be cut) must all come from the grammar's lists.
void expect_grammar_words(std::string_view s) {
    const size_t first = s.find(' ');
    const size_t last = s.rfind(' ');
    if (first == std::string_view::npos || first == last) return;
    std::istringstream in{std::string(s.substr(first + 1, last - first - 1))};
    for (std::string w; in >> w;) {
        while (!w.empty() && std::string_view(".;:?!,-").find(w.back()) != std::string_view::npos) w.pop_back();
        ASSERT_TRUE(vocabulary().count(w)) << "'" << w << "' in: " << s;
    }
}

void expect_vstring(std::string_view s) {
    EXPECT_GE(s.size(), 10u);
    EXPECT_LE(s.size(), 40u);
    for (const char c : s) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == ',' || c == ' ') << s;
}

void expect_phone(std::string_view phone, int64_t nation) {
    static const std::regex kPhone(R"((\d\d)-[1-9]\d\d-[1-9]\d\d-[1-9]\d\d\d)");
    std::cmatch m;
    ASSERT_TRUE(std::regex_match(phone.begin(), phone.end(), m, kPhone)) << phone;
    EXPECT_EQ(std::stoi(m[1].str()), nation + 10) << phone;
}

void expect_in(std::string_view value, std::initializer_list<std::string_view> domain) {
    EXPECT_NE(std::find(domain.begin(), domain.end(), value), domain.end()) << value;
}

void expect_padded_name(std::string_view value, std::string_view prefix, int64_t number) {
    char expected[32];
    std::snprintf(expected, sizeof expected, "%.*s%09lld", static_cast<int>(prefix.size()), prefix.data(),
                  static_cast<long long>(number));
    EXPECT_EQ(value, expected);
}

int64_t part_supplier(int64_t partkey, int64_t i, int64_t suppliers) {
    return (partkey + i * (suppliers / 4 + (partkey - 1) / suppliers)) % suppliers + 1;
}

// ---- Cardinalities. ----

class TpchCardinality : public ::testing::TestWithParam<double> {};

TEST_P(TpchCardinality, RowCountsFollowTheSpecAndMatchTheOutput) {
    const double sf = GetParam();
    const std::map<TpchTable, int64_t> expected = {
        {TpchTable::kRegion, 5},
        {TpchTable::kNation, 25},
        {TpchTable::kSupplier, std::llround(sf * 10000)},
        {TpchTable::kCustomer, std::llround(sf * 150000)},
        {TpchTable::kPart, std::llround(sf * 200000)},
        {TpchTable::kPartSupp, std::llround(sf * 800000)},
        {TpchTable::kOrders, std::llround(sf * 1500000)},
    };
    for (const TpchTable table : kAllTables) {
        const std::string text = generate(table, sf);
        const auto lines = static_cast<int64_t>(std::count(text.begin(), text.end(), '\n'));
        EXPECT_EQ(lines, tpch_row_count(table, sf)) << tpch_table_name(table);
        if (table != TpchTable::kLineitem) {
            EXPECT_EQ(lines, expected.at(table)) << tpch_table_name(table);
        }
    }
    // About 4 lineitems per order: within 0.1% of SF * 6,000,000 (dbgen: 60,175 at SF 0.01, 600,572 at SF 0.1).
    const double lineitems = static_cast<double>(tpch_row_count(TpchTable::kLineitem, sf));
    EXPECT_NEAR(lineitems, sf * 6000000, sf * 6000000 * 0.001);
}

INSTANTIATE_TEST_SUITE_P(ScaleFactors, TpchCardinality, ::testing::Values(0.01, 0.1));

TEST(TpchGenerator, LineitemCountAtLargeScales) {
    EXPECT_NEAR(static_cast<double>(tpch_row_count(TpchTable::kLineitem, 1)), 6001215.0, 6001215 * 0.001);
    EXPECT_NEAR(static_cast<double>(tpch_row_count(TpchTable::kLineitem, 10)), 59986052.0, 59986052 * 0.001);
    EXPECT_EQ(tpch_row_count(TpchTable::kOrders, 100), 150000000);
    EXPECT_EQ(tpch_row_count(TpchTable::kPartSupp, 1000), 800000000);
}

TEST(TpchGenerator, TableNames) {
    const char* names[] = {"region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"};
    for (size_t i = 0; i < kAllTables.size(); ++i) EXPECT_STREQ(tpch_table_name(kAllTables[i]), names[i]);
}

// ---- Keys and domains, SF 0.1. ----

constexpr double kSf = 0.1;
constexpr int64_t kSuppliers = 1000, kCustomers = 15000, kParts = 20000, kOrders = 150000;

TEST(TpchGenerator, RegionAndNationAreTheSpecsFixedRows) {
    const std::string_view regions[] = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};
    int64_t key = 0;
    for_each_row(generate(TpchTable::kRegion, kSf), TpchTable::kRegion, [&](const Row& f) {
        EXPECT_EQ(to_int(f[0]), key);
        EXPECT_EQ(f[1], regions[key]);
        expect_text(f[2], 31, 115);
        ++key;
    });
    const std::pair<std::string_view, int> nations[] = {
        {"ALGERIA", 0}, {"ARGENTINA", 1}, {"BRAZIL", 1}, {"CANADA", 1}, {"EGYPT", 4}, {"ETHIOPIA", 0},
        {"FRANCE", 3}, {"GERMANY", 3}, {"INDIA", 2}, {"INDONESIA", 2}, {"IRAN", 4}, {"IRAQ", 4}, {"JAPAN", 2},
        {"JORDAN", 4}, {"KENYA", 0}, {"MOROCCO", 0}, {"MOZAMBIQUE", 0}, {"PERU", 1}, {"CHINA", 2},
        {"ROMANIA", 3}, {"SAUDI ARABIA", 4}, {"VIETNAM", 2}, {"RUSSIA", 3}, {"UNITED KINGDOM", 3},
        {"UNITED STATES", 1}};
    key = 0;
    for_each_row(generate(TpchTable::kNation, kSf), TpchTable::kNation, [&](const Row& f) {
        EXPECT_EQ(to_int(f[0]), key);
        EXPECT_EQ(f[1], nations[key].first);
        EXPECT_EQ(to_int(f[2]), nations[key].second);
        expect_text(f[3], 31, 114);
        ++key;
    });
}

TEST(TpchGenerator, SupplierDomainsAndQ16Comments) {
    int64_t key = 0, complaints = 0, recommends = 0;
    const std::regex kComplaints("Customer.*Complaints"), kRecommends("Customer.*Recommends");
    for_each_row(generate(TpchTable::kSupplier, kSf), TpchTable::kSupplier, [&](const Row& f) {
        EXPECT_EQ(to_int(f[0]), ++key);
        expect_padded_name(f[1], "Supplier#", key);
        expect_vstring(f[2]);
        const int64_t nation = to_int(f[3]);
        EXPECT_TRUE(nation >= 0 && nation <= 24);
        expect_phone(f[4], nation);
        const int64_t balance = to_cents(f[5]);
        EXPECT_TRUE(balance >= -99999 && balance <= 999999) << f[5];
        expect_text(f[6], 25, 100);
        const std::string comment(f[6]);
        complaints += std::regex_search(comment, kComplaints) ? 1 : 0;
        recommends += std::regex_search(comment, kRecommends) ? 1 : 0;
    });
    EXPECT_EQ(key, kSuppliers);
    EXPECT_EQ(complaints, 1);  // SF * 5, rounded
    EXPECT_EQ(recommends, 1);

    complaints = recommends = 0;
    for_each_row(generate(TpchTable::kSupplier, 1.0), TpchTable::kSupplier, [&](const Row& f) {
        const std::string comment(f[6]);
        complaints += std::regex_search(comment, kComplaints) ? 1 : 0;
        recommends += std::regex_search(comment, kRecommends) ? 1 : 0;
    });
    EXPECT_EQ(complaints, 5);
    EXPECT_EQ(recommends, 5);
}

TEST(TpchGenerator, CustomerDomains) {
    int64_t key = 0;
    for_each_row(generate(TpchTable::kCustomer, kSf), TpchTable::kCustomer, [&](const Row& f) {
        EXPECT_EQ(to_int(f[0]), ++key);
        expect_padded_name(f[1], "Customer#", key);
        expect_vstring(f[2]);
        const int64_t nation = to_int(f[3]);
        EXPECT_TRUE(nation >= 0 && nation <= 24);
        expect_phone(f[4], nation);
        const int64_t balance = to_cents(f[5]);
        EXPECT_TRUE(balance >= -99999 && balance <= 999999) << f[5];
        expect_in(f[6], {"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"});
        expect_text(f[7], 29, 116);
    });
    EXPECT_EQ(key, kCustomers);
}

TEST(TpchGenerator, PartDomains) {
    int64_t key = 0;
    std::set<std::string> colours, types, containers;
    for_each_row(generate(TpchTable::kPart, kSf), TpchTable::kPart, [&](const Row& f) {
        EXPECT_EQ(to_int(f[0]), ++key);
        std::istringstream name{std::string(f[1])};
        std::set<std::string> words;
        for (std::string w; name >> w;) words.insert(w);
        EXPECT_EQ(words.size(), 5u) << f[1];  // five distinct colours
        colours.insert(words.begin(), words.end());
        ASSERT_EQ(f[2].substr(0, 13), "Manufacturer#");
        const char m = f[2][13];
        EXPECT_TRUE(f[2].size() == 14 && m >= '1' && m <= '5') << f[2];
        EXPECT_TRUE(f[3].size() == 8 && f[3].substr(0, 6) == "Brand#" && f[3][6] == m && f[3][7] >= '1' &&
                    f[3][7] <= '5')
            << f[3];
        types.emplace(f[4]);
        const int64_t size = to_int(f[5]);
        EXPECT_TRUE(size >= 1 && size <= 50);
        containers.emplace(f[6]);
        EXPECT_EQ(to_cents(f[7]), 90000 + (key / 10) % 20001 + 100 * (key % 1000));
        expect_text(f[8], 5, 22);
    });
    EXPECT_EQ(key, kParts);
    EXPECT_EQ(colours.size(), 92u);
    EXPECT_EQ(types.size(), 150u);  // 6 x 5 x 5 syllables
    EXPECT_EQ(containers.size(), 40u);  // 5 x 8 syllables
    EXPECT_TRUE(types.count("ECONOMY ANODIZED STEEL") && types.count("PROMO BRUSHED TIN"));
    EXPECT_TRUE(containers.count("SM CASE") && containers.count("WRAP DRUM"));
}

TEST(TpchGenerator, PartSuppUsesTheSpecSupplierFormula) {
    std::set<std::pair<int64_t, int64_t>> keys;
    int64_t row = 0;
    for_each_row(generate(TpchTable::kPartSupp, kSf), TpchTable::kPartSupp, [&](const Row& f) {
        const int64_t partkey = to_int(f[0]);
        const int64_t suppkey = to_int(f[1]);
        EXPECT_EQ(partkey, row / 4 + 1);
        EXPECT_EQ(suppkey, part_supplier(partkey, row % 4, kSuppliers));
        keys.emplace(partkey, suppkey);
        const int64_t quantity = to_int(f[2]);
        EXPECT_TRUE(quantity >= 1 && quantity <= 9999);
        const int64_t cost = to_cents(f[3]);
        EXPECT_TRUE(cost >= 100 && cost <= 100000);
        expect_text(f[4], 49, 198);
        expect_grammar_words(f[4]);
        ++row;
    });
    EXPECT_EQ(row, 4 * kParts);
    EXPECT_EQ(keys.size(), static_cast<size_t>(row)) << "(ps_partkey, ps_suppkey) must be unique";
}

struct OrderFacts {
    int order_date;
    char status;
    int64_t total_cents;
};

TEST(TpchGenerator, OrdersAndLineitemsAreConsistent) {
    std::map<int64_t, OrderFacts> orders;
    std::unordered_set<int64_t> customers_with_orders;
    int64_t previous_key = 0, special_requests = 0;
    const std::regex kSpecialRequests("special.*requests");
    for_each_row(generate(TpchTable::kOrders, kSf), TpchTable::kOrders, [&](const Row& f) {
        const int64_t key = to_int(f[0]);
        EXPECT_GT(key, previous_key);
        EXPECT_LT(key % 32, 8) << "only the first 8 keys of each 32 are used";
        EXPECT_LE(key, 4 * kOrders);
        previous_key = key;
        const int64_t customer = to_int(f[1]);
        EXPECT_TRUE(customer >= 1 && customer <= kCustomers);
        EXPECT_NE(customer % 3, 0) << "customers with key mod 3 == 0 have no orders";
        customers_with_orders.insert(customer);
        const int date = to_day(f[4]);
        EXPECT_TRUE(date >= kStart && date <= kEnd - 151) << f[4];
        expect_in(f[5], {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"});
        ASSERT_EQ(f[6].substr(0, 6), "Clerk#");
        EXPECT_EQ(f[6].size(), 15u);
        const int64_t clerk = to_int(f[6].substr(6));
        EXPECT_TRUE(clerk >= 1 && clerk <= 100) << f[6];  // SF * 1000
        EXPECT_EQ(f[7], "0");
        expect_text(f[8], 19, 78);
        expect_grammar_words(f[8]);
        special_requests += std::regex_search(std::string(f[8]), kSpecialRequests) ? 1 : 0;
        ASSERT_EQ(f[2].size(), 1u);
        orders[key] = {date, f[2][0], to_cents(f[3])};
    });
    ASSERT_EQ(static_cast<int64_t>(orders.size()), kOrders);
    EXPECT_EQ(static_cast<int64_t>(customers_with_orders.size()), kCustomers - kCustomers / 3);
    EXPECT_GT(special_requests, kOrders / 200);  // Q13 excludes these: about 1% of the orders
    EXPECT_LT(special_requests, kOrders / 50);

    // Per order: line numbers 1..n, n in 1..7, and the order's status and total derived from its lines.
    int64_t current_key = -1, lines_in_order = 0, total = 0, open_lines = 0, lines = 0;
    auto close_order = [&] {
        if (current_key < 0) return;
        const OrderFacts& o = orders.at(current_key);
        EXPECT_TRUE(lines_in_order >= 1 && lines_in_order <= 7);
        EXPECT_EQ(o.total_cents, (total + 5000) / 10000) << current_key;
        const char status = open_lines == lines_in_order ? 'O' : (open_lines == 0 ? 'F' : 'P');
        EXPECT_EQ(o.status, status) << current_key;
    };
    std::map<int64_t, int64_t> parts_price;
    for (int64_t p = 1; p <= kParts; ++p) parts_price[p] = 90000 + (p / 10) % 20001 + 100 * (p % 1000);
    for_each_row(generate(TpchTable::kLineitem, kSf), TpchTable::kLineitem, [&](const Row& f) {
        ++lines;
        const int64_t key = to_int(f[0]);
        if (key != current_key) {
            close_order();
            current_key = key;
            lines_in_order = total = open_lines = 0;
        }
        ASSERT_TRUE(orders.count(key)) << key;
        EXPECT_EQ(to_int(f[3]), ++lines_in_order) << "l_linenumber";
        const int64_t partkey = to_int(f[1]);
        ASSERT_TRUE(partkey >= 1 && partkey <= kParts);
        const int64_t suppkey = to_int(f[2]);
        bool supplies = false;
        for (int i = 0; i < 4; ++i) supplies |= suppkey == part_supplier(partkey, i, kSuppliers);
        EXPECT_TRUE(supplies) << "l_suppkey must be one of the part's partsupp suppliers";
        const int64_t quantity = to_int(f[4]);  // written as an integer, like dbgen
        EXPECT_TRUE(quantity >= 1 && quantity <= 50);
        const int64_t extended = to_cents(f[5]);
        EXPECT_EQ(extended, quantity * parts_price[partkey]);
        const int64_t discount = to_cents(f[6]), tax = to_cents(f[7]);
        EXPECT_TRUE(discount >= 0 && discount <= 10);
        EXPECT_TRUE(tax >= 0 && tax <= 8);
        total += extended * (100 + tax) * (100 - discount);
        const int order_date = orders.at(key).order_date;
        const int ship = to_day(f[10]), commit = to_day(f[11]), receipt = to_day(f[12]);
        EXPECT_TRUE(ship >= order_date + 1 && ship <= order_date + 121);
        EXPECT_TRUE(commit >= order_date + 30 && commit <= order_date + 90);
        EXPECT_TRUE(receipt >= ship + 1 && receipt <= ship + 30);
        if (receipt <= kCurrent) {
            EXPECT_TRUE(f[8] == "R" || f[8] == "A") << f[8];
        } else {
            EXPECT_EQ(f[8], "N");
        }
        EXPECT_EQ(f[9], ship > kCurrent ? "O" : "F");
        open_lines += f[9] == "O" ? 1 : 0;
        expect_in(f[13], {"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"});
        expect_in(f[14], {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"});
        expect_text(f[15], 10, 43);
    });
    close_order();
    EXPECT_EQ(lines, tpch_row_count(TpchTable::kLineitem, kSf));
}

// ---- Determinism. ----

TEST(TpchGenerator, OutputIsIdenticalForAnyNumberOfParts) {
    for (const TpchTable table : kAllTables) {
        const std::string whole = generate(table, 0.01);
        for (const int parts : {2, 3, 7, 64}) {
            std::string joined;
            for (int part = 0; part < parts; ++part) joined += generate(table, 0.01, part, parts);
            EXPECT_EQ(joined, whole) << tpch_table_name(table) << " in " << parts << " parts";
        }
        EXPECT_EQ(generate(table, 0.01), whole) << "repeated generation differs";
    }
}

TEST(TpchGenerator, ScaleFactorChangesTheData) {
    // Scale factor changes the data (key ranges), not only the row count.
    EXPECT_NE(generate(TpchTable::kOrders, 0.01).substr(0, 200), generate(TpchTable::kOrders, 0.02).substr(0, 200));
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class TpchFiles : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = std::filesystem::temp_directory_path() /
                ("basalt_tpch_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                 std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    }
    void TearDown() override { std::filesystem::remove_all(root_); }
    std::filesystem::path root_;
};

TEST_F(TpchFiles, FilesHaveTheRightShapeAndDoNotDependOnThreads) {
    std::map<std::string, int64_t> last_progress;
    generate_tpch_files(0.01, (root_ / "t1").string(), 1);
    generate_tpch_files(0.01, (root_ / "t3").string(), 3, [&](const char* table, int64_t rows) {
        EXPECT_GE(rows, last_progress[table]);
        last_progress[table] = rows;
    });
    for (const TpchTable table : kAllTables) {
        const std::string name = std::string(tpch_table_name(table)) + ".tbl";
        const std::string text = read_file(root_ / "t3" / name);
        EXPECT_EQ(text, read_file(root_ / "t1" / name)) << name << " depends on the thread count";
        EXPECT_EQ(text, generate(table, 0.01)) << name << " differs from generate_tpch_table";
        EXPECT_EQ(last_progress[tpch_table_name(table)], tpch_row_count(table, 0.01)) << name;
        // Every line: column_count fields, each followed by '|', so exactly column_count bars.
        int64_t lines = 0;
        size_t bars = 0;
        for (const char c : text) {
            if (c == '|') ++bars;
            if (c == '\n') {
                EXPECT_EQ(bars, column_count(table)) << name << " line " << lines + 1;
                bars = 0;
                ++lines;
            }
        }
        EXPECT_EQ(bars, 0u) << name << " ends without a newline";
        EXPECT_EQ(lines, tpch_row_count(table, 0.01)) << name;
    }
}

TEST_F(TpchFiles, UnwritableDirectoryThrows) {
    std::filesystem::create_directories(root_);
    const auto blocker = root_ / "not_a_directory";
    std::ofstream(blocker) << "x";
    EXPECT_THROW(generate_tpch_files(0.01, (blocker / "out").string(), 2), std::runtime_error);
}

TEST_F(TpchFiles, ProgressExceptionPropagatesAndStopsTheWorkers) {
    int calls = 0;
    EXPECT_THROW(generate_tpch_files(0.05, root_.string(), 2,
                                     [&](const char*, int64_t) {
                                         if (++calls == 3) throw std::runtime_error("cancelled");
                                     }),
                 std::runtime_error);
    EXPECT_EQ(calls, 3);
}

// ---- Argument errors. ----

TEST(TpchGenerator, BadArgumentsThrow) {
    const auto ignore = [](std::string_view) {};
    for (const double bad : {0.0, -1.0, std::nan(""), HUGE_VAL}) {
        EXPECT_THROW(tpch_row_count(TpchTable::kPart, bad), std::runtime_error) << bad;
        EXPECT_THROW(generate_tpch_table(TpchTable::kPart, bad, 0, 1, ignore), std::runtime_error) << bad;
        EXPECT_THROW(generate_tpch_files(bad, "/tmp/never_created_basalt", 1), std::runtime_error) << bad;
    }
    EXPECT_FALSE(std::filesystem::exists("/tmp/never_created_basalt"));
    EXPECT_THROW(generate_tpch_table(TpchTable::kPart, 0.01, 2, 2, ignore), std::runtime_error);
    EXPECT_THROW(generate_tpch_table(TpchTable::kPart, 0.01, -1, 2, ignore), std::runtime_error);
    EXPECT_THROW(generate_tpch_table(TpchTable::kPart, 0.01, 0, 0, ignore), std::runtime_error);
}

TEST(TpchGenerator, TinyScaleFactorsStillProduceValidRows) {
    for (const TpchTable table : kAllTables) {
        const std::string text = generate(table, 0.0001);
        EXPECT_EQ(static_cast<int64_t>(std::count(text.begin(), text.end(), '\n')), tpch_row_count(table, 0.0001));
        for_each_row(text, table, [](const Row&) {});
    }
}

}  // namespace
}  // namespace basalt

#include "storage/zone_filter.hpp"

#include <optional>

namespace basalt {

namespace {

// -1, 0, 1 for a < b, a == b, a > b; nullopt when the type has no order usable here.
std::optional<int> compare(const Value& a, const Value& b) {
    auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
    switch (a.type().physical()) {
        case PhysicalType::kBool:
        case PhysicalType::kInt16:
        case PhysicalType::kInt32:
        case PhysicalType::kInt64: return sign(a.get_int64(), b.get_int64());
        case PhysicalType::kInt128: return sign(a.get_int128(), b.get_int128());
        case PhysicalType::kFloat: return sign(a.get_float(), b.get_float());
        case PhysicalType::kDouble: return sign(a.get_double(), b.get_double());
        case PhysicalType::kString: return sign(a.get_string(), b.get_string());
        case PhysicalType::kInterval: return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

int compare_values(const Value& a, const Value& b) { return compare(a, b).value_or(0); }

namespace {

// Values of these two types compare by their stored representation.
bool comparable(const LogicalType& a, const LogicalType& b) {
    if (a.is_string() && b.is_string()) return true;
    if (a.id() != b.id()) return false;
    return a.id() != TypeId::kDecimal || (a.scale() == b.scale() && a.physical() == b.physical());
}

}  // namespace

bool zone_may_match(const ZoneMap& zone, idx_t rows, const ZoneFilter& filter) {
    if (zone.null_count >= rows) return false;  // only NULLs
    if (!zone.has_min_max || filter.constant.is_null()) return true;
    if (!comparable(zone.min.type(), filter.constant.type())) return true;
    auto low = compare(filter.constant, zone.min);   // constant vs min
    auto high = compare(filter.constant, zone.max);  // constant vs max
    if (!low || !high) return true;
    switch (filter.op) {
        case ZoneOp::kEqual: return *low >= 0 && *high <= 0;   // min <= c <= max
        case ZoneOp::kLess: return *low > 0;                    // some value < c needs min < c
        case ZoneOp::kLessEqual: return *low >= 0;              // min <= c
        case ZoneOp::kGreater: return *high < 0;                // max > c
        case ZoneOp::kGreaterEqual: return *high <= 0;          // max >= c
    }
    return true;
}

}  // namespace basalt

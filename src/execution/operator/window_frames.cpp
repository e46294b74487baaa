#include "execution/operator/window_frames.hpp"

#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "types/datetime.hpp"
#include "types/decimal.hpp"
#include "types/physical_dispatch.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {

constexpr int128_t kMaxInt128 = static_cast<int128_t>((~static_cast<__uint128_t>(0)) >> 1);
constexpr int128_t kMinInt128 = -kMaxInt128 - 1;

// Exact numbers (integers, decimals) as int128 at their own scale.
int128_t read_exact(const Vector& v, idx_t row) {
    return dispatch_physical(v.type().physical(), [&](auto tag) -> int128_t {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
            return static_cast<int128_t>(v.data<T>()[row]);
        } else if constexpr (std::is_same_v<T, int128_t>) {
            return v.data<T>()[row];
        } else {
            throw Error(sql_state::kInternalError, "window frame: not an exact numeric key");
        }
    });
}

int scale_of(const LogicalType& t) { return t.id() == TypeId::kDecimal ? t.scale() : 0; }

// a + b, saturated: a bound beyond every int128 key lies beyond every row, as PostgreSQL's in_range treats overflow.
int128_t saturating_add(int128_t a, int128_t b) {
    int128_t r;
    if (__builtin_add_overflow(a, b, &r)) return b > 0 ? kMaxInt128 : kMinInt128;
    return r;
}

int128_t saturating_mul(int128_t a, int128_t b) {
    int128_t r;
    if (__builtin_mul_overflow(a, b, &r)) return (a < 0) != (b < 0) ? kMinInt128 : kMaxInt128;
    return r;
}

[[noreturn]] void null_offset(bool is_start) {
    throw Error(sql_state::kNullValueNotAllowed,
                is_start ? "frame starting offset must not be null" : "frame ending offset must not be null");
}

[[noreturn]] void invalid_range_size() {
    throw Error(sql_state::kInvalidPrecedingOrFollowingSize, "invalid preceding or following size in window function");
}

}  // namespace

// The value the key is compared against: `exact` (eps 0), or just above it (eps 1) or just below it (eps -1) when
// the offset has more decimal places than the key; `real` for floats, `time` in microseconds.
struct WindowFrames::Target {
    int128_t exact = 0;
    int eps = 0;
    double real = 0;
    int64_t time = 0;
};

WindowFrames::WindowFrames(const WindowExpression& w, const std::vector<Vector>& orders, const Vector* start_offset,
                           const Vector* end_offset, idx_t first, idx_t last)
    : w_(w), orders_(orders), start_offset_(start_offset), end_offset_(end_offset), key_base_(first) {
    auto has_offset = [](FrameBound b) { return b == FrameBound::kPreceding || b == FrameBound::kFollowing; };
    if (w.rows || !(has_offset(w.start) || has_offset(w.end))) return;
    const Vector& key = orders_[0];
    const LogicalType& type = key.type();
    idx_t n = last - first;
    switch (type.id()) {
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
        case TypeId::kDecimal:
            key_kind_ = KeyKind::kExact;
            key_scale_ = scale_of(type);
            exact_keys_.resize(n);
            for (idx_t k = 0; k < n; k++) exact_keys_[k] = key.is_null(first + k) ? 0 : read_exact(key, first + k);
            break;
        case TypeId::kReal:
        case TypeId::kDouble:
            key_kind_ = KeyKind::kFloat;
            float_keys_.resize(n);
            for (idx_t k = 0; k < n; k++) {
                idx_t row = first + k;
                if (key.is_null(row)) continue;
                float_keys_[k] = type.id() == TypeId::kReal ? key.data<float>()[row] : key.data<double>()[row];
            }
            break;
        case TypeId::kDate:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz:
            key_kind_ = KeyKind::kTime;
            time_keys_.resize(n);
            for (idx_t k = 0; k < n; k++) {
                idx_t row = first + k;
                if (key.is_null(row)) continue;
                time_keys_[k] = type.id() == TypeId::kDate ? static_cast<int64_t>(key.data<int32_t>()[row]) * kMicrosPerDay
                                                           : key.data<int64_t>()[row];
            }
            break;
        default:
            // The binder refuses other key types; reaching here is a planner bug, not a user error.
            throw Error(sql_state::kInternalError, "RANGE offset over an unsupported key type");
    }
}

void WindowFrames::compute(idx_t begin, idx_t end, bool frames) {
    begin_ = begin;
    size_ = end - begin;
    peer_start.resize(size_);
    peer_end.resize(size_);
    idx_t s = 0;
    while (s < size_) {
        idx_t e = s + 1;
        while (e < size_) {
            bool peer = true;
            for (const Vector& key : orders_) {
                if (compare_rows(key, begin + e - 1, key, begin + e) != 0) {
                    peer = false;
                    break;
                }
            }
            if (!peer) break;
            e++;
        }
        for (idx_t k = s; k < e; k++) {
            peer_start[k] = s;
            peer_end[k] = e;
        }
        s = e;
    }
    if (!frames) return;
    if (key_kind_ != KeyKind::kNone) {
        // NULL keys sort together at one end of the partition; offsets never reach them from a non-NULL row.
        idx_t nulls = 0;
        for (idx_t k = begin; k < end; k++) nulls += orders_[0].is_null(k) ? 1 : 0;
        bool nulls_first = w_.orders[0].nulls_first;
        non_null_begin_ = nulls_first ? nulls : 0;
        non_null_end_ = nulls_first ? size_ : size_ - nulls;
    }
    frame_start.resize(size_);
    frame_end.resize(size_);
    for (idx_t i = 0; i < size_; i++) {
        idx_t fs = bound(w_.start, true, start_offset_, i);
        idx_t fe = bound(w_.end, false, end_offset_, i);
        frame_start[i] = fs;
        frame_end[i] = std::max(fs, fe);
    }
}

idx_t WindowFrames::bound(FrameBound b, bool is_start, const Vector* offset, idx_t i) {
    switch (b) {
        case FrameBound::kUnboundedPreceding: return 0;
        case FrameBound::kUnboundedFollowing: return size_;
        case FrameBound::kCurrentRow:
            if (w_.rows) return is_start ? i : i + 1;
            return is_start ? peer_start[i] : peer_end[i];
        case FrameBound::kPreceding:
        case FrameBound::kFollowing: {
            bool preceding = b == FrameBound::kPreceding;
            if (!w_.rows) return range_bound(preceding, is_start, *offset, i);
            idx_t row = begin_ + i;
            if (offset->is_null(row)) null_offset(is_start);
            int64_t k = offset->data<int64_t>()[row];
            if (k < 0) {
                throw Error(sql_state::kInvalidPrecedingOrFollowingSize,
                            is_start ? "frame starting offset must not be negative" : "frame ending offset must not be negative");
            }
            int128_t pos = static_cast<int128_t>(i) + (preceding ? -static_cast<int128_t>(k) : static_cast<int128_t>(k));
            if (!is_start) pos++;
            return static_cast<idx_t>(std::clamp<int128_t>(pos, 0, static_cast<int128_t>(size_)));
        }
    }
    return 0;
}

int WindowFrames::compare_key(idx_t k, const Target& t) const {
    idx_t row = begin_ + k - key_base_;
    switch (key_kind_) {
        case KeyKind::kExact: {
            int128_t x = exact_keys_[row];
            if (x != t.exact) return x < t.exact ? -1 : 1;
            return -t.eps;
        }
        case KeyKind::kFloat: {
            // PostgreSQL orders NaN above every other value and equal to itself.
            double x = float_keys_[row];
            bool xn = std::isnan(x), tn = std::isnan(t.real);
            if (xn || tn) return xn == tn ? 0 : (xn ? 1 : -1);
            return x < t.real ? -1 : (x > t.real ? 1 : 0);
        }
        case KeyKind::kTime: {
            int64_t x = time_keys_[row];
            return x < t.time ? -1 : (x > t.time ? 1 : 0);
        }
        case KeyKind::kNone: break;
    }
    return 0;
}

// The frame start is the first row not before `target` in ORDER BY direction; the frame end follows the last row
// not after it. Keys are sorted within the non-NULL rows, so both are binary searches.
idx_t WindowFrames::range_bound(bool preceding, bool is_start, const Vector& offset, idx_t i) {
    idx_t row = begin_ + i;
    // A NULL key: the offset is meaningless, the bound is the peer group of NULLs (PostgreSQL does the same).
    if (orders_[0].is_null(row)) return is_start ? peer_start[i] : peer_end[i];
    if (offset.is_null(row)) null_offset(is_start);
    bool descending = w_.orders[0].descending;
    bool add = preceding == descending;  // ascending: PRECEDING subtracts; descending: it adds
    Target t;
    switch (key_kind_) {
        case KeyKind::kExact: {
            int128_t off = read_exact(offset, row);
            if (off < 0) invalid_range_size();
            int128_t current = exact_keys_[row - key_base_];
            int extra = scale_of(offset.type()) - key_scale_;
            if (extra <= 0) {
                off = saturating_mul(off, pow10_i128(-extra));
                t.exact = saturating_add(current, add ? off : -off);
            } else {
                // The offset has finer digits than the key: whole key units move the bound, a remainder puts it
                // strictly between two key values.
                int128_t unit = pow10_i128(extra);
                int128_t whole = off / unit, rest = off % unit;
                t.exact = saturating_add(current, add ? whole : -whole);
                t.eps = rest == 0 ? 0 : (add ? 1 : -1);
            }
            break;
        }
        case KeyKind::kFloat: {
            double off = offset.data<double>()[row];
            if (std::isnan(off) || off < 0) invalid_range_size();
            double current = float_keys_[row - key_base_];
            // An infinite offset away from an infinite key (+inf - inf) would be NaN: PostgreSQL's in_range_float8
            // counts every number as within it (but not NaN), so the frame reaches the extreme number that way.
            if (std::isinf(off) && std::isinf(current) && (add ? current < 0 : current > 0)) {
                t.real = is_start != descending ? -off : off;
            } else {
                t.real = add ? current + off : current - off;
            }
            break;
        }
        case KeyKind::kTime: {
            Interval iv = offset.data<Interval>()[row];
            if (interval_compare(iv, Interval{}) < 0) invalid_range_size();
            t.time = timestamp_add_interval(time_keys_[row - key_base_], add ? iv : interval_negate(iv));
            break;
        }
        case KeyKind::kNone: break;
    }
    // before(k): row k still lies before the bound, so the bound is past it.
    auto before = [&](idx_t k) {
        int c = compare_key(k, t);
        if (descending) c = -c;
        return is_start ? c < 0 : c <= 0;
    };
    idx_t lo = non_null_begin_, hi = non_null_end_;
    while (lo < hi) {
        idx_t mid = lo + (hi - lo) / 2;
        if (before(mid)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

}  // namespace basalt

#include "execution/operator/physical_window.hpp"

#include <cmath>
#include <numeric>

#include "common/error.hpp"
#include "execution/column_data_collection.hpp"
#include "execution/expression_executor.hpp"
#include "execution/operator/physical_order.hpp"
#include "execution/row_gather.hpp"
#include "function/cast.hpp"
#include "types/datetime.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {

struct WindowGlobal : GlobalSinkState {
    std::mutex mutex;
    std::shared_ptr<ColumnDataCollection> rows;
    std::vector<Vector> results;  // per window, indexed by row id
    std::vector<uint64_t> output_order;
};

struct WindowLocal : LocalSinkState {
    std::unique_ptr<ExpressionListExecutor> executor;
    DataChunk computed;
    DataChunk combined;
    ColumnDataCollection rows;
};

struct WindowSource : GlobalSourceState {
    idx_t position = 0;
};

double numeric_value(const Vector& v, idx_t row) {
    Value value = v.get_value(row);
    return cast_value(value, LogicalType::double_type()).get_double();
}

}  // namespace

PhysicalWindow::PhysicalWindow(std::vector<LogicalType> types, std::vector<WindowExpression> windows)
    : PhysicalOperator(std::move(types)), windows_(std::move(windows)) {
    input_width_ = this->types().size() - windows_.size();
    idx_t next = input_width_;
    for (auto& w : windows_) {
        Columns c;
        c.partitions = next;
        for (auto& p : w.partitions) computed_.push_back(p->copy());
        next += w.partitions.size();
        c.orders = next;
        for (auto& o : w.orders) computed_.push_back(o.expr->copy());
        next += w.orders.size();
        c.arguments = next;
        for (auto& a : w.children) computed_.push_back(a->copy());
        next += w.children.size();
        c.start_offset = next;
        if (w.start_offset) {
            computed_.push_back(w.start_offset->copy());
            next++;
        }
        c.end_offset = next;
        if (w.end_offset) {
            computed_.push_back(w.end_offset->copy());
            next++;
        }
        columns_.push_back(c);
    }
}

std::string PhysicalWindow::details() const {
    std::string out;
    for (const auto& w : windows_) out += (out.empty() ? "" : ", ") + w.to_string();
    return out;
}

std::unique_ptr<GlobalSinkState> PhysicalWindow::make_global_sink_state(ExecContext&) const {
    auto g = std::make_unique<WindowGlobal>();
    std::vector<LogicalType> all(types().begin(), types().begin() + static_cast<std::ptrdiff_t>(input_width_));
    for (const auto& e : computed_) all.push_back(e->type);
    g->rows = std::make_shared<ColumnDataCollection>(all);
    return g;
}

std::unique_ptr<LocalSinkState> PhysicalWindow::make_local_sink_state(ExecContext&, GlobalSinkState& gstate) const {
    auto& g = static_cast<WindowGlobal&>(gstate);
    auto l = std::make_unique<WindowLocal>();
    l->executor = std::make_unique<ExpressionListExecutor>(computed_);
    std::vector<LogicalType> computed_types;
    for (const auto& e : computed_) computed_types.push_back(e->type);
    l->computed.initialize(computed_types);
    l->combined.initialize(g.rows->types());
    l->rows = ColumnDataCollection(g.rows->types());
    return l;
}

SinkResult PhysicalWindow::consume(ExecContext&, GlobalSinkState&, LocalSinkState& lstate, const DataChunk& in) const {
    auto& l = static_cast<WindowLocal&>(lstate);
    l.executor->execute(in, l.computed);
    for (idx_t c = 0; c < input_width_; c++) l.combined.column(c).reference(in.column(c));
    for (idx_t c = 0; c < l.computed.column_count(); c++) l.combined.column(input_width_ + c).reference(l.computed.column(c));
    l.combined.set_size(in.size());
    l.rows.append(l.combined);
    return SinkResult::kNeedMoreInput;
}

void PhysicalWindow::combine(ExecContext&, GlobalSinkState& gstate, LocalSinkState& lstate) const {
    auto& g = static_cast<WindowGlobal&>(gstate);
    auto& l = static_cast<WindowLocal&>(lstate);
    std::lock_guard lock(g.mutex);
    g.rows->merge(std::move(l.rows));
}

void PhysicalWindow::finalize(ExecContext&, GlobalSinkState& gstate) const {
    auto& g = static_cast<WindowGlobal&>(gstate);
    const ColumnDataCollection& rows = *g.rows;
    idx_t n = rows.row_count();
    std::shared_ptr<const void> owner = g.rows;
    for (size_t wi = 0; wi < windows_.size(); wi++) {
        const WindowExpression& w = windows_[wi];
        const Columns& cols = columns_[wi];
        Vector result(w.type, std::max<idx_t>(n, 1));
        std::vector<SortKey> partition_keys, order_keys, all_keys;
        for (idx_t p = 0; p < w.partitions.size(); p++) partition_keys.push_back({cols.partitions + p, false, false});
        for (idx_t o = 0; o < w.orders.size(); o++) {
            order_keys.push_back({cols.orders + o, w.orders[o].descending, w.orders[o].nulls_first});
        }
        all_keys = partition_keys;
        all_keys.insert(all_keys.end(), order_keys.begin(), order_keys.end());
        std::vector<uint64_t> ids(n);
        std::iota(ids.begin(), ids.end(), 0);
        if (!all_keys.empty()) sort_rows(rows, all_keys, ids);
        if (wi == 0) g.output_order = ids;

        auto arg_value = [&](idx_t arg, uint64_t row) -> const Vector& { return rows.column(row, cols.arguments + arg); };
        auto set_from_row = [&](idx_t target_row, idx_t arg, uint64_t source_row) {
            const Vector& v = rows.column(source_row, cols.arguments + arg);
            result.set_value(target_row, v.get_value(ColumnDataCollection::offset(source_row)));
        };
        idx_t ps = 0;
        while (ps < n) {
            idx_t pe = ps + 1;
            while (pe < n && compare_collection_rows(rows, partition_keys, ids[ps], ids[pe]) == 0) pe++;
            idx_t size = pe - ps;
            // Peer groups (rows equal on ORDER BY) within the partition.
            std::vector<idx_t> peer_start(size), peer_end(size);
            {
                idx_t s = 0;
                while (s < size) {
                    idx_t e = s + 1;
                    while (e < size && (order_keys.empty() || compare_collection_rows(rows, order_keys, ids[ps + s], ids[ps + e]) == 0)) e++;
                    for (idx_t k = s; k < e; k++) {
                        peer_start[k] = s;
                        peer_end[k] = e;
                    }
                    s = e;
                }
            }
            // Frame [fs, fe) of position i (relative to the partition).
            auto offset_of = [&](idx_t column, idx_t i) -> double {
                const Vector& v = rows.column(ids[ps + i], column);
                idx_t off = ColumnDataCollection::offset(ids[ps + i]);
                if (v.is_null(off)) throw Error(sql_state::kInvalidParameterValue, "frame offset must not be null");
                double d = numeric_value(v, off);
                if (d < 0) throw Error(sql_state::kInvalidPrecedingOrFollowingSize, "frame starting offset must not be negative");
                return d;
            };
            // RANGE frames with an offset: the frame starts after the last row before `target` (in ORDER BY
            // direction) and ends after the last row within it; key_at(k, x) reads row k's key, false when NULL.
            auto range_position = [&](double target, bool is_start, const auto& key_at) -> idx_t {
                bool desc = w.orders[0].descending;
                idx_t pos = 0;
                for (idx_t k = 0; k < size; k++) {
                    double x;
                    if (!key_at(k, x)) continue;
                    bool before = desc ? x > target : x < target;
                    bool within = desc ? x >= target : x <= target;
                    if (is_start ? before : within) pos = k + 1;
                }
                return pos;
            };
            auto frame = [&](idx_t i, idx_t& fs, idx_t& fe) {
                auto bound = [&](FrameBound b, bool is_start, idx_t column) -> idx_t {
                    switch (b) {
                        case FrameBound::kUnboundedPreceding: return 0;
                        case FrameBound::kUnboundedFollowing: return size;
                        case FrameBound::kCurrentRow:
                            if (w.rows) return is_start ? i : i + 1;
                            return is_start ? peer_start[i] : peer_end[i];
                        case FrameBound::kPreceding:
                        case FrameBound::kFollowing: {
                            bool preceding = b == FrameBound::kPreceding;
                            const Vector& offset_vector = rows.column(ids[ps + i], column);
                            if (!w.rows && offset_vector.type().id() == TypeId::kInterval) {
                                // RANGE over dates/timestamps with an interval offset: compare in microseconds.
                                idx_t oo = ColumnDataCollection::offset(ids[ps + i]);
                                Interval iv = offset_vector.data<Interval>()[oo];
                                if (interval_compare(iv, Interval{}) < 0) {
                                    throw Error(sql_state::kInvalidPrecedingOrFollowingSize, "invalid preceding or following size in window function");
                                }
                                // Timestamps in microseconds stay exact as doubles (below 2^53).
                                auto micros_at = [&](idx_t k, double& x) {
                                    const Vector& kv = rows.column(ids[ps + k], cols.orders);
                                    idx_t ko = ColumnDataCollection::offset(ids[ps + k]);
                                    if (kv.is_null(ko)) return false;
                                    x = kv.type().id() == TypeId::kDate ? static_cast<double>(kv.data<int32_t>()[ko]) * kMicrosPerDay
                                                                        : static_cast<double>(kv.data<int64_t>()[ko]);
                                    return true;
                                };
                                double current;
                                if (!micros_at(i, current)) return is_start ? peer_start[i] : peer_end[i];
                                bool desc = w.orders[0].descending;
                                Interval step = (preceding != desc) ? interval_negate(iv) : iv;
                                double target = static_cast<double>(timestamp_add_interval(static_cast<int64_t>(current), step));
                                return range_position(target, is_start, micros_at);
                            }
                            double off = offset_of(column, i);
                            if (w.rows) {
                                int64_t k = static_cast<int64_t>(off);
                                int64_t pos = preceding ? static_cast<int64_t>(i) - k : static_cast<int64_t>(i) + k;
                                if (!is_start) pos++;
                                return static_cast<idx_t>(std::clamp<int64_t>(pos, 0, static_cast<int64_t>(size)));
                            }
                            // RANGE with an offset: rows whose ORDER BY value is within the offset.
                            auto number_at = [&](idx_t k, double& x) {
                                const Vector& kv = rows.column(ids[ps + k], cols.orders);
                                idx_t ko = ColumnDataCollection::offset(ids[ps + k]);
                                if (kv.is_null(ko)) return false;
                                x = numeric_value(kv, ko);
                                return true;
                            };
                            double current;
                            if (!number_at(i, current)) return is_start ? peer_start[i] : peer_end[i];
                            bool desc = w.orders[0].descending;
                            double target = (preceding != desc) ? current - off : current + off;
                            return range_position(target, is_start, number_at);
                        }
                    }
                    return 0;
                };
                fs = bound(w.start, true, cols.start_offset);
                fe = bound(w.end, false, cols.end_offset);
                if (fe < fs) fe = fs;
            };
            switch (w.kind) {
                case WindowFunctionKind::kRowNumber:
                    for (idx_t i = 0; i < size; i++) result.data<int64_t>()[ids[ps + i]] = static_cast<int64_t>(i + 1);
                    break;
                case WindowFunctionKind::kRank:
                    for (idx_t i = 0; i < size; i++) result.data<int64_t>()[ids[ps + i]] = static_cast<int64_t>(peer_start[i] + 1);
                    break;
                case WindowFunctionKind::kDenseRank: {
                    int64_t rank = 0;
                    for (idx_t i = 0; i < size; i++) {
                        if (peer_start[i] == i) rank++;
                        result.data<int64_t>()[ids[ps + i]] = rank;
                    }
                    break;
                }
                case WindowFunctionKind::kPercentRank:
                    for (idx_t i = 0; i < size; i++) {
                        result.data<double>()[ids[ps + i]] = size > 1 ? static_cast<double>(peer_start[i]) / static_cast<double>(size - 1) : 0.0;
                    }
                    break;
                case WindowFunctionKind::kCumeDist:
                    for (idx_t i = 0; i < size; i++) {
                        result.data<double>()[ids[ps + i]] = static_cast<double>(peer_end[i]) / static_cast<double>(size);
                    }
                    break;
                case WindowFunctionKind::kNtile:
                    for (idx_t i = 0; i < size; i++) {
                        const Vector& v = arg_value(0, ids[ps + i]);
                        idx_t off = ColumnDataCollection::offset(ids[ps + i]);
                        if (v.is_null(off)) {
                            result.set_null(ids[ps + i]);
                            continue;
                        }
                        int64_t buckets = v.data<int64_t>()[off];
                        if (buckets <= 0) throw Error(sql_state::kInvalidArgumentForNtile, "argument of ntile must be greater than zero");
                        int64_t total = static_cast<int64_t>(size);
                        int64_t base = total / buckets, extra = total % buckets;
                        int64_t r = static_cast<int64_t>(i);
                        // The first `extra` buckets hold base + 1 rows.
                        int64_t big = extra * (base + 1);
                        int64_t bucket = r < big ? r / (base + 1) : (base == 0 ? r : extra + (r - big) / base);
                        result.data<int32_t>()[ids[ps + i]] = static_cast<int32_t>(bucket + 1);
                    }
                    break;
                case WindowFunctionKind::kLag:
                case WindowFunctionKind::kLead:
                    for (idx_t i = 0; i < size; i++) {
                        int64_t offset = 1;
                        if (w.children.size() > 1) {
                            const Vector& ov = arg_value(1, ids[ps + i]);
                            idx_t oo = ColumnDataCollection::offset(ids[ps + i]);
                            if (ov.is_null(oo)) {
                                result.set_null(ids[ps + i]);
                                continue;
                            }
                            offset = ov.data<int64_t>()[oo];
                        }
                        int64_t target = w.kind == WindowFunctionKind::kLag ? static_cast<int64_t>(i) - offset : static_cast<int64_t>(i) + offset;
                        if (target >= 0 && target < static_cast<int64_t>(size)) {
                            set_from_row(ids[ps + i], 0, ids[ps + static_cast<idx_t>(target)]);
                        } else if (w.children.size() > 2) {
                            set_from_row(ids[ps + i], 2, ids[ps + i]);
                        } else {
                            result.set_null(ids[ps + i]);
                        }
                    }
                    break;
                case WindowFunctionKind::kFirstValue:
                case WindowFunctionKind::kLastValue:
                case WindowFunctionKind::kNthValue:
                    for (idx_t i = 0; i < size; i++) {
                        idx_t fs, fe;
                        frame(i, fs, fe);
                        int64_t pick = -1;
                        if (w.kind == WindowFunctionKind::kFirstValue && fe > fs) pick = static_cast<int64_t>(fs);
                        if (w.kind == WindowFunctionKind::kLastValue && fe > fs) pick = static_cast<int64_t>(fe - 1);
                        if (w.kind == WindowFunctionKind::kNthValue) {
                            const Vector& nv = arg_value(1, ids[ps + i]);
                            idx_t no = ColumnDataCollection::offset(ids[ps + i]);
                            int64_t nth = nv.is_null(no) ? 0 : nv.data<int64_t>()[no];
                            if (nth <= 0 && !nv.is_null(no)) throw Error(sql_state::kInvalidArgumentForNthValue, "argument of nth_value must be greater than zero");
                            if (nth > 0 && fs + static_cast<idx_t>(nth) <= fe) pick = static_cast<int64_t>(fs + static_cast<idx_t>(nth) - 1);
                        }
                        if (pick < 0) {
                            result.set_null(ids[ps + i]);
                        } else {
                            set_from_row(ids[ps + i], 0, ids[ps + static_cast<idx_t>(pick)]);
                        }
                    }
                    break;
                case WindowFunctionKind::kAggregate: {
                    const BoundAggregate& agg = w.aggregate;
                    std::vector<uint8_t> state_buffer(std::max<size_t>(agg.state_size, 16));
                    uint8_t* state = state_buffer.data();
                    auto feed = [&](idx_t from, idx_t to) {
                        // Rows [from, to) of the partition enter the state, a vector at a time.
                        while (from < to) {
                            idx_t count = std::min<idx_t>(kVectorSize, to - from);
                            std::vector<uint64_t> row_ids(count);
                            for (idx_t k = 0; k < count; k++) row_ids[k] = ids[ps + from + k];
                            std::vector<Vector> args(w.children.size());
                            std::vector<Vector*> arg_ptrs;
                            for (idx_t a = 0; a < w.children.size(); a++) {
                                gather_rows(rows, cols.arguments + a, row_ids.data(), count, args[a], owner);
                                arg_ptrs.push_back(&args[a]);
                            }
                            std::vector<uint8_t*> states(count, state);
                            agg.update(arg_ptrs, states.data(), count, agg);
                            from += count;
                        }
                    };
                    auto emit = [&](idx_t i) {
                        Vector one(w.type, 1);
                        agg.finalize(&state, 1, one, 0, agg);
                        result.set_value(ids[ps + i], one.get_value(0));
                    };
                    bool running = w.start == FrameBound::kUnboundedPreceding &&
                                   (w.end == FrameBound::kCurrentRow || w.end == FrameBound::kUnboundedFollowing);
                    if (running) {
                        agg.initialize(state);
                        idx_t fed = 0;
                        for (idx_t i = 0; i < size; i++) {
                            idx_t fs, fe;
                            frame(i, fs, fe);
                            if (fe > fed) {
                                feed(fed, fe);
                                fed = fe;
                            }
                            emit(i);
                        }
                        if (agg.destroy) agg.destroy(state);
                    } else {
                        for (idx_t i = 0; i < size; i++) {
                            idx_t fs, fe;
                            frame(i, fs, fe);
                            agg.initialize(state);
                            feed(fs, fe);
                            emit(i);
                            if (agg.destroy) agg.destroy(state);
                        }
                    }
                    break;
                }
            }
            ps = pe;
        }
        g.results.push_back(std::move(result));
    }
}

std::unique_ptr<GlobalSourceState> PhysicalWindow::make_global_source_state(ExecContext&) const {
    return std::make_unique<WindowSource>();
}
std::unique_ptr<LocalSourceState> PhysicalWindow::make_local_source_state(ExecContext&, GlobalSourceState&) const {
    return std::make_unique<LocalSourceState>();
}

void PhysicalWindow::produce(ExecContext&, GlobalSourceState& gsource, LocalSourceState& lsource, DataChunk& out) const {
    auto& src = static_cast<WindowSource&>(gsource);
    auto& g = static_cast<WindowGlobal&>(*sink_state);
    idx_t total = g.output_order.size();
    if (src.position >= total) {
        out.set_size(0);
        return;
    }
    idx_t n = std::min<idx_t>(kVectorSize, total - src.position);
    const uint64_t* ids = g.output_order.data() + src.position;
    lsource.batch_index = src.position;
    std::shared_ptr<const void> owner = g.rows;
    for (idx_t c = 0; c < input_width_; c++) gather_rows(*g.rows, c, ids, n, out.column(c), owner);
    std::vector<sel_t> sel(n);
    for (idx_t i = 0; i < n; i++) sel[i] = static_cast<sel_t>(ids[i]);
    for (size_t w = 0; w < windows_.size(); w++) vector_gather(g.results[w], sel.data(), n, out.column(input_width_ + w));
    out.set_size(n);
    src.position += n;
}

}  // namespace basalt

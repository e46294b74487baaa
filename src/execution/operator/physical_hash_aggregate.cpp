#include "execution/operator/physical_hash_aggregate.hpp"

#include "execution/expression_executor.hpp"
#include "execution/operator/aggregate_hash_table.hpp"
#include "execution/operator/physical_order.hpp"
#include "execution/row_gather.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

struct PhysicalHashAggregate::Layout {
    AggregateLayout states;
    AggregateLayout none;  // for DISTINCT "seen" tables: no states
    explicit Layout(const std::vector<const BoundAggregate*>& aggs) : states(aggs), none({}) {}
};

namespace {

// One grouping set's tables: the groups with their states, and per DISTINCT aggregate the (group, args) seen.
struct SetTables {
    std::unique_ptr<AggregateHashTable> table;
    std::vector<std::unique_ptr<AggregateHashTable>> distinct_seen;  // by aggregate index (null if not DISTINCT)
    // Aggregates with ORDER BY: their rows are kept (state address, arguments, sort keys) and fed in order at the end.
    std::vector<std::unique_ptr<ColumnDataCollection>> ordered_rows;
};

// Above this many groups, finalize() merges the workers' tables partition by partition in parallel.
constexpr idx_t kParallelMergeGroups = 50000;
constexpr int kPartitionBits = 4;
// Spilled groups are split finer, so that one partition's groups fit where all of them did not.
constexpr int kSpillBits = 6;

struct AggregateGlobal : GlobalSinkState {
    std::mutex mutex;
    std::vector<std::vector<SetTables>> locals;  // each worker's tables, handed over in combine()
    std::vector<std::unique_ptr<MemoryReservation>> local_memory;  // and what they hold of the budget
    std::unique_ptr<MemoryReservation> memory;  // the merged results
    // After finalize(): per grouping set, its groups in one table or in hash partitions.
    std::vector<std::vector<std::unique_ptr<AggregateHashTable>>> results;
    // Spilling: set by the first worker whose tables outgrew the budget. Per worker (as in locals), per grouping
    // set, the groups it wrote to disk; after finalize() every group is there, and the source aggregates one
    // (set, partition) at a time.
    std::atomic<bool> spilled{false};
    std::vector<std::vector<std::unique_ptr<SpillPartitions>>> spills;
    bool spill_mode = false;
};

// What a worker's tables hold: groups, states, DISTINCT "seen" tables, rows kept for ordered aggregates.
size_t tables_bytes(const std::vector<SetTables>& sets) {
    size_t bytes = 0;
    for (const auto& s : sets) {
        if (s.table) bytes += s.table->bytes();
        for (const auto& seen : s.distinct_seen) bytes += seen ? seen->bytes() : 0;
        for (const auto& rows : s.ordered_rows) bytes += rows ? rows->bytes() : 0;
    }
    return bytes;
}

struct AggregateLocal : LocalSinkState {
    std::unique_ptr<MemoryReservation> memory;
    std::vector<std::unique_ptr<SpillPartitions>> spills;  // per grouping set, once this worker spilled
    idx_t chunks = 0;
    std::vector<SetTables> sets;
    std::unique_ptr<ExpressionListExecutor> group_executor;
    DataChunk group_chunk;
    std::vector<std::unique_ptr<ExpressionListExecutor>> arg_executors;
    std::vector<DataChunk> arg_chunks;
    std::vector<std::unique_ptr<ExpressionExecutor>> filter_executors;
    std::vector<std::vector<sel_t>> filter_rows;  // per aggregate with FILTER: the rows of the current chunk it sees
    std::vector<idx_t> filter_counts;
    DataChunk filtered_input, filtered_output;     // scratch of execute_on_rows()
    std::vector<std::vector<ExprPtr>> order_exprs;
    std::vector<std::unique_ptr<ExpressionListExecutor>> order_executors;
};

// Runs `executor` over `in` into `out` (in.size() rows), but when `sel` is given only on those n rows: an
// aggregate's arguments and ORDER BY keys are computed only for the rows its FILTER keeps, so they raise no
// error for the others (PostgreSQL's semantics). The rows outside sel are NULL in out; nothing reads them.
void execute_on_rows(ExpressionListExecutor& executor, const DataChunk& in, const sel_t* sel, idx_t n, AggregateLocal& l,
                     DataChunk& out) {
    if (!sel || out.column_count() == 0) {  // count(*) has no arguments to compute
        executor.execute(in, out);
        return;
    }
    chunk_gather(in, sel, n, l.filtered_input);
    if (l.filtered_output.types() != out.types()) l.filtered_output.initialize(out.types());
    executor.execute(l.filtered_input, l.filtered_output);
    for (idx_t k = 0; k < out.column_count(); k++) {
        Vector& column = out.column(k);
        column.reset();
        for (idx_t i = 0; i < in.size(); i++) column.set_null(i);
        vector_scatter(l.filtered_output.column(k), sel, n, column);
    }
    out.set_size(in.size());
}

SetTables make_set_tables(const std::vector<LogicalType>& group_types, const std::vector<idx_t>& set,
                          const std::vector<AggregateExpression>& aggregates, const PhysicalHashAggregate::Layout& layout) {
    SetTables t;
    std::vector<LogicalType> key_types;
    for (idx_t g : set) key_types.push_back(group_types[g]);
    t.table = std::make_unique<AggregateHashTable>(key_types, layout.states);
    for (const auto& a : aggregates) {
        if (a.order_by.empty()) {
            t.ordered_rows.push_back(nullptr);
        } else {
            std::vector<LogicalType> row_types = {LogicalType::bigint()};
            for (const auto& c : a.children) row_types.push_back(c->type);
            for (const auto& o : a.order_by) row_types.push_back(o.expr->type);
            t.ordered_rows.push_back(std::make_unique<ColumnDataCollection>(row_types));
        }
        if (!a.distinct) {
            t.distinct_seen.push_back(nullptr);
            continue;
        }
        std::vector<LogicalType> seen_types = key_types;
        for (const auto& c : a.children) seen_types.push_back(c->type);
        t.distinct_seen.push_back(std::make_unique<AggregateHashTable>(seen_types, layout.none));
    }
    return t;
}

// Writes every group of the tables to the spill files (made on first use) and empties the tables.
void spill_tables(QueryContext& query, std::vector<SetTables>& sets, std::vector<std::unique_ptr<SpillPartitions>>& spills) {
    spills.resize(sets.size());
    for (size_t s = 0; s < sets.size(); s++) {
        auto& table = sets[s].table;
        if (table->group_count() == 0) continue;
        if (!spills[s]) spills[s] = std::make_unique<SpillPartitions>(*query.temporary, "group-by", table->spill_types(), kSpillBits);
        query.check_interrupt();
        table->spill(*spills[s]);
        table = std::make_unique<AggregateHashTable>(table->groups()->types(), table->layout());
    }
}

}  // namespace

PhysicalHashAggregate::PhysicalHashAggregate(std::vector<LogicalType> types, std::vector<ExprPtr> groups,
                                             std::vector<AggregateExpression> aggregates,
                                             std::vector<std::vector<idx_t>> grouping_sets,
                                             std::vector<std::vector<idx_t>> grouping_functions)
    : PhysicalOperator(std::move(types)),
      groups_(std::move(groups)),
      aggregates_(std::move(aggregates)),
      grouping_sets_(std::move(grouping_sets)),
      grouping_functions_(std::move(grouping_functions)) {
    if (grouping_sets_.empty()) {
        std::vector<idx_t> all;
        for (idx_t i = 0; i < groups_.size(); i++) all.push_back(i);
        grouping_sets_.push_back(all);
    }
    std::vector<const BoundAggregate*> aggs;
    for (const auto& a : aggregates_) aggs.push_back(&a.function);
    layout_ = std::make_unique<Layout>(aggs);
    spillable_ = parallel_sink();
    // A state that owns memory elsewhere spills only through its serialize/deserialize.
    for (const auto* a : aggs) spillable_ = spillable_ && (!a->destroy || (a->serialize && a->deserialize));
}

PhysicalHashAggregate::~PhysicalHashAggregate() {
    sink_state.reset();  // tables reference the layout
}

std::string PhysicalHashAggregate::details() const {
    std::string out;
    for (const auto& g : groups_) out += (out.empty() ? "" : ", ") + g->to_string();
    for (const auto& a : aggregates_) out += (out.empty() ? "" : ", ") + a.to_string();
    return out;
}

bool PhysicalHashAggregate::parallel_sink() const {
    for (const auto& a : aggregates_) {
        if (a.distinct || !a.order_by.empty() || a.function.name == "string_agg") return false;
    }
    return true;
}

std::unique_ptr<GlobalSinkState> PhysicalHashAggregate::make_global_sink_state(ExecContext& ctx) const {
    auto g = std::make_unique<AggregateGlobal>();
    g->memory = std::make_unique<MemoryReservation>(ctx.query->memory, "a GROUP BY's hash table");
    return g;
}

std::unique_ptr<LocalSinkState> PhysicalHashAggregate::make_local_sink_state(ExecContext& ctx, GlobalSinkState&) const {
    auto l = std::make_unique<AggregateLocal>();
    l->memory = std::make_unique<MemoryReservation>(ctx.query->memory, "a GROUP BY's hash table");
    std::vector<LogicalType> group_types;
    for (const auto& e : groups_) group_types.push_back(e->type);
    for (const auto& set : grouping_sets_) l->sets.push_back(make_set_tables(group_types, set, aggregates_, *layout_));
    l->group_executor = std::make_unique<ExpressionListExecutor>(groups_);
    l->group_chunk.initialize(group_types);
    for (const auto& a : aggregates_) {
        l->arg_executors.push_back(std::make_unique<ExpressionListExecutor>(a.children));
        std::vector<LogicalType> arg_types;
        for (const auto& c : a.children) arg_types.push_back(c->type);
        DataChunk chunk;
        chunk.initialize(arg_types);
        l->arg_chunks.push_back(std::move(chunk));
        l->filter_executors.push_back(a.filter ? std::make_unique<ExpressionExecutor>(*a.filter) : nullptr);
        l->filter_rows.emplace_back(a.filter ? kVectorSize : 0);
        l->filter_counts.push_back(0);
        std::vector<ExprPtr> keys;
        for (const auto& o : a.order_by) keys.push_back(o.expr->copy());
        l->order_exprs.push_back(std::move(keys));
    }
    for (auto& keys : l->order_exprs) {
        l->order_executors.push_back(keys.empty() ? nullptr : std::make_unique<ExpressionListExecutor>(keys));
    }
    return l;
}

SinkResult PhysicalHashAggregate::consume(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate, const DataChunk& in) const {
    auto& l = static_cast<AggregateLocal&>(lstate);
    idx_t count = in.size();
    l.group_executor->execute(in, l.group_chunk);
    l.group_chunk.set_size(count);
    for (size_t a = 0; a < aggregates_.size(); a++) {
        const sel_t* rows = nullptr;
        if (l.filter_executors[a]) {
            l.filter_counts[a] = l.filter_executors[a]->select(in, l.filter_rows[a].data());
            rows = l.filter_rows[a].data();
        }
        execute_on_rows(*l.arg_executors[a], in, rows, l.filter_counts[a], l, l.arg_chunks[a]);
        l.arg_chunks[a].set_size(count);
    }
    uint8_t* states[kVectorSize];
    uint8_t* agg_states[kVectorSize];
    sel_t sel[kVectorSize];
    bool fresh[kVectorSize];
    DataChunk set_keys;
    for (size_t s = 0; s < grouping_sets_.size(); s++) {
        const auto& set = grouping_sets_[s];
        std::vector<LogicalType> key_types;
        for (idx_t g : set) key_types.push_back(groups_[g]->type);
        set_keys.initialize(key_types, 1);
        for (size_t k = 0; k < set.size(); k++) set_keys.column(k).reference(l.group_chunk.column(set[k]));
        set_keys.set_size(count);
        l.sets[s].table->find_or_create(set_keys, states);
        for (size_t a = 0; a < aggregates_.size(); a++) {
            const AggregateExpression& agg = aggregates_[a];
            size_t offset = layout_->states.offsets[a];
            // Rows this aggregate sees: FILTER (WHERE ...) and, for DISTINCT, only first occurrences.
            idx_t n = count;
            bool restricted = false;
            if (l.filter_executors[a]) {
                n = l.filter_counts[a];
                std::copy(l.filter_rows[a].begin(), l.filter_rows[a].begin() + n, sel);
                restricted = true;
            } else {
                for (idx_t i = 0; i < count; i++) sel[i] = static_cast<sel_t>(i);
            }
            if (agg.distinct) {
                DataChunk seen;
                std::vector<LogicalType> seen_types = key_types;
                for (const auto& c : agg.children) seen_types.push_back(c->type);
                seen.initialize(seen_types, 1);
                DataChunk source;
                source.initialize(seen_types, 1);
                for (size_t k = 0; k < set.size(); k++) source.column(k).reference(set_keys.column(k));
                for (size_t k = 0; k < agg.children.size(); k++) source.column(set.size() + k).reference(l.arg_chunks[a].column(k));
                source.set_size(count);
                chunk_gather(source, sel, n, seen);
                uint8_t* ignored[kVectorSize];
                l.sets[s].distinct_seen[a]->find_or_create(seen, ignored, fresh);
                idx_t m = 0;
                for (idx_t i = 0; i < n; i++) {
                    // NULL arguments are not counted by DISTINCT aggregates either.
                    bool has_null = false;
                    for (size_t k = 0; k < agg.children.size(); k++) has_null = has_null || l.arg_chunks[a].column(k).is_null(sel[i]);
                    if (fresh[i] && !has_null) sel[m++] = sel[i];
                }
                n = m;
                restricted = true;
            }
            std::vector<Vector*> args;
            DataChunk gathered;
            if (restricted) {
                gathered.initialize(l.arg_chunks[a].types(), kVectorSize);
                chunk_gather(l.arg_chunks[a], sel, n, gathered);
                for (idx_t k = 0; k < gathered.column_count(); k++) args.push_back(&gathered.column(k));
                for (idx_t i = 0; i < n; i++) agg_states[i] = states[sel[i]] + offset;
            } else {
                for (idx_t k = 0; k < l.arg_chunks[a].column_count(); k++) args.push_back(&l.arg_chunks[a].column(k));
                for (idx_t i = 0; i < n; i++) agg_states[i] = states[i] + offset;
            }
            if (n == 0) continue;
            if (!agg.order_by.empty()) {
                // Keep the rows; finalize() feeds them sorted by the aggregate's ORDER BY.
                DataChunk keys;
                std::vector<LogicalType> key_types;
                for (const auto& o : agg.order_by) key_types.push_back(o.expr->type);
                keys.initialize(key_types);
                execute_on_rows(*l.order_executors[a], in, l.filter_executors[a] ? l.filter_rows[a].data() : nullptr,
                                l.filter_counts[a], l, keys);
                DataChunk row;
                row.initialize(l.sets[s].ordered_rows[a]->types());
                Vector& address = row.column(0);
                for (idx_t i = 0; i < n; i++) address.data<int64_t>()[i] = static_cast<int64_t>(reinterpret_cast<uintptr_t>(agg_states[i]));
                std::vector<sel_t> rows(n);
                for (idx_t i = 0; i < n; i++) rows[i] = restricted ? sel[i] : static_cast<sel_t>(i);
                for (idx_t k = 0; k < args.size(); k++) vector_copy(*args[k], 0, n, row.column(1 + k), 0);
                for (idx_t k = 0; k < keys.column_count(); k++) {
                    vector_gather(keys.column(k), rows.data(), n, row.column(1 + args.size() + k));
                }
                row.set_size(n);
                l.sets[s].ordered_rows[a]->append(row);
                continue;
            }
            agg.function.update(args, agg_states, n, agg.function);
        }
    }
    if (++l.chunks % 8 == 0) reserve_or_spill(ctx, gstate, lstate);
    return SinkResult::kNeedMoreInput;
}

void PhysicalHashAggregate::reserve_or_spill(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) const {
    auto& l = static_cast<AggregateLocal&>(lstate);
    size_t bytes = tables_bytes(l.sets);
    if (l.memory->try_resize(bytes)) return;
    if (!spillable_ || !ctx.query->temporary) l.memory->resize(bytes);  // 53200
    // Out of budget: this worker's groups go to disk and it starts over with empty tables.
    spill_tables(*ctx.query, l.sets, l.spills);
    static_cast<AggregateGlobal&>(gstate).spilled.store(true);
    // Empty tables are small; when even that is taken, the workers holding the rest spill at their next check,
    // so this one goes on rather than failing.
    (void)l.memory->try_resize(tables_bytes(l.sets));
}

void PhysicalHashAggregate::combine(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) const {
    auto& g = static_cast<AggregateGlobal&>(gstate);
    auto& l = static_cast<AggregateLocal&>(lstate);
    reserve_or_spill(ctx, gstate, lstate);
    std::lock_guard lock(g.mutex);
    g.locals.push_back(std::move(l.sets));
    g.local_memory.push_back(std::move(l.memory));
    g.spills.push_back(std::move(l.spills));
}

void PhysicalHashAggregate::finalize(ExecContext& ctx, GlobalSinkState& gstate) const {
    auto& g = static_cast<AggregateGlobal&>(gstate);
    QueryContext& query = *ctx.query;
    if (g.locals.empty()) {
        std::vector<LogicalType> group_types;
        for (const auto& e : groups_) group_types.push_back(e->type);
        g.locals.emplace_back();
        for (const auto& set : grouping_sets_) g.locals[0].push_back(make_set_tables(group_types, set, aggregates_, *layout_));
        g.spills.emplace_back();
    }
    // Merging needs room for the merged tables while the workers' still exist (at most as big together): when
    // that does not fit, the groups go to disk instead.
    size_t merge_estimate = 0;
    if (g.locals.size() > 1) {
        for (const auto& local : g.locals) merge_estimate += tables_bytes(local);
    }
    if (!g.spilled.load() && !g.memory->try_resize(merge_estimate)) {
        if (!spillable_ || !query.temporary) g.memory->resize(merge_estimate);  // 53200
        g.spilled.store(true);
    }
    if (g.spilled.load()) {
        g.memory->resize(0);
        // Some groups are on disk: the rest join them there, and the source aggregates partition by partition,
        // so no more than one partition's groups per worker are in memory at once.
        int tasks = static_cast<int>(g.locals.size());
        query.scheduler->parallel_for(tasks, [&](int w) {
            spill_tables(query, g.locals[w], g.spills[w]);
            for (auto& spill : g.spills[w]) {
                if (spill) spill->flush();
            }
        });
        g.locals.clear();
        g.local_memory.clear();
        g.spill_mode = true;
        if (query.profile) {
            for (auto& worker : g.spills) {
                for (auto& spill : worker) query.stats[id]->spilled += spill ? spill->bytes_written() : 0;
            }
        }
        return;
    }
    // Ordered aggregates (one worker only, see the header): sort each one's kept rows by its ORDER BY and feed
    // them in that order.
    for (auto& set : g.locals[0]) {
        for (size_t a = 0; a < aggregates_.size(); a++) {
            if (!set.ordered_rows[a]) continue;
            const ColumnDataCollection& rows = *set.ordered_rows[a];
            const AggregateExpression& agg = aggregates_[a];
            idx_t arg_count = agg.children.size();
            std::vector<SortKey> keys;
            for (size_t k = 0; k < agg.order_by.size(); k++) {
                keys.push_back({1 + arg_count + k, agg.order_by[k].descending, agg.order_by[k].nulls_first});
            }
            std::vector<uint64_t> order(rows.row_count());
            for (uint64_t i = 0; i < order.size(); i++) order[i] = i;
            sort_rows(rows, keys, order, -1, &query);
            std::shared_ptr<const void> no_owner;
            for (idx_t begin = 0; begin < order.size(); begin += kVectorSize) {
                idx_t n = std::min<idx_t>(kVectorSize, order.size() - begin);
                Vector address(LogicalType::bigint(), kVectorSize);
                gather_rows(rows, 0, order.data() + begin, n, address, no_owner);
                std::vector<Vector> args(arg_count);
                std::vector<Vector*> arg_ptrs;
                for (idx_t k = 0; k < arg_count; k++) {
                    gather_rows(rows, 1 + k, order.data() + begin, n, args[k], no_owner);
                    arg_ptrs.push_back(&args[k]);
                }
                uint8_t* states[kVectorSize];
                for (idx_t i = 0; i < n; i++) states[i] = reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(address.data<int64_t>()[i]));
                agg.function.update(arg_ptrs, states, n, agg.function);
            }
            set.ordered_rows[a].reset();
        }
    }
    g.results.resize(grouping_sets_.size());
    for (size_t s = 0; s < grouping_sets_.size(); s++) {
        auto& result = g.results[s];
        idx_t total = 0;
        for (auto& local : g.locals) total += local[s].table->group_count();
        if (g.locals.size() == 1 || total < kParallelMergeGroups) {
            // Few groups: one table, merged here.
            for (size_t w = 1; w < g.locals.size(); w++) g.locals[0][s].table->merge(*g.locals[w][s].table);
            result.push_back(std::move(g.locals[0][s].table));
        } else {
            // Many groups: each partition of the hash space is merged from every worker's table by one task.
            const int partitions = 1 << kPartitionBits;
            std::vector<LogicalType> key_types;
            for (idx_t k : grouping_sets_[s]) key_types.push_back(groups_[k]->type);
            for (int p = 0; p < partitions; p++) result.push_back(std::make_unique<AggregateHashTable>(key_types, layout_->states));
            int tasks = std::max(1, std::min(query.threads, partitions));
            query.scheduler->parallel_for(tasks, [&](int task) {
                for (int p = task; p < partitions; p += tasks) {
                    query.check_interrupt();
                    for (auto& local : g.locals) result[p]->merge_partition(*local[s].table, static_cast<uint64_t>(p), kPartitionBits);
                }
            });
        }
        // An aggregate without GROUP BY (or the empty grouping set) returns one row even for empty input.
        if (grouping_sets_[s].empty() && result[0]->group_count() == 0) {
            DataChunk empty_keys;
            empty_keys.initialize({}, 1);
            empty_keys.set_size(1);
            uint8_t* state;
            result[0]->find_or_create(empty_keys, &state);
        }
    }
    size_t bytes = 0;
    for (auto& tables : g.results) {
        for (auto& t : tables) bytes += t->bytes();
    }
    g.locals.clear();
    g.local_memory.clear();
    // The merged tables can come out a little larger than the estimate (slot arrays round up to powers of two);
    // they exist already, so failing now would free nothing: the reservation stays at the estimate then.
    (void)g.memory->try_resize(bytes);
    if (query.profile) query.stats[id]->bytes = bytes;
}

namespace {
// Workers claim ranges of groups in (set, partition, group) order; the claim number orders the output.
struct AggregateSource : GlobalSourceState {
    std::mutex mutex;
    size_t set = 0;
    size_t part = 0;
    idx_t group = 0;
    idx_t claims = 0;
    size_t next_spilled = 0;  // spill mode: the next (set, partition) to aggregate
};

// Spill mode: the (set, partition) a worker aggregated from disk, and where its output stands.
struct AggregateSpillSource : LocalSourceState {
    std::unique_ptr<AggregateHashTable> table;
    size_t set = 0;
    idx_t emitted = 0;
    std::unique_ptr<MemoryReservation> memory;
};
}  // namespace

std::unique_ptr<GlobalSourceState> PhysicalHashAggregate::make_global_source_state(ExecContext&) const {
    return std::make_unique<AggregateSource>();
}

std::unique_ptr<LocalSourceState> PhysicalHashAggregate::make_local_source_state(ExecContext& ctx, GlobalSourceState&) const {
    auto l = std::make_unique<AggregateSpillSource>();
    l->memory = std::make_unique<MemoryReservation>(ctx.query->memory, "a GROUP BY's hash table");
    return l;
}

void PhysicalHashAggregate::produce(ExecContext& ctx, GlobalSourceState& gsource, LocalSourceState& lsource, DataChunk& out) const {
    auto& src = static_cast<AggregateSource&>(gsource);
    auto& g = static_cast<AggregateGlobal&>(*sink_state);
    if (g.spill_mode) {
        produce_spilled(ctx, gsource, lsource, out);
        return;
    }
    size_t set_index;
    AggregateHashTable* claimed;
    idx_t begin, n;
    {
        std::lock_guard lock(src.mutex);
        while (src.set < g.results.size() &&
               (src.part >= g.results[src.set].size() || src.group >= g.results[src.set][src.part]->group_count())) {
            if (src.part < g.results[src.set].size()) {
                src.part++;
            } else {
                src.set++;
                src.part = 0;
            }
            src.group = 0;
        }
        if (src.set >= g.results.size()) {
            out.set_size(0);
            return;
        }
        set_index = src.set;
        claimed = g.results[src.set][src.part].get();
        begin = src.group;
        n = std::min<idx_t>(kVectorSize, claimed->group_count() - begin);
        src.group += n;
        lsource.batch_index = src.claims++;
    }
    emit_groups(set_index, *claimed, begin, n, out);
}

void PhysicalHashAggregate::produce_spilled(ExecContext& ctx, GlobalSourceState& gsource, LocalSourceState& lsource,
                                            DataChunk& out) const {
    auto& src = static_cast<AggregateSource&>(gsource);
    auto& l = static_cast<AggregateSpillSource&>(lsource);
    auto& g = static_cast<AggregateGlobal&>(*sink_state);
    QueryContext& query = *ctx.query;
    const size_t partitions = size_t{1} << kSpillBits;
    while (!l.table || l.emitted >= l.table->group_count()) {
        l.table.reset();
        l.memory->resize(0);
        size_t item;
        {
            std::lock_guard lock(src.mutex);
            item = src.next_spilled++;
        }
        if (item >= grouping_sets_.size() * partitions) {
            out.set_size(0);
            return;
        }
        l.set = item / partitions;
        idx_t partition = item % partitions;
        std::vector<LogicalType> key_types;
        for (idx_t k : grouping_sets_[l.set]) key_types.push_back(groups_[k]->type);
        l.table = std::make_unique<AggregateHashTable>(key_types, layout_->states);
        l.emitted = 0;
        DataChunk rows;
        idx_t blocks = 0;
        for (auto& worker : g.spills) {
            if (l.set >= worker.size() || !worker[l.set]) continue;
            SpillPartitions& spill = *worker[l.set];
            for (idx_t b = 0; b < spill.block_count(partition); b++) {
                query.check_interrupt();
                if (rows.column_count() == 0) rows.initialize(spill.types());
                spill.read(partition, b, rows);
                l.table->combine_spilled(rows);
                // One partition has to fit; when even that does not, the statement fails with 53200.
                if (++blocks % 8 == 0) l.memory->resize_for_partition(l.table->bytes());
            }
        }
        l.memory->resize_for_partition(l.table->bytes());
    }
    idx_t n = std::min<idx_t>(kVectorSize, l.table->group_count() - l.emitted);
    {
        std::lock_guard lock(src.mutex);
        lsource.batch_index = src.claims++;
    }
    emit_groups(l.set, *l.table, l.emitted, n, out);
    l.emitted += n;
}

void PhysicalHashAggregate::emit_groups(size_t set_index, AggregateHashTable& table, idx_t begin, idx_t n, DataChunk& out) const {
    const auto& set = grouping_sets_[set_index];
    std::vector<uint64_t> rows(n);
    for (idx_t i = 0; i < n; i++) rows[i] = begin + i;
    std::shared_ptr<const void> owner = table.groups();
    for (idx_t gcol = 0; gcol < groups_.size(); gcol++) {
        Vector& v = out.column(gcol);
        auto pos = std::find(set.begin(), set.end(), gcol);
        if (pos == set.end()) {
            v.reset();
            for (idx_t i = 0; i < n; i++) v.set_null(i);
        } else {
            gather_rows(*table.groups(), static_cast<idx_t>(pos - set.begin()), rows.data(), n, v, owner);
        }
    }
    uint8_t* states[kVectorSize];
    for (size_t a = 0; a < aggregates_.size(); a++) {
        for (idx_t i = 0; i < n; i++) states[i] = table.state(begin + i) + layout_->states.offsets[a];
        Vector& v = out.column(groups_.size() + a);
        v.reset();
        aggregates_[a].function.finalize(states, n, v, 0, aggregates_[a].function);
    }
    for (size_t f = 0; f < grouping_functions_.size(); f++) {
        int64_t value = 0;
        for (idx_t g_index : grouping_functions_[f]) {
            bool absent = std::find(set.begin(), set.end(), g_index) == set.end();
            value = value * 2 + (absent ? 1 : 0);
        }
        Vector& v = out.column(groups_.size() + aggregates_.size() + f);
        v.reset();
        for (idx_t i = 0; i < n; i++) v.data<int64_t>()[i] = value;
    }
    out.set_size(n);
}

}  // namespace basalt

#include "execution/operator/physical_hash_join.hpp"

#include "common/error.hpp"
#include "execution/expression_executor.hpp"
#include "execution/operator/join_hash_table.hpp"
#include "execution/row_gather.hpp"
#include "execution/spill_partitions.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

namespace {

// Grace hash join: when the build side outgrows the budget, build rows go to temporary files by hash partition
// of their keys, the probe pipeline writes its rows the same way, and the last probe worker joins the
// partitions one at a time (flush()), each with a hash table of its build rows only.
constexpr int kSpillBits = 6;

struct JoinGlobal : GlobalSinkState {
    std::mutex mutex;
    std::unique_ptr<JoinHashTable> table;
    std::unique_ptr<MemoryReservation> memory;
    std::atomic<bool> spilling{false};   // set by the first worker that could not reserve
    bool spilled = false;                // after finalize(): every build row is in build_spills
    std::vector<std::unique_ptr<SpillPartitions>> build_spills;
    std::vector<std::shared_ptr<SpillPartitions>> probe_spills;  // one per probe worker, registered under mutex
    // Facts about the whole build side that NOT IN and mark joins need, whichever partition a probe row is in.
    std::atomic<bool> build_has_null_key{false};
    std::atomic<uint64_t> build_rows{0};
};

struct JoinLocal : LocalSinkState {
    std::unique_ptr<ExpressionListExecutor> keys;
    DataChunk key_chunk;
    DataChunk combined;
    ColumnDataCollection rows;
    std::unique_ptr<MemoryReservation> memory;
    idx_t chunks = 0;
    std::unique_ptr<SpillPartitions> spill;
};

// Moves stored build rows (keys, then build columns) to spill partitions, noting the whole side's facts.
void spill_build_rows(QueryContext& query, JoinGlobal& g, ColumnDataCollection& rows, idx_t key_count,
                      std::unique_ptr<SpillPartitions>& spill) {
    if (!spill) spill = std::make_unique<SpillPartitions>(*query.temporary, "hash-join-build", rows.types(), kSpillBits);
    uint64_t hashes[kVectorSize];
    for (idx_t c = 0; c < rows.chunk_count(); c++) {
        const DataChunk& chunk = rows.chunk(c);
        if ((c & 63) == 0) query.check_interrupt();
        for (idx_t i = 0; i < chunk.size(); i++) {
            for (idx_t k = 0; k < key_count; k++) {
                if (chunk.column(k).is_null(i)) g.build_has_null_key.store(true, std::memory_order_relaxed);
            }
        }
        SpillPartitions::hash_columns(chunk, 0, key_count, hashes);
        spill->append(chunk, hashes);
    }
    g.build_rows.fetch_add(rows.row_count(), std::memory_order_relaxed);
    rows.clear();
}

// Reservations follow the rows every few chunks, not every chunk (the budget is shared by all workers).
constexpr idx_t kReserveEvery = 8;

struct ProbeState : OperatorState {
    std::unique_ptr<ExpressionListExecutor> keys;
    DataChunk key_chunk;
    std::unique_ptr<ExpressionExecutor> residual;
    std::unique_ptr<ExpressionExecutor> mark_predicate;
    DataChunk kept;  // pairs that passed the residual (mark predicate input)
    std::vector<std::pair<sel_t, uint64_t>> matches;
    size_t match_offset = 0;
    bool have_input = false;
    uint64_t total_matches = 0;  // keyless joins: every (probe, build) pair, enumerated without storing
    std::vector<uint8_t> probe_matched;  // per probe row: a pair passed the residual
    std::vector<uint8_t> probe_false;    // mark joins: a pair was false
    std::vector<uint8_t> probe_null;     // mark joins: a pair was NULL
    Vector residual_result;
    std::vector<uint32_t> match_counts;
    DataChunk pairs;  // probe columns + build columns for a batch of matches
    std::vector<sel_t> sel;
    std::vector<uint64_t> build_rows;
    std::vector<sel_t> probe_rows;
    // FULL join flush
    uint64_t flush_row = 0;
    // Spilled join: this worker's probe rows on disk, and (last worker) the partition being joined.
    std::shared_ptr<SpillPartitions> spill;
    uint64_t hashes[kVectorSize];
    idx_t partition = 0;
    std::unique_ptr<JoinHashTable> partition_table;
    std::unique_ptr<MemoryReservation> partition_memory;
    size_t probe_writer = 0;
    idx_t probe_block = 0;
    DataChunk probe_chunk;
    bool probing = false;       // probe_chunk is being joined
    bool emitting_unmatched = false;
};

}  // namespace

PhysicalHashJoin::PhysicalHashJoin(std::vector<LogicalType> types, JoinType join_type, std::vector<ExprPtr> probe_keys,
                                   std::vector<ExprPtr> build_keys, ExprPtr residual, bool null_aware, ExprPtr mark_predicate,
                                   bool mark_all)
    : PhysicalOperator(std::move(types)),
      join_type_(join_type),
      probe_keys_(std::move(probe_keys)),
      build_keys_(std::move(build_keys)),
      residual_(std::move(residual)),
      null_aware_(null_aware),
      mark_predicate_(std::move(mark_predicate)),
      mark_all_(mark_all) {}

std::string PhysicalHashJoin::details() const {
    std::string out = join_type_name(join_type_);
    for (size_t i = 0; i < probe_keys_.size(); i++) out += " " + probe_keys_[i]->to_string() + " = " + build_keys_[i]->to_string();
    if (residual_) out += " [" + residual_->to_string() + "]";
    return out;
}

// ---- Sink: build ---------------------------------------------------------------------------------------------

std::unique_ptr<GlobalSinkState> PhysicalHashJoin::make_global_sink_state(ExecContext& ctx) const {
    auto g = std::make_unique<JoinGlobal>();
    g->memory = std::make_unique<MemoryReservation>(ctx.query->memory, "a hash join's build side");
    std::vector<LogicalType> key_types;
    for (const auto& k : build_keys_) key_types.push_back(k->type);
    g->table = std::make_unique<JoinHashTable>(key_types, children[1]->types());
    return g;
}

std::unique_ptr<LocalSinkState> PhysicalHashJoin::make_local_sink_state(ExecContext& ctx, GlobalSinkState& gstate) const {
    auto& g = static_cast<JoinGlobal&>(gstate);
    auto l = std::make_unique<JoinLocal>();
    l->memory = std::make_unique<MemoryReservation>(ctx.query->memory, "a hash join's build side");
    l->keys = std::make_unique<ExpressionListExecutor>(build_keys_);
    std::vector<LogicalType> key_types;
    for (const auto& k : build_keys_) key_types.push_back(k->type);
    l->key_chunk.initialize(key_types);
    l->rows = ColumnDataCollection(g.table->rows()->types());
    return l;
}

SinkResult PhysicalHashJoin::consume(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate, const DataChunk& in) const {
    auto& l = static_cast<JoinLocal&>(lstate);
    l.keys->execute(in, l.key_chunk);
    // Stored row = keys, then every build column.
    DataChunk& combined = l.combined;
    if (combined.column_count() == 0) combined.initialize(l.rows.types());
    for (idx_t k = 0; k < l.key_chunk.column_count(); k++) combined.column(k).reference(l.key_chunk.column(k));
    for (idx_t c = 0; c < in.column_count(); c++) combined.column(l.key_chunk.column_count() + c).reference(in.column(c));
    combined.set_size(in.size());
    l.rows.append(combined);
    auto& g = static_cast<JoinGlobal&>(gstate);
    if (l.spill || g.spilling.load(std::memory_order_relaxed)) {
        spill_build_rows(*ctx.query, g, l.rows, build_keys_.size(), l.spill);
        return SinkResult::kNeedMoreInput;
    }
    if (++l.chunks % kReserveEvery == 0 && !l.memory->try_resize(l.rows.bytes())) {
        if (!can_spill(ctx)) l.memory->resize(l.rows.bytes());  // 53200
        g.spilling.store(true);
        spill_build_rows(*ctx.query, g, l.rows, build_keys_.size(), l.spill);
        l.memory->resize(0);
    }
    return SinkResult::kNeedMoreInput;
}

bool PhysicalHashJoin::can_spill(ExecContext& ctx) const {
    // Without keys every probe row meets every build row: there is nothing to partition by.
    return ctx.query->temporary && !build_keys_.empty();
}

void PhysicalHashJoin::combine(ExecContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) const {
    auto& g = static_cast<JoinGlobal&>(gstate);
    auto& l = static_cast<JoinLocal&>(lstate);
    if (l.spill || g.spilling.load()) {
        spill_build_rows(*ctx.query, g, l.rows, build_keys_.size(), l.spill);
        l.spill->flush();
        l.memory->resize(0);
        std::lock_guard lock(g.mutex);
        g.build_spills.push_back(std::move(l.spill));
        return;
    }
    std::lock_guard lock(g.mutex);
    size_t moving = l.rows.bytes();
    g.table->rows()->merge(std::move(l.rows));
    l.memory->resize(0);
    // finalize() reserves the whole side again and spills (or fails) when it does not fit.
    (void)g.memory->try_resize(g.memory->size() + moving);
}

void PhysicalHashJoin::finalize(ExecContext& ctx, GlobalSinkState& gstate) const {
    auto& g = static_cast<JoinGlobal&>(gstate);
    if (!g.spilling.load() && !g.memory->try_resize(g.table->rows()->bytes() + g.table->build_bytes())) {
        if (!can_spill(ctx)) g.memory->resize(g.table->rows()->bytes() + g.table->build_bytes());  // 53200
        g.spilling.store(true);
    }
    if (g.spilling.load()) {
        // Rows of workers that combined before the budget ran out join the others on disk.
        std::unique_ptr<SpillPartitions> rest;
        spill_build_rows(*ctx.query, g, *g.table->rows(), build_keys_.size(), rest);
        rest->flush();
        g.build_spills.push_back(std::move(rest));
        g.memory->resize(0);
        g.spilled = true;
        if (ctx.query->profile) {
            for (auto& spill : g.build_spills) ctx.query->stats[id]->spilled += spill->bytes_written();
        }
        return;
    }
    g.table->build(*ctx.query);
    if (ctx.query->profile) ctx.query->stats[id]->bytes = g.table->rows()->bytes();
}

// ---- Operator: probe -----------------------------------------------------------------------------------------

std::unique_ptr<OperatorState> PhysicalHashJoin::make_operator_state(ExecContext&) const {
    auto s = std::make_unique<ProbeState>();
    s->keys = std::make_unique<ExpressionListExecutor>(probe_keys_);
    std::vector<LogicalType> key_types;
    for (const auto& k : probe_keys_) key_types.push_back(k->type);
    s->key_chunk.initialize(key_types);
    if (residual_) s->residual = std::make_unique<ExpressionExecutor>(*residual_);
    if (mark_predicate_) s->mark_predicate = std::make_unique<ExpressionExecutor>(*mark_predicate_);
    std::vector<LogicalType> pair_types = children[0]->types();
    for (const auto& t : children[1]->types()) pair_types.push_back(t);
    s->pairs.initialize(pair_types);
    s->sel.resize(kVectorSize);
    return s;
}

OperatorResult PhysicalHashJoin::execute(ExecContext& ctx, OperatorState& state, const DataChunk& in, DataChunk& out) const {
    auto& s = static_cast<ProbeState&>(state);
    auto& g = static_cast<JoinGlobal&>(*sink_state);
    if (!g.spilled) return probe_chunk(state, *g.table, {g.table->size() == 0, g.table->has_null_key()}, in, out);
    // Spilled: the probe row waits on disk for its partition (flush()).
    if (!s.spill) {
        s.spill = std::make_shared<SpillPartitions>(*ctx.query->temporary, "hash-join-probe", children[0]->types(), kSpillBits);
        std::lock_guard lock(g.mutex);
        g.probe_spills.push_back(s.spill);
    }
    s.keys->execute(in, s.key_chunk);
    s.key_chunk.set_size(in.size());
    SpillPartitions::hash_columns(s.key_chunk, 0, s.key_chunk.column_count(), s.hashes);
    s.spill->append(in, s.hashes);
    out.set_size(0);
    return OperatorResult::kNeedMoreInput;
}

void PhysicalHashJoin::end_of_input(ExecContext&, OperatorState& state) const {
    auto& s = static_cast<ProbeState&>(state);
    if (s.spill) s.spill->flush();
}

bool PhysicalHashJoin::needs_flush() const {
    if (join_type_ == JoinType::kFull) return true;
    return sink_state && static_cast<const JoinGlobal&>(*sink_state).spilled;
}

OperatorResult PhysicalHashJoin::probe_chunk(OperatorState& state, JoinHashTable& table, BuildFacts facts, const DataChunk& in,
                                             DataChunk& out) const {
    auto& s = static_cast<ProbeState&>(state);
    const auto& build_rows = table.rows();
    const idx_t probe_columns = children[0]->types().size();
    const idx_t build_columns = children[1]->types().size();
    const idx_t key_count = table.key_count();
    std::shared_ptr<const void> owner = build_rows;

    if (!s.have_input) {
        s.keys->execute(in, s.key_chunk);
        std::vector<Vector*> keys;
        for (idx_t k = 0; k < s.key_chunk.column_count(); k++) keys.push_back(&s.key_chunk.column(k));
        s.matches.clear();
        if (key_count > 0) {
            table.probe(keys, in.size(), s.matches);
            s.total_matches = s.matches.size();
        } else {
            s.total_matches = static_cast<uint64_t>(in.size()) * table.size();
        }
        s.match_offset = 0;
        s.probe_matched.assign(in.size(), 0);
        s.probe_false.assign(in.size(), 0);
        s.probe_null.assign(in.size(), 0);
        s.match_counts.assign(in.size(), 0);
        s.have_input = true;
    }

    bool emits_pairs = join_type_ == JoinType::kInner || join_type_ == JoinType::kLeft || join_type_ == JoinType::kFull ||
                       join_type_ == JoinType::kSingle;
    bool needs_pairs = emits_pairs || residual_ || mark_predicate_;
    // Phase 1: walk the candidate pairs in batches of one vector.
    const uint64_t build_size = table.size();
    while (s.match_offset < s.total_matches) {
        idx_t batch = static_cast<idx_t>(std::min<uint64_t>(kVectorSize, s.total_matches - s.match_offset));
        s.probe_rows.resize(batch);
        s.build_rows.resize(batch);
        for (idx_t i = 0; i < batch; i++) {
            if (key_count > 0) {
                s.probe_rows[i] = s.matches[s.match_offset + i].first;
                s.build_rows[i] = s.matches[s.match_offset + i].second;
            } else {
                uint64_t m = s.match_offset + i;
                s.probe_rows[i] = static_cast<sel_t>(m / build_size);
                s.build_rows[i] = m % build_size;
            }
        }
        s.match_offset += batch;
        if (!needs_pairs) {
            for (idx_t i = 0; i < batch; i++) s.probe_matched[s.probe_rows[i]] = 1;
            continue;
        }
        for (idx_t c = 0; c < probe_columns; c++) vector_gather(in.column(c), s.probe_rows.data(), batch, s.pairs.column(c));
        for (idx_t c = 0; c < build_columns; c++) {
            gather_rows(*build_rows, key_count + c, s.build_rows.data(), batch, s.pairs.column(probe_columns + c), owner);
        }
        s.pairs.set_size(batch);
        idx_t passing = batch;
        const sel_t* sel = nullptr;
        if (s.residual) {
            passing = s.residual->select(s.pairs, s.sel.data());
            sel = s.sel.data();
        }
        if (s.mark_predicate) {
            // x op ANY/ALL: remember true, false and NULL comparisons per probe row.
            const DataChunk* input = &s.pairs;
            if (sel) {
                chunk_gather(s.pairs, sel, passing, s.kept);
                input = &s.kept;
            }
            s.mark_predicate->execute(*input, s.residual_result);
            const Vector& r = s.residual_result;
            for (idx_t i = 0; i < passing; i++) {
                idx_t pair = sel ? sel[i] : i;
                sel_t probe_row = s.probe_rows[pair];
                idx_t row = r.is_constant() ? 0 : i;
                if (!r.validity().is_valid(row)) {
                    s.probe_null[probe_row] = 1;
                } else if (r.data<bool>()[row]) {
                    s.probe_matched[probe_row] = 1;
                } else {
                    s.probe_false[probe_row] = 1;
                }
            }
            continue;
        }
        for (idx_t i = 0; i < passing; i++) {
            idx_t pair = sel ? sel[i] : i;
            sel_t probe_row = s.probe_rows[pair];
            s.probe_matched[probe_row] = 1;
            if (++s.match_counts[probe_row] > 1 && join_type_ == JoinType::kSingle) {
                throw Error(sql_state::kCardinalityViolation, "more than one row returned by a subquery used as an expression");
            }
            if (join_type_ == JoinType::kFull) table.mark_matched(s.build_rows[pair]);
        }
        if (emits_pairs && passing > 0) {
            if (passing == batch) {
                out.reference(s.pairs);
            } else {
                chunk_gather(s.pairs, sel, passing, out);
            }
            return OperatorResult::kHaveMoreOutput;
        }
    }
    s.have_input = false;

    // Phase 2: rows decided per probe row.
    std::vector<sel_t> keep;
    switch (join_type_) {
        case JoinType::kInner: out.set_size(0); return OperatorResult::kNeedMoreInput;
        case JoinType::kLeft:
        case JoinType::kFull:
        case JoinType::kSingle: {
            for (idx_t i = 0; i < in.size(); i++) {
                if (!s.probe_matched[i]) keep.push_back(static_cast<sel_t>(i));
            }
            if (keep.empty()) {
                out.set_size(0);
                return OperatorResult::kNeedMoreInput;
            }
            for (idx_t c = 0; c < probe_columns; c++) vector_gather(in.column(c), keep.data(), keep.size(), out.column(c));
            for (idx_t c = 0; c < build_columns; c++) {
                Vector& v = out.column(probe_columns + c);
                v.reset();
                for (idx_t i = 0; i < keep.size(); i++) v.set_null(i);
            }
            out.set_size(keep.size());
            return OperatorResult::kNeedMoreInput;
        }
        case JoinType::kSemi:
        case JoinType::kAnti: {
            bool anti = join_type_ == JoinType::kAnti;
            bool build_empty = facts.empty;
            for (idx_t i = 0; i < in.size(); i++) {
                bool matched = s.probe_matched[i];
                if (!anti) {
                    if (matched) keep.push_back(static_cast<sel_t>(i));
                    continue;
                }
                if (matched) continue;
                if (null_aware_ && !build_empty) {
                    // NOT IN: a NULL on either side makes the result unknown, so the row is dropped.
                    if (facts.has_null_key) continue;
                    bool null_key = false;
                    for (idx_t k = 0; k < s.key_chunk.column_count(); k++) null_key = null_key || s.key_chunk.column(k).is_null(i);
                    if (null_key) continue;
                }
                keep.push_back(static_cast<sel_t>(i));
            }
            if (keep.size() == in.size()) {
                out.reference(in);
            } else {
                chunk_gather(in, keep.data(), keep.size(), out);
            }
            return OperatorResult::kNeedMoreInput;
        }
        case JoinType::kMark: {
            for (idx_t c = 0; c < probe_columns; c++) out.column(c).reference(in.column(c));
            Vector& mark = out.column(probe_columns);
            mark.reset();
            bool build_empty = facts.empty;
            for (idx_t i = 0; i < in.size(); i++) {
                if (mark_predicate_) {
                    // x op ANY / ALL (subquery)
                    if (mark_all_) {
                        if (s.probe_false[i]) {
                            mark.data<bool>()[i] = false;
                        } else if (s.probe_null[i]) {
                            mark.set_null(i);
                        } else {
                            mark.data<bool>()[i] = true;
                        }
                    } else if (s.probe_matched[i]) {
                        mark.data<bool>()[i] = true;
                    } else if (s.probe_null[i]) {
                        mark.set_null(i);
                    } else {
                        mark.data<bool>()[i] = false;
                    }
                    continue;
                }
                if (s.probe_matched[i]) {
                    mark.data<bool>()[i] = true;
                    continue;
                }
                bool null_key = false;
                for (idx_t k = 0; k < s.key_chunk.column_count(); k++) null_key = null_key || s.key_chunk.column(k).is_null(i);
                if (null_aware_ && !build_empty && (facts.has_null_key || null_key) && key_count > 0) {
                    mark.set_null(i);
                } else {
                    mark.data<bool>()[i] = false;
                }
            }
            out.set_size(in.size());
            return OperatorResult::kNeedMoreInput;
        }
        case JoinType::kRight: break;
    }
    throw Error(sql_state::kInternalError, "unexpected join type in hash join");
}

OperatorResult PhysicalHashJoin::flush(ExecContext& ctx, OperatorState& state, DataChunk& out) const {
    auto& g = static_cast<JoinGlobal&>(*sink_state);
    if (!g.spilled) return emit_unmatched(state, *g.table, out);
    return flush_spilled(ctx, state, out);
}

OperatorResult PhysicalHashJoin::emit_unmatched(OperatorState& state, JoinHashTable& table, DataChunk& out) const {
    auto& s = static_cast<ProbeState&>(state);
    const idx_t probe_columns = children[0]->types().size();
    const idx_t build_columns = children[1]->types().size();
    std::vector<uint64_t> rows;
    while (s.flush_row < table.size() && rows.size() < kVectorSize) {
        if (!table.was_matched(s.flush_row)) rows.push_back(s.flush_row);
        s.flush_row++;
    }
    for (idx_t c = 0; c < probe_columns; c++) {
        Vector& v = out.column(c);
        v.reset();
        for (idx_t i = 0; i < rows.size(); i++) v.set_null(i);
    }
    std::shared_ptr<const void> owner = table.rows();
    for (idx_t c = 0; c < build_columns; c++) {
        gather_rows(*table.rows(), table.key_count() + c, rows.data(), rows.size(), out.column(probe_columns + c), owner);
    }
    out.set_size(rows.size());
    return s.flush_row < table.size() ? OperatorResult::kHaveMoreOutput : OperatorResult::kFinished;
}

OperatorResult PhysicalHashJoin::flush_spilled(ExecContext& ctx, OperatorState& state, DataChunk& out) const {
    auto& s = static_cast<ProbeState&>(state);
    auto& g = static_cast<JoinGlobal&>(*sink_state);
    QueryContext& query = *ctx.query;
    const BuildFacts facts{g.build_rows.load() == 0, g.build_has_null_key.load()};
    const idx_t partitions = idx_t{1} << kSpillBits;
    out.set_size(0);
    while (true) {
        if (!s.partition_table) {
            if (s.partition >= partitions) return OperatorResult::kFinished;
            // This partition's build rows: one hash table, which has to fit (53200 otherwise).
            std::vector<LogicalType> key_types;
            for (const auto& k : build_keys_) key_types.push_back(k->type);
            s.partition_table = std::make_unique<JoinHashTable>(key_types, children[1]->types());
            if (!s.partition_memory) s.partition_memory = std::make_unique<MemoryReservation>(query.memory, "a hash join's build side");
            DataChunk rows;
            rows.initialize(s.partition_table->rows()->types());
            for (auto& spill : g.build_spills) {
                for (idx_t b = 0; b < spill->block_count(s.partition); b++) {
                    query.check_interrupt();
                    spill->read(s.partition, b, rows);
                    s.partition_table->rows()->append(rows);
                    if ((b & 7) == 7) s.partition_memory->resize_for_partition(s.partition_table->rows()->bytes());
                }
            }
            s.partition_memory->resize_for_partition(s.partition_table->rows()->bytes() + s.partition_table->build_bytes());
            s.partition_table->build(query);
            s.probe_writer = 0;
            s.probe_block = 0;
            s.probing = false;
            s.emitting_unmatched = false;
            s.flush_row = 0;
            s.have_input = false;
        }
        if (s.probing) {
            OperatorResult r = probe_chunk(state, *s.partition_table, facts, s.probe_chunk, out);
            if (r != OperatorResult::kHaveMoreOutput) s.probing = false;
            if (out.size() > 0) return OperatorResult::kHaveMoreOutput;
            continue;
        }
        if (!s.emitting_unmatched) {
            // The next block of this partition's probe rows, from any worker's file.
            while (s.probe_writer < g.probe_spills.size() && s.probe_block >= g.probe_spills[s.probe_writer]->block_count(s.partition)) {
                s.probe_writer++;
                s.probe_block = 0;
            }
            if (s.probe_writer < g.probe_spills.size()) {
                query.check_interrupt();
                if (s.probe_chunk.column_count() == 0) s.probe_chunk.initialize(children[0]->types());
                g.probe_spills[s.probe_writer]->read(s.partition, s.probe_block++, s.probe_chunk);
                s.probing = true;
                continue;
            }
            s.emitting_unmatched = true;
        }
        if (join_type_ == JoinType::kFull && s.flush_row < s.partition_table->size()) {
            emit_unmatched(state, *s.partition_table, out);
            if (out.size() > 0) return OperatorResult::kHaveMoreOutput;
            continue;
        }
        s.partition_table.reset();
        s.partition_memory->resize(0);
        s.partition++;
    }
}

}  // namespace basalt

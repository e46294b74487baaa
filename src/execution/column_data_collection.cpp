#include "execution/column_data_collection.hpp"

#include "execution/expression_executor.hpp"
#include "vector/vector_operations.hpp"

namespace basalt {

void ColumnDataCollection::append(const DataChunk& input, const sel_t* sel, idx_t count) {
    if (types_.empty() && input.column_count() > 0) types_ = input.types();
    idx_t n = sel ? count : input.size();
    if (types_.empty()) {
        // Zero columns: only the row count matters, keep one chunk to carry it.
        if (chunks_.empty()) {
            chunks_.push_back(std::make_unique<DataChunk>());
            chunks_.back()->initialize({}, kVectorSize);
        }
        rows_ += n;
        chunks_.back()->set_size(std::min<idx_t>(rows_, kVectorSize));
        return;
    }
    idx_t done = 0;
    std::vector<sel_t> positions;
    while (done < n) {
        if (chunks_.empty() || chunks_.back()->size() == kVectorSize) {
            chunks_.push_back(std::make_unique<DataChunk>());
            chunks_.back()->initialize(types_, kVectorSize);
        }
        DataChunk& target = *chunks_.back();
        idx_t room = kVectorSize - target.size();
        idx_t take = std::min(room, n - done);
        for (idx_t c = 0; c < types_.size(); c++) {
            const Vector& src = input.column(c);
            Vector& dst = target.column(c);
            if (sel) {
                Vector gathered(src.type(), take);
                vector_gather(src, sel + done, take, gathered);
                vector_copy(gathered, 0, take, dst, target.size());
            } else {
                vector_copy(src, done, take, dst, target.size());
            }
        }
        // Strings count at their length: the collection keeps their owners alive.
        for (idx_t c = 0; c < types_.size(); c++) {
            if (types_[c].physical() != PhysicalType::kString) continue;
            const Vector& dst = target.column(c);
            const auto* strings = dst.data<std::string_view>();
            for (idx_t i = target.size(); i < target.size() + take; i++) string_bytes_ += strings[i].size();
        }
        target.set_size(target.size() + take);
        done += take;
    }
    rows_ += n;
}

void ColumnDataCollection::merge(ColumnDataCollection&& other) {
    if (types_.empty() && !other.types_.empty()) types_ = other.types_;
    if (types_.empty()) {
        rows_ += other.rows_;
        if (chunks_.empty() && !other.chunks_.empty()) chunks_.push_back(std::move(other.chunks_[0]));
        if (!chunks_.empty()) chunks_.back()->set_size(std::min<idx_t>(rows_, kVectorSize));
        other.clear();
        return;
    }
    // Keep the "all chunks full but the last" layout: re-append rows when this collection ends partially.
    size_t strings = string_bytes_ + other.string_bytes_;  // re-appended rows must not count twice
    for (auto& c : other.chunks_) {
        if (chunks_.empty() || chunks_.back()->size() == kVectorSize) {
            rows_ += c->size();
            chunks_.push_back(std::move(c));
        } else {
            append(*c);
        }
    }
    // A partial chunk taken over from `other` may be followed by more chunks: repack if needed.
    bool packed = true;
    for (size_t i = 0; i + 1 < chunks_.size(); i++) packed = packed && chunks_[i]->size() == kVectorSize;
    if (!packed) {
        auto old = std::move(chunks_);
        chunks_.clear();
        rows_ = 0;
        for (auto& c : old) append(*c);
    }
    string_bytes_ = strings;
    other.clear();
}

void ColumnDataCollection::clear() {
    chunks_.clear();
    rows_ = 0;
    string_bytes_ = 0;
}

size_t ColumnDataCollection::bytes() const {
    size_t total = 0;
    for (const auto& t : types_) total += static_cast<size_t>(physical_size(t.physical())) * rows_;
    return total + string_bytes_;
}

}  // namespace basalt

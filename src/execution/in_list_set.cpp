#include "execution/in_list_set.hpp"

#include <vector>

#include "types/physical_dispatch.hpp"
#include "vector/value_compare.hpp"

namespace basalt {

// Open addressing with linear probing over one physical type. slots_ hold 1 + the index of a key in keys_
// (0: empty); the table is kept at most half full, so a missing value ends its probe after a slot or two.
struct InListSet::Table {
    virtual ~Table() = default;
    virtual void insert(const Vector& v, idx_t row) = 0;
    virtual void probe(const Vector& v, idx_t count, uint8_t* outcome) const = 0;
    virtual size_t size() const = 0;
};

namespace {

template <class T>
class TypedTable final : public InListSet::Table {
public:
    void insert(const Vector& v, idx_t row) override {
        T value = v.data<T>()[v.is_constant() ? 0 : row];
        if (contains(value)) return;
        if constexpr (std::is_same_v<T, std::string_view>) value = strings_.add(value);
        if ((keys_.size() + 1) * 2 > slots_.size()) grow();
        keys_.push_back(value);
        place(static_cast<uint32_t>(keys_.size()));
    }

    void probe(const Vector& v, idx_t count, uint8_t* outcome) const override {
        const T* data = v.data<T>();
        const ValidityMask& valid = v.validity();
        if (v.is_constant()) {
            uint8_t o = !valid.is_valid(0) ? InListSet::kNullInput : contains(data[0]) ? InListSet::kFound : InListSet::kMissing;
            std::fill(outcome, outcome + count, o);
            return;
        }
        if (valid.all_valid()) {
            for (idx_t i = 0; i < count; i++) outcome[i] = contains(data[i]) ? InListSet::kFound : InListSet::kMissing;
            return;
        }
        for (idx_t i = 0; i < count; i++) {
            outcome[i] = !valid.is_valid(i) ? InListSet::kNullInput : contains(data[i]) ? InListSet::kFound : InListSet::kMissing;
        }
    }

    size_t size() const override { return keys_.size(); }

private:
    bool contains(const T& value) const {
        if (slots_.empty()) return false;
        for (uint64_t pos = hash_value<T>(value) & mask_;; pos = (pos + 1) & mask_) {
            uint32_t slot = slots_[pos];
            if (slot == 0) return false;
            if (values_equal<T>(keys_[slot - 1], value)) return true;
        }
    }

    void place(uint32_t slot) {
        uint64_t pos = hash_value<T>(keys_[slot - 1]) & mask_;
        while (slots_[pos] != 0) pos = (pos + 1) & mask_;
        slots_[pos] = slot;
    }

    void grow() {
        size_t capacity = slots_.empty() ? 16 : slots_.size() * 2;
        slots_.assign(capacity, 0);
        mask_ = capacity - 1;
        for (uint32_t slot = 1; slot <= keys_.size(); slot++) place(slot);
    }

    std::vector<T> keys_;
    std::vector<uint32_t> slots_;
    uint64_t mask_ = 0;
    StringHeap strings_;  // owns the bytes of string keys
};

}  // namespace

InListSet::InListSet(const LogicalType& type) {
    table_ = dispatch_physical(type.physical(), [](auto tag) -> std::unique_ptr<Table> {
        return std::make_unique<TypedTable<typename decltype(tag)::type>>();
    });
}

InListSet::~InListSet() = default;

void InListSet::insert(const Vector& v, idx_t row) { table_->insert(v, row); }
void InListSet::probe(const Vector& v, idx_t count, uint8_t* outcome) const { table_->probe(v, count, outcome); }
size_t InListSet::size() const { return table_->size(); }

}  // namespace basalt

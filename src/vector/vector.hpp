// A column of up to `capacity` values of one logical type: flat (one value per row) or constant (one value
// for every row). Data buffers are shared on reference(), so projecting a column never copies it.
//   (1) A constant vector holds its value at index 0; its validity bit 0 says whether it is NULL.
//   (2) String values are string_views; the bytes live in a StringHeap or a buffer this vector keeps alive.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "types/logical_type.hpp"
#include "types/value.hpp"
#include "vector/string_heap.hpp"
#include "vector/validity_mask.hpp"

namespace basalt {

inline constexpr idx_t kVectorSize = 2048;

class Vector {
public:
    Vector() = default;
    explicit Vector(LogicalType type, idx_t capacity = kVectorSize);

    const LogicalType& type() const { return type_; }
    idx_t capacity() const { return capacity_; }
    bool is_constant() const { return constant_; }
    void set_constant(bool constant) { constant_ = constant; }

    template <class T>
    T* data() {
        return reinterpret_cast<T*>(data_.get());
    }
    template <class T>
    const T* data() const {
        return reinterpret_cast<const T*>(data_.get());
    }
    uint8_t* raw_data() { return data_.get(); }
    const uint8_t* raw_data() const { return data_.get(); }

    ValidityMask& validity() { return validity_; }
    const ValidityMask& validity() const { return validity_; }
    bool is_null(idx_t row) const { return !validity_.is_valid(constant_ ? 0 : row); }
    void set_null(idx_t row) { validity_.set_invalid(row, capacity_); }

    // Shares other's buffers (no copy). This vector then must not be written to.
    void reference(const Vector& other);
    // Gives this vector fresh, unshared buffers of its capacity (all rows valid, not constant).
    void reset();
    // Makes this vector constant with the given value.
    void set_constant_value(const Value& value);
    Value get_value(idx_t row) const;
    void set_value(idx_t row, const Value& value);

    // Copies string bytes into this vector's heap; the view stays valid while the vector (or a vector that
    // referenced it) lives.
    std::string_view add_string(std::string_view s);
    char* allocate_string(size_t size);
    // Keeps another owner of string bytes alive as long as this vector's data is used.
    void keep_alive(std::shared_ptr<const void> owner);
    void keep_alive_from(const Vector& other);

private:
    LogicalType type_;
    idx_t capacity_ = 0;
    bool constant_ = false;
    std::shared_ptr<uint8_t[]> data_;
    ValidityMask validity_;
    std::shared_ptr<StringHeap> heap_;
    std::vector<std::shared_ptr<const void>> owners_;
};

}  // namespace basalt

#include "vector/vector.hpp"

#include <cstring>

#include "common/error.hpp"
#include "types/physical_dispatch.hpp"

namespace basalt {

Vector::Vector(LogicalType type, idx_t capacity) : type_(type), capacity_(capacity) {
    if (capacity_ == 0) capacity_ = 1;
    reset();
}

void Vector::reset() {
    if (data_ && data_.use_count() == 1 && capacity_ > 1) {
        // Nobody else sees this buffer: reuse it instead of allocating per chunk.
        validity_.reset();
        constant_ = false;
        heap_.reset();
        owners_.clear();
        return;
    }
    size_t bytes = static_cast<size_t>(physical_size(type_.physical())) * capacity_;
    // Zero-filled so that rows which are NULL still hold a well-defined value: gathers copy them unread, and a
    // bool must never hold anything but 0 or 1.
    data_ = std::shared_ptr<uint8_t[]>(new uint8_t[bytes]());
    validity_.reset();
    constant_ = false;
    heap_.reset();
    owners_.clear();
}

void Vector::reference(const Vector& other) {
    type_ = other.type_;
    capacity_ = other.capacity_;
    constant_ = other.constant_;
    data_ = other.data_;
    validity_ = other.validity_;
    heap_ = other.heap_;
    owners_ = other.owners_;
}

void Vector::keep_alive(std::shared_ptr<const void> owner) {
    for (auto& o : owners_) {
        if (o == owner) return;
    }
    owners_.push_back(std::move(owner));
}

void Vector::keep_alive_from(const Vector& other) {
    if (&other == this) return;
    if (other.heap_) keep_alive(other.heap_);
    for (auto& o : other.owners_) keep_alive(o);
}

std::string_view Vector::add_string(std::string_view s) {
    if (!heap_) heap_ = std::make_shared<StringHeap>();
    return heap_->add(s);
}

char* Vector::allocate_string(size_t size) {
    if (!heap_) heap_ = std::make_shared<StringHeap>();
    return heap_->allocate(size);
}

void Vector::set_constant_value(const Value& value) {
    if (capacity_ == 0 || !data_) {
        capacity_ = 1;
        reset();
    }
    constant_ = true;
    set_value(0, value);
}

Value Vector::get_value(idx_t row) const {
    idx_t i = constant_ ? 0 : row;
    if (!validity_.is_valid(i)) return Value(type_);
    return dispatch_physical(type_.physical(), [&](auto tag) -> Value {
        using T = typename decltype(tag)::type;
        return Value::from_physical<T>(type_, data<T>()[i]);
    });
}

void Vector::set_value(idx_t row, const Value& value) {
    if (value.is_null()) {
        set_null(row);
        return;
    }
    validity_.set_valid(row);
    switch (type_.physical()) {
        case PhysicalType::kBool: data<bool>()[row] = value.get_bool(); break;
        case PhysicalType::kInt16: data<int16_t>()[row] = static_cast<int16_t>(value.get_int64()); break;
        case PhysicalType::kInt32: data<int32_t>()[row] = static_cast<int32_t>(value.get_int64()); break;
        case PhysicalType::kInt64: data<int64_t>()[row] = value.get_int64(); break;
        case PhysicalType::kInt128:
            data<int128_t>()[row] = value.type().physical() == PhysicalType::kInt128
                                        ? value.get_int128()
                                        : static_cast<int128_t>(value.get_int64());
            break;
        case PhysicalType::kFloat: data<float>()[row] = value.get_float(); break;
        case PhysicalType::kDouble: data<double>()[row] = value.get_double(); break;
        case PhysicalType::kString: data<std::string_view>()[row] = add_string(value.get_string()); break;
        case PhysicalType::kInterval: data<Interval>()[row] = value.get_interval(); break;
    }
}

}  // namespace basalt

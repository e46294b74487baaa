// Maps a runtime PhysicalType to the C++ type that holds it, so kernels are written once as templates.
#pragma once

#include <string_view>
#include <type_traits>

#include "common/error.hpp"
#include "types/logical_type.hpp"

namespace basalt {

template <class F>
decltype(auto) dispatch_physical(PhysicalType type, F&& f) {
    switch (type) {
        case PhysicalType::kBool: return f(std::type_identity<bool>{});
        case PhysicalType::kInt16: return f(std::type_identity<int16_t>{});
        case PhysicalType::kInt32: return f(std::type_identity<int32_t>{});
        case PhysicalType::kInt64: return f(std::type_identity<int64_t>{});
        case PhysicalType::kInt128: return f(std::type_identity<int128_t>{});
        case PhysicalType::kFloat: return f(std::type_identity<float>{});
        case PhysicalType::kDouble: return f(std::type_identity<double>{});
        case PhysicalType::kString: return f(std::type_identity<std::string_view>{});
        case PhysicalType::kInterval: return f(std::type_identity<Interval>{});
    }
    BASALT_ASSERT(false, "unknown physical type");
}

}  // namespace basalt

#include "types/value.hpp"

#include <string_view>

#include "common/error.hpp"
#include "types/datetime.hpp"
#include "types/decimal.hpp"
#include "types/value_format.hpp"

namespace basalt {

Value Value::boolean(bool v) {
    Value r(LogicalType::boolean());
    r.is_null_ = false;
    r.data_.b = v;
    return r;
}
Value Value::smallint(int16_t v) {
    Value r(LogicalType::smallint());
    r.is_null_ = false;
    r.data_.i = v;
    return r;
}
Value Value::integer(int32_t v) {
    Value r(LogicalType::integer());
    r.is_null_ = false;
    r.data_.i = v;
    return r;
}
Value Value::bigint(int64_t v) {
    Value r(LogicalType::bigint());
    r.is_null_ = false;
    r.data_.i = v;
    return r;
}
Value Value::real(float v) {
    Value r(LogicalType::real());
    r.is_null_ = false;
    r.data_.f = v;
    return r;
}
Value Value::double_value(double v) {
    Value r(LogicalType::double_type());
    r.is_null_ = false;
    r.data_.d = v;
    return r;
}
Value Value::decimal(int128_t scaled, int precision, int scale) {
    Value r(LogicalType::decimal(precision, scale));
    r.is_null_ = false;
    if (precision <= LogicalType::kMaxInt64DecimalPrecision) {
        r.data_.i = static_cast<int64_t>(scaled);
    } else {
        r.data_.h = scaled;
    }
    return r;
}
Value Value::varchar(std::string v) {
    Value r(LogicalType::varchar());
    r.is_null_ = false;
    r.str_ = std::move(v);
    return r;
}
Value Value::date(int32_t days) {
    Value r(LogicalType::date());
    r.is_null_ = false;
    r.data_.i = days;
    return r;
}
Value Value::timestamp(int64_t micros) {
    Value r(LogicalType::timestamp());
    r.is_null_ = false;
    r.data_.i = micros;
    return r;
}
Value Value::timestamptz(int64_t micros) {
    Value r(LogicalType::timestamptz());
    r.is_null_ = false;
    r.data_.i = micros;
    return r;
}
Value Value::interval(Interval v) {
    Value r(LogicalType::interval());
    r.is_null_ = false;
    r.data_.iv = v;
    return r;
}

template <class T>
Value Value::from_physical(const LogicalType& type, const T& v) {
    Value r(type);
    r.is_null_ = false;
    if constexpr (std::is_same_v<T, bool>) {
        r.data_.b = v;
    } else if constexpr (std::is_same_v<T, int128_t>) {
        r.data_.h = v;
    } else if constexpr (std::is_integral_v<T>) {
        r.data_.i = v;
    } else if constexpr (std::is_same_v<T, float>) {
        r.data_.f = v;
    } else if constexpr (std::is_same_v<T, double>) {
        r.data_.d = v;
    } else if constexpr (std::is_same_v<T, std::string_view>) {
        r.str_ = std::string(v);
    } else if constexpr (std::is_same_v<T, Interval>) {
        r.data_.iv = v;
    }
    return r;
}
template Value Value::from_physical(const LogicalType&, const bool&);
template Value Value::from_physical(const LogicalType&, const int16_t&);
template Value Value::from_physical(const LogicalType&, const int32_t&);
template Value Value::from_physical(const LogicalType&, const int64_t&);
template Value Value::from_physical(const LogicalType&, const int128_t&);
template Value Value::from_physical(const LogicalType&, const float&);
template Value Value::from_physical(const LogicalType&, const double&);
template Value Value::from_physical(const LogicalType&, const std::string_view&);
template Value Value::from_physical(const LogicalType&, const Interval&);

std::string Value::to_string() const {
    if (is_null_) return "NULL";
    switch (type_.physical()) {
        case PhysicalType::kString: {
            std::string_view sv = str_;
            return format_physical(type_, &sv);
        }
        case PhysicalType::kBool: return format_physical(type_, &data_.b);
        case PhysicalType::kInt16: {
            int16_t v = static_cast<int16_t>(data_.i);
            return format_physical(type_, &v);
        }
        case PhysicalType::kInt32: {
            int32_t v = static_cast<int32_t>(data_.i);
            return format_physical(type_, &v);
        }
        case PhysicalType::kInt64: return format_physical(type_, &data_.i);
        case PhysicalType::kInt128: return format_physical(type_, &data_.h);
        case PhysicalType::kFloat: return format_physical(type_, &data_.f);
        case PhysicalType::kDouble: return format_physical(type_, &data_.d);
        case PhysicalType::kInterval: return format_physical(type_, &data_.iv);
    }
    return "?";
}

std::string format_physical(const LogicalType& type, const void* data) {
    switch (type.id()) {
        case TypeId::kNull: return "NULL";
        case TypeId::kBoolean: return *static_cast<const bool*>(data) ? "true" : "false";
        case TypeId::kSmallInt: return std::to_string(*static_cast<const int16_t*>(data));
        case TypeId::kInteger: return std::to_string(*static_cast<const int32_t*>(data));
        case TypeId::kBigInt: return std::to_string(*static_cast<const int64_t*>(data));
        case TypeId::kReal: return float_to_string(*static_cast<const float*>(data));
        case TypeId::kDouble: return double_to_string(*static_cast<const double*>(data));
        case TypeId::kDecimal:
            if (type.physical() == PhysicalType::kInt64) {
                return decimal_to_string(*static_cast<const int64_t*>(data), type.scale());
            }
            return decimal_to_string(*static_cast<const int128_t*>(data), type.scale());
        case TypeId::kVarchar:
        case TypeId::kChar: return std::string(*static_cast<const std::string_view*>(data));
        case TypeId::kDate: return date_to_string(*static_cast<const int32_t*>(data));
        case TypeId::kTimestamp: return timestamp_to_string(*static_cast<const int64_t*>(data), false);
        case TypeId::kTimestampTz: return timestamp_to_string(*static_cast<const int64_t*>(data), true);
        case TypeId::kInterval: return interval_to_string(*static_cast<const Interval*>(data));
        case TypeId::kInvalid: break;
    }
    BASALT_ASSERT(false, "format_physical of an invalid type");
}

}  // namespace basalt

#include "types/logical_type.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace basalt {

LogicalType LogicalType::decimal(int precision, int scale) {
    if (precision < 1 || precision > kMaxDecimalPrecision) {
        throw Error(sql_state::kInvalidParameterValue,
                    fmt::format("NUMERIC precision {} must be between 1 and {}", precision, kMaxDecimalPrecision));
    }
    if (scale < 0 || scale > precision) {
        throw Error(sql_state::kInvalidParameterValue,
                    fmt::format("NUMERIC scale {} must be between 0 and precision {}", scale, precision));
    }
    LogicalType t(TypeId::kDecimal);
    t.precision_ = static_cast<uint8_t>(precision);
    t.scale_ = static_cast<uint8_t>(scale);
    return t;
}

LogicalType LogicalType::varchar(int max_length) {
    LogicalType t(TypeId::kVarchar);
    t.length_ = max_length;
    return t;
}

LogicalType LogicalType::char_type(int length) {
    LogicalType t(TypeId::kChar);
    t.length_ = length;
    return t;
}

PhysicalType LogicalType::physical() const {
    switch (id_) {
        case TypeId::kNull:
        case TypeId::kBoolean: return PhysicalType::kBool;
        case TypeId::kSmallInt: return PhysicalType::kInt16;
        case TypeId::kInteger:
        case TypeId::kDate: return PhysicalType::kInt32;
        case TypeId::kBigInt:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz: return PhysicalType::kInt64;
        case TypeId::kReal: return PhysicalType::kFloat;
        case TypeId::kDouble: return PhysicalType::kDouble;
        case TypeId::kDecimal:
            return precision_ <= kMaxInt64DecimalPrecision ? PhysicalType::kInt64 : PhysicalType::kInt128;
        case TypeId::kVarchar:
        case TypeId::kChar: return PhysicalType::kString;
        case TypeId::kInterval: return PhysicalType::kInterval;
        case TypeId::kInvalid: break;
    }
    BASALT_ASSERT(false, "physical() of an invalid type");
}

bool LogicalType::is_numeric() const {
    switch (id_) {
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
        case TypeId::kReal:
        case TypeId::kDouble:
        case TypeId::kDecimal: return true;
        default: return false;
    }
}

bool LogicalType::is_integral() const {
    return id_ == TypeId::kSmallInt || id_ == TypeId::kInteger || id_ == TypeId::kBigInt;
}

bool LogicalType::is_temporal() const {
    return id_ == TypeId::kDate || id_ == TypeId::kTimestamp || id_ == TypeId::kTimestampTz ||
           id_ == TypeId::kInterval;
}

std::string LogicalType::to_string() const {
    switch (id_) {
        case TypeId::kInvalid: return "INVALID";
        case TypeId::kNull: return "NULL";
        case TypeId::kBoolean: return "BOOLEAN";
        case TypeId::kSmallInt: return "SMALLINT";
        case TypeId::kInteger: return "INTEGER";
        case TypeId::kBigInt: return "BIGINT";
        case TypeId::kReal: return "REAL";
        case TypeId::kDouble: return "DOUBLE PRECISION";
        case TypeId::kDecimal: return fmt::format("DECIMAL({},{})", precision_, scale_);
        case TypeId::kVarchar: return length_ < 0 ? "VARCHAR" : fmt::format("VARCHAR({})", length_);
        case TypeId::kChar: return fmt::format("CHAR({})", length_);
        case TypeId::kDate: return "DATE";
        case TypeId::kTimestamp: return "TIMESTAMP";
        case TypeId::kTimestampTz: return "TIMESTAMPTZ";
        case TypeId::kInterval: return "INTERVAL";
    }
    return "?";
}

std::string pg_type_name(const LogicalType& type) {
    switch (type.id()) {
        case TypeId::kNull: return "unknown";
        case TypeId::kBoolean: return "boolean";
        case TypeId::kSmallInt: return "smallint";
        case TypeId::kInteger: return "integer";
        case TypeId::kBigInt: return "bigint";
        case TypeId::kReal: return "real";
        case TypeId::kDouble: return "double precision";
        case TypeId::kDecimal: return "numeric";
        case TypeId::kVarchar: return type.length() < 0 ? "text" : "character varying";
        case TypeId::kChar: return "character";
        case TypeId::kDate: return "date";
        case TypeId::kTimestamp: return "timestamp without time zone";
        case TypeId::kTimestampTz: return "timestamp with time zone";
        case TypeId::kInterval: return "interval";
        case TypeId::kInvalid: break;
    }
    return "invalid";
}

int physical_size(PhysicalType type) {
    switch (type) {
        case PhysicalType::kBool: return 1;
        case PhysicalType::kInt16: return 2;
        case PhysicalType::kInt32: return 4;
        case PhysicalType::kInt64: return 8;
        case PhysicalType::kInt128: return 16;
        case PhysicalType::kFloat: return 4;
        case PhysicalType::kDouble: return 8;
        case PhysicalType::kString: return 16;
        case PhysicalType::kInterval: return 16;
    }
    return 0;
}

}  // namespace basalt

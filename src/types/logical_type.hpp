// Logical SQL types and the physical representation each one has inside a vector.
//   DECIMAL(p,s) is an integer scaled by 10^s: int64 up to 18 digits, __int128 up to 38.
//   DATE is int32 days since 1970-01-01; TIMESTAMP[TZ] is int64 microseconds since 1970-01-01 00:00 (UTC for TZ).
//   CHAR(n) is stored without its pad blanks, so it compares and prints like PostgreSQL's bpchar.
#pragma once

#include <cstdint>
#include <string>

namespace basalt {

using int128_t = __int128;

enum class TypeId : uint8_t {
    kInvalid,
    kNull,  // the type of an untyped NULL literal; casts to anything
    kBoolean,
    kSmallInt,
    kInteger,
    kBigInt,
    kReal,
    kDouble,
    kDecimal,
    kVarchar,
    kChar,
    kDate,
    kTimestamp,
    kTimestampTz,
    kInterval,
};

enum class PhysicalType : uint8_t { kBool, kInt16, kInt32, kInt64, kInt128, kFloat, kDouble, kString, kInterval };

struct Interval {
    int32_t months = 0;
    int32_t days = 0;
    int64_t micros = 0;
    bool operator==(const Interval&) const = default;
};

class LogicalType {
public:
    static constexpr int kMaxDecimalPrecision = 38;
    static constexpr int kMaxInt64DecimalPrecision = 18;

    constexpr LogicalType() = default;
    constexpr explicit LogicalType(TypeId id) : id_(id) {}

    static LogicalType null() { return LogicalType(TypeId::kNull); }
    static LogicalType boolean() { return LogicalType(TypeId::kBoolean); }
    static LogicalType smallint() { return LogicalType(TypeId::kSmallInt); }
    static LogicalType integer() { return LogicalType(TypeId::kInteger); }
    static LogicalType bigint() { return LogicalType(TypeId::kBigInt); }
    static LogicalType real() { return LogicalType(TypeId::kReal); }
    static LogicalType double_type() { return LogicalType(TypeId::kDouble); }
    static LogicalType decimal(int precision, int scale);
    static LogicalType varchar(int max_length = -1);
    static LogicalType char_type(int length);
    static LogicalType date() { return LogicalType(TypeId::kDate); }
    static LogicalType timestamp() { return LogicalType(TypeId::kTimestamp); }
    static LogicalType timestamptz() { return LogicalType(TypeId::kTimestampTz); }
    static LogicalType interval() { return LogicalType(TypeId::kInterval); }

    TypeId id() const { return id_; }
    int precision() const { return precision_; }
    int scale() const { return scale_; }
    // Declared length of VARCHAR(n)/CHAR(n); -1 when unbounded.
    int length() const { return length_; }

    PhysicalType physical() const;
    bool is_numeric() const;
    bool is_integral() const;
    bool is_string() const { return id_ == TypeId::kVarchar || id_ == TypeId::kChar; }
    bool is_temporal() const;

    std::string to_string() const;
    bool operator==(const LogicalType& o) const {
        return id_ == o.id_ && precision_ == o.precision_ && scale_ == o.scale_ && length_ == o.length_;
    }
    bool operator!=(const LogicalType& o) const { return !(*this == o); }

private:
    TypeId id_ = TypeId::kInvalid;
    uint8_t precision_ = 0;
    uint8_t scale_ = 0;
    int32_t length_ = -1;
};

int physical_size(PhysicalType type);

// The SQL name PostgreSQL prints for a type in messages ("integer", "numeric", "text", ...).
std::string pg_type_name(const LogicalType& type);

}  // namespace basalt

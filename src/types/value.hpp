// A single typed SQL value: constants in plans, literals, settings, rows handed to clients one at a time.
// Hot paths never use Value; they work on vectors.
#pragma once

#include <string>

#include "types/logical_type.hpp"

namespace basalt {

class Value {
public:
    Value() : type_(LogicalType::null()) {}
    explicit Value(LogicalType type) : type_(type) {}  // NULL of that type

    static Value boolean(bool v);
    static Value smallint(int16_t v);
    static Value integer(int32_t v);
    static Value bigint(int64_t v);
    static Value real(float v);
    static Value double_value(double v);
    static Value decimal(int128_t scaled, int precision, int scale);
    static Value varchar(std::string v);
    static Value date(int32_t days);
    static Value timestamp(int64_t micros);
    static Value timestamptz(int64_t micros);
    static Value interval(Interval v);
    // A value of the given type from its physical representation (used when reading vectors).
    template <class T>
    static Value from_physical(const LogicalType& type, const T& v);

    const LogicalType& type() const { return type_; }
    bool is_null() const { return is_null_; }

    bool get_bool() const { return data_.b; }
    int64_t get_int64() const { return data_.i; }  // all integer-backed types, including decimal <= 18
    int128_t get_int128() const { return data_.h; }
    double get_double() const { return data_.d; }
    float get_float() const { return data_.f; }
    const Interval& get_interval() const { return data_.iv; }
    const std::string& get_string() const { return str_; }

    // PostgreSQL's text form ("NULL" for nulls is the caller's choice, this returns "NULL").
    std::string to_string() const;

private:
    LogicalType type_;
    bool is_null_ = true;
    union Data {
        bool b;
        int64_t i;
        int128_t h;
        double d;
        float f;
        Interval iv;
        Data() : h(0) {}
    } data_;
    std::string str_;
};

// Text of a physical value of a logical type, as PostgreSQL prints it.
std::string format_physical(const LogicalType& type, const void* data);

}  // namespace basalt

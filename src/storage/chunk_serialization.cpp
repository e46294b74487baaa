#include "storage/chunk_serialization.hpp"

#include "types/physical_dispatch.hpp"

namespace basalt {

void serialize_vector(BinaryWriter& out, const Vector& v, idx_t count) {
    bool has_nulls = false;
    for (idx_t i = 0; i < count && !has_nulls; i++) has_nulls = v.is_null(i);
    out.write<uint8_t>(has_nulls ? 1 : 0);
    if (has_nulls) {
        std::string bits((count + 7) / 8, '\0');
        for (idx_t i = 0; i < count; i++) {
            if (v.is_null(i)) bits[i / 8] = static_cast<char>(bits[i / 8] | (1 << (i % 8)));
        }
        out.write_bytes(bits.data(), bits.size());
    }
    dispatch_physical(v.type().physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* data = v.data<T>();
        for (idx_t i = 0; i < count; i++) {
            idx_t row = v.is_constant() ? 0 : i;
            if constexpr (std::is_same_v<T, std::string_view>) {
                out.write_string(v.is_null(i) ? std::string_view() : data[row]);
            } else {
                out.write<T>(v.is_null(i) ? T{} : data[row]);
            }
        }
    });
}

void deserialize_vector(BinaryReader& in, Vector& v, idx_t count) {
    v.reset();
    bool has_nulls = in.read<uint8_t>() != 0;
    const char* bits = has_nulls ? in.take((count + 7) / 8) : nullptr;
    dispatch_physical(v.type().physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* data = v.data<T>();
        for (idx_t i = 0; i < count; i++) {
            if constexpr (std::is_same_v<T, std::string_view>) {
                data[i] = v.add_string(in.read_view());
            } else {
                data[i] = in.read<T>();
            }
        }
    });
    if (has_nulls) {
        for (idx_t i = 0; i < count; i++) {
            if ((static_cast<uint8_t>(bits[i / 8]) >> (i % 8)) & 1) v.set_null(i);
        }
    }
}

void serialize_type(BinaryWriter& out, const LogicalType& type) {
    out.write<uint8_t>(static_cast<uint8_t>(type.id()));
    out.write<uint8_t>(static_cast<uint8_t>(type.precision()));
    out.write<uint8_t>(static_cast<uint8_t>(type.scale()));
    out.write<int32_t>(type.length());
}

LogicalType deserialize_type(BinaryReader& in) {
    auto id = static_cast<TypeId>(in.read<uint8_t>());
    int precision = in.read<uint8_t>();
    int scale = in.read<uint8_t>();
    int length = in.read<int32_t>();
    switch (id) {
        case TypeId::kBoolean:
        case TypeId::kSmallInt:
        case TypeId::kInteger:
        case TypeId::kBigInt:
        case TypeId::kReal:
        case TypeId::kDouble:
        case TypeId::kDate:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz:
        case TypeId::kInterval: return LogicalType(id);
        case TypeId::kDecimal:
            if (precision < 1 || precision > 38 || scale > precision) in.corrupt("an impossible decimal type");
            return LogicalType::decimal(precision, scale);
        case TypeId::kVarchar: return LogicalType::varchar(length);
        case TypeId::kChar:
            if (length < 1) in.corrupt("an impossible character type");
            return LogicalType::char_type(length);
        default: in.corrupt("an unknown column type");
    }
}

void serialize_value(BinaryWriter& out, const Value& value) {
    serialize_type(out, value.type());
    Vector v(value.type(), 1);
    v.set_value(0, value);
    serialize_vector(out, v, 1);
}

Value deserialize_value(BinaryReader& in) {
    LogicalType type = deserialize_type(in);
    Vector v(type, 1);
    deserialize_vector(in, v, 1);
    return v.get_value(0);
}

void serialize_chunk(BinaryWriter& out, const DataChunk& chunk) {
    out.write_varint(chunk.size());
    out.write_varint(chunk.column_count());
    for (idx_t c = 0; c < chunk.column_count(); c++) serialize_vector(out, chunk.column(c), chunk.size());
}

std::unique_ptr<DataChunk> deserialize_chunk(BinaryReader& in, const std::vector<LogicalType>& types) {
    uint64_t rows = in.read_varint();
    uint64_t columns = in.read_varint();
    if (rows > kVectorSize) in.corrupt("a chunk of more than 2048 rows");
    if (columns != types.size()) in.corrupt("a chunk whose column count does not match its table");
    auto chunk = std::make_unique<DataChunk>();
    chunk->initialize(types, kVectorSize);
    for (idx_t c = 0; c < columns; c++) deserialize_vector(in, chunk->column(c), rows);
    chunk->set_size(rows);
    return chunk;
}

}  // namespace basalt

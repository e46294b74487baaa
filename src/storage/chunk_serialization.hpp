// Plain (unencoded) serialization of vectors and chunks, used by log records: per column a NULL bitmap when
// there are NULLs, then fixed-width values as bytes or strings as length-prefixed bytes.
#pragma once

#include <memory>

#include "storage/binary_io.hpp"
#include "vector/data_chunk.hpp"

namespace basalt {

void serialize_vector(BinaryWriter& out, const Vector& v, idx_t count);
// Reads count rows into v (fresh buffers of v's type; strings are copied into v's heap).
void deserialize_vector(BinaryReader& in, Vector& v, idx_t count);

void serialize_chunk(BinaryWriter& out, const DataChunk& chunk);
void serialize_type(BinaryWriter& out, const LogicalType& type);
LogicalType deserialize_type(BinaryReader& in);
void serialize_value(BinaryWriter& out, const Value& value);  // with its type
Value deserialize_value(BinaryReader& in);
// types: the table's column types, which the record must match.
std::unique_ptr<DataChunk> deserialize_chunk(BinaryReader& in, const std::vector<LogicalType>& types);

}  // namespace basalt

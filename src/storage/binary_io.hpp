// Little-endian binary encoding for the files Basalt writes (log records, manifests, column files), and the
// checksum that guards them.
//   (1) A reader never trusts a length: every read is bounds-checked and a short or inconsistent buffer throws
//       XX001 naming the file, so corrupt bytes become an error, never a crash.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace basalt {

// XXH3 64-bit hash of the bytes (xxHash library).
uint64_t checksum64(const void* data, size_t size);

class BinaryWriter {
public:
    template <class T>
    void write(T value) {
        static_assert(std::is_trivially_copyable_v<T>);
        char bytes[sizeof(T)];
        std::memcpy(bytes, &value, sizeof(T));
        buffer_.append(bytes, sizeof(T));
    }
    void write_varint(uint64_t value) {
        while (value >= 0x80) {
            buffer_.push_back(static_cast<char>((value & 0x7F) | 0x80));
            value >>= 7;
        }
        buffer_.push_back(static_cast<char>(value));
    }
    void write_string(std::string_view s) {
        write_varint(s.size());
        buffer_.append(s.data(), s.size());
    }
    void write_bytes(const void* data, size_t size) { buffer_.append(static_cast<const char*>(data), size); }

    std::string& buffer() { return buffer_; }
    size_t size() const { return buffer_.size(); }

private:
    std::string buffer_;
};

class BinaryReader {
public:
    // `source` names the file in error messages.
    BinaryReader(std::string_view data, std::string source) : data_(data), source_(std::move(source)) {}

    template <class T>
    T read() {
        static_assert(std::is_trivially_copyable_v<T>);
        T value;
        std::memcpy(&value, take(sizeof(T)), sizeof(T));
        return value;
    }
    uint64_t read_varint();
    std::string read_string() { return std::string(read_view()); }
    std::string_view read_view() {
        uint64_t n = read_varint();
        return std::string_view(take(n), n);
    }
    const char* take(uint64_t n);

    bool done() const { return offset_ == data_.size(); }
    size_t remaining() const { return data_.size() - offset_; }
    const std::string& source() const { return source_; }
    [[noreturn]] void corrupt(const std::string& what) const;

private:
    std::string_view data_;
    size_t offset_ = 0;
    std::string source_;
};

}  // namespace basalt

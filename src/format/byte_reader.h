// Bounds-checked little-endian cursor over one section of an untrusted bundle.
// Every failure throws the section's Errc with the section name and absolute byte offset.
#pragma once
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/error.h"

namespace qc {

class ByteReader {
 public:
  ByteReader(std::span<const uint8_t> bytes, uint64_t file_offset, std::string section, Errc code)
      : bytes_(bytes), file_offset_(file_offset), section_(std::move(section)), code_(code) {}

  uint64_t remaining() const { return bytes_.size() - pos_; }
  uint64_t position() const { return pos_; }
  uint64_t file_offset() const { return file_offset_ + pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }

  // Prefixed to error messages, e.g. "value 3 'conv.w'".
  void set_context(std::string context) { context_ = std::move(context); }

  [[noreturn]] void fail_at(uint64_t file_offset, const std::string& what, Errc code) const {
    std::string msg = section_ + " section";
    if (!context_.empty()) msg += ", " + context_;
    fail(code, msg + ", byte " + std::to_string(file_offset) + ": " + what);
  }
  [[noreturn]] void fail_here(const std::string& what) const { fail_at(file_offset(), what, code_); }
  [[noreturn]] void fail_here(const std::string& what, Errc code) const { fail_at(file_offset(), what, code); }

  template <class T> T read(std::string_view what) {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  uint8_t u8(std::string_view what) { return read<uint8_t>(what); }
  uint16_t u16(std::string_view what) { return read<uint16_t>(what); }
  uint32_t u32(std::string_view what) { return read<uint32_t>(what); }
  uint64_t u64(std::string_view what) { return read<uint64_t>(what); }
  int32_t i32(std::string_view what) { return read<int32_t>(what); }
  int64_t i64(std::string_view what) { return read<int64_t>(what); }
  float f32(std::string_view what) { return read<float>(what); }

  // A u32 element count, checked so that `count * min_item_bytes` fits in what is
  // left (so callers may reserve) and against `limit` (Errc::limit_exceeded).
  uint32_t count(std::string_view what, uint64_t min_item_bytes, uint64_t limit) {
    const uint64_t at = file_offset();
    const uint32_t n = u32(what);
    if (n > limit)
      fail_at(at, std::string(what) + " " + std::to_string(n) + " exceeds the limit " + std::to_string(limit),
              Errc::limit_exceeded);
    if (min_item_bytes && n > remaining() / min_item_bytes)
      fail_at(at, std::string(what) + " " + std::to_string(n) + " needs at least " + std::to_string(n) + " x " +
                      std::to_string(min_item_bytes) + " bytes but only " + std::to_string(remaining()) + " remain",
              code_);
    return n;
  }

  // The bytes of a length-prefixed string; validated by the caller.
  std::string_view str(std::string_view what) {
    const uint64_t at = file_offset();
    const uint32_t n = u32(what);
    if (n > remaining())
      fail_at(at, std::string(what) + " length " + std::to_string(n) + " exceeds the " + std::to_string(remaining()) +
                      " bytes left",
              code_);
    std::string_view s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return s;
  }

  void reserved_zero(size_t n, std::string_view what) {
    need(n, what);
    for (size_t i = 0; i < n; ++i)
      if (bytes_[pos_ + i] != 0) fail_at(file_offset() + i, std::string(what) + " must be zero", code_);
    pos_ += n;
  }

  void expect_end() const {
    if (!at_end()) fail_here(std::to_string(remaining()) + " unexpected trailing bytes");
  }

 private:
  void need(uint64_t n, std::string_view what) const {
    if (n > remaining())
      fail_here("reading " + std::string(what) + " needs " + std::to_string(n) + " bytes but only " +
                std::to_string(remaining()) + " remain");
  }

  std::span<const uint8_t> bytes_;
  uint64_t pos_ = 0;
  uint64_t file_offset_;
  std::string section_;
  std::string context_;
  Errc code_;
};

}  // namespace qc

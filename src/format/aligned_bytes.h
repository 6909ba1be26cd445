// An owned, 64-byte-aligned byte buffer: read_bundle needs aligned input so that
// weights can be used in place (std::vector<uint8_t> only guarantees 16 bytes).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>
#include <utility>

namespace qc {

class AlignedBytes {
 public:
  static constexpr size_t kAlignment = 64;

  AlignedBytes() = default;
  explicit AlignedBytes(size_t size) : size_(size) {
    if (size_) data_ = static_cast<uint8_t*>(::operator new(size_, std::align_val_t{kAlignment}));
  }
  explicit AlignedBytes(std::span<const uint8_t> src) : AlignedBytes(src.size()) {
    if (size_) std::memcpy(data_, src.data(), size_);
  }
  AlignedBytes(AlignedBytes&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  AlignedBytes& operator=(AlignedBytes&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  AlignedBytes(const AlignedBytes&) = delete;
  AlignedBytes& operator=(const AlignedBytes&) = delete;
  ~AlignedBytes() { release(); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<const uint8_t> span() const { return {data_, size_}; }
  std::span<uint8_t> mutable_span() { return {data_, size_}; }

 private:
  void release() {
    if (data_) ::operator delete(data_, std::align_val_t{kAlignment});
    data_ = nullptr;
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace qc

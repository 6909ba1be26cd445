// A heap buffer aligned for SIMD loads and in-place tensor views.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <utility>

namespace qc {

constexpr size_t kTensorAlignment = 64;

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t size) { resize(size); }
  explicit AlignedBuffer(std::span<const uint8_t> src) {
    resize(src.size());
    if (!src.empty()) std::memcpy(data_, src.data(), src.size());
  }
  ~AlignedBuffer() { std::free(data_); }
  AlignedBuffer(AlignedBuffer&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  AlignedBuffer& operator=(AlignedBuffer&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  // Contents are zeroed. Returns false when memory is exhausted.
  bool try_resize(size_t size) {
    std::free(data_);
    data_ = nullptr;
    size_ = 0;
    const size_t rounded = (size + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
    if (rounded < size) return false;
    data_ = static_cast<uint8_t*>(std::aligned_alloc(kTensorAlignment, rounded ? rounded : kTensorAlignment));
    if (!data_) return false;
    std::memset(data_, 0, rounded ? rounded : kTensorAlignment);
    size_ = size;
    return true;
  }
  void resize(size_t size) {
    if (!try_resize(size)) throw std::bad_alloc();
  }

  uint8_t* data() const { return data_; }
  std::span<const uint8_t> span() const { return {data_, size_}; }
  std::span<uint8_t> mutable_span() { return {data_, size_}; }
  size_t size() const { return size_; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace qc

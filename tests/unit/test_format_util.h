// Helpers for the bundle tests: a sample graph, aligned reading, and patching bytes
// of a bundle while keeping its checksums valid (to reach the deeper checks).
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/aligned_buffer.h"
#include "format/bundle.h"
#include "format/bundle_layout.h"
#include "format/crc32.h"
#include "format/sha256.h"
#include "graph/op_table.h"

namespace qc::test {

template <class T> std::vector<uint8_t> raw_bytes(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}

inline int add_const(Graph& g, const std::string& name, DType dt, std::vector<int64_t> dims, std::vector<uint8_t> data) {
  Value v;
  v.name = name;
  v.dtype = dt;
  v.dims = std::move(dims);
  v.constant = ConstData::owned(std::move(data));
  return g.add_value(std::move(v));
}

inline int add_act(Graph& g, const std::string& name, DType dt, std::vector<int64_t> dims) {
  Value v;
  v.name = name;
  v.dtype = dt;
  v.dims = std::move(dims);
  return g.add_value(std::move(v));
}

// x[-1,4] -> Gemm(w,b) -> Clip(omitted min, max) -> Reshape(shape) -> Concat(constants of every dtype).
// Input dims are 7777/8888-free; `input_dims` lets tests plant recognizable values.
inline Graph sample_graph(std::vector<int64_t> input_dims = {-1, 4}) {
  Graph g;
  g.name = "sample";
  const int x = add_act(g, "x", DType::f32, input_dims);
  const int w = add_const(g, "w", DType::f32, {4, 3}, raw_bytes(std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  const int b = add_const(g, "b", DType::f32, {3}, raw_bytes(std::vector<float>{0.5f, -0.25f, 3e-8f}));
  const int y = add_act(g, "y", DType::f32, {-1, 3});
  const int mx = add_const(g, "max", DType::f32, {}, raw_bytes(std::vector<float>{6.0f}));
  const int yc = add_act(g, "y_clip", DType::f32, {-1, 3});
  const int shape = add_const(g, "shape", DType::i64, {2}, raw_bytes(std::vector<int64_t>{-1, 3}));
  const int z = add_act(g, "z", DType::f32, {-1, 3});
  const int i8 = add_const(g, "c_i8", DType::i8, {5}, raw_bytes(std::vector<int8_t>{-128, -1, 0, 1, 127}));
  const int u8 = add_const(g, "c_u8", DType::u8, {2, 2}, raw_bytes(std::vector<uint8_t>{0, 1, 254, 255}));
  const int f16 = add_const(g, "c_f16", DType::f16, {3}, raw_bytes(std::vector<uint16_t>{0x3C00, 0xC000, 0x7C00}));
  const int bo = add_const(g, "c_bool", DType::boolean, {2}, raw_bytes(std::vector<uint8_t>{1, 0}));
  const int i32 = add_const(g, "c_i32", DType::i32, {1, 2}, raw_bytes(std::vector<int32_t>{-7, 1 << 30}));
  const int empty = add_const(g, "c_empty", DType::f32, {0, 3}, {});
  const int out = add_act(g, "out", DType::f32, {-1});
  g.inputs = {x};

  Node gemm;
  gemm.op = OpId::Gemm;
  gemm.name = "fc";
  gemm.inputs = {x, w, b};
  gemm.outputs = {y};
  gemm.set_f("alpha", 1.5f);
  gemm.set_i("transB", 0);
  gemm.set_s("act", "relu");
  gemm.set_ints("pads", {0, -1, 1LL << 40});
  gemm.set_floats("scales", {0.1f, -2.0f, 1e30f});
  gemm.set_ints("empty_ints", {});
  gemm.set_s("unicode", "\xC3\xA9t\xC3\xA9 \xE2\x9C\x93");
  g.nodes.push_back(gemm);

  Node clip;
  clip.op = OpId::Clip;
  clip.name = "clip";
  clip.inputs = {y, -1, mx};
  clip.outputs = {yc};
  g.nodes.push_back(clip);

  Node reshape;
  reshape.op = OpId::Reshape;
  reshape.name = "reshape";
  reshape.inputs = {yc, shape};
  reshape.outputs = {z};
  g.nodes.push_back(reshape);

  Node concat;
  concat.op = OpId::Concat;
  concat.name = "concat";
  concat.inputs = {z, i8, u8, f16, bo, i32, empty};
  concat.outputs = {out};
  concat.set_i("axis", 0);
  g.nodes.push_back(concat);
  g.outputs = {out, z};
  return g;
}

inline const std::string kSampleMeta = R"({"model":"sample","inputs":[{"name":"x","shape":[-1,4]}],"labels":["a","b"]})";

// read_bundle on an aligned copy; returns the error code (Errc::ok on success).
inline Errc read_code(const std::vector<uint8_t>& bytes, std::string* message = nullptr, ReadLimits limits = {}) {
  AlignedBuffer copy{std::span<const uint8_t>(bytes)};
  try {
    (void)read_bundle(copy.span(), limits);
    return Errc::ok;
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
}

inline bundle::FileHeader header_of(const std::vector<uint8_t>& f) {
  bundle::FileHeader h;
  std::memcpy(&h, f.data(), sizeof h);
  return h;
}

// Byte offset of the section table entry of `kind`.
inline size_t entry_offset(const std::vector<uint8_t>& f, bundle::SectionKind kind) {
  const auto h = header_of(f);
  for (uint32_t i = 0; i < h.section_count; ++i) {
    const size_t at = h.section_table_offset + i * sizeof(bundle::SectionEntry);
    uint32_t k;
    std::memcpy(&k, f.data() + at, 4);
    if (k == static_cast<uint32_t>(kind)) return at;
  }
  throw std::runtime_error("section not found");
}

inline bundle::SectionEntry entry_of(const std::vector<uint8_t>& f, bundle::SectionKind kind) {
  bundle::SectionEntry e;
  std::memcpy(&e, f.data() + entry_offset(f, kind), sizeof e);
  return e;
}

inline void set_entry(std::vector<uint8_t>& f, bundle::SectionKind kind, const bundle::SectionEntry& e) {
  std::memcpy(f.data() + entry_offset(f, kind), &e, sizeof e);
}

template <class T> void poke(std::vector<uint8_t>& f, size_t at, T v) { std::memcpy(f.data() + at, &v, sizeof v); }
template <class T> T peek(const std::vector<uint8_t>& f, size_t at) {
  T v;
  std::memcpy(&v, f.data() + at, sizeof v);
  return v;
}

// Recomputes every section CRC and the file hash, as an attacker (or a bug) could.
inline void reseal(std::vector<uint8_t>& f) {
  const auto h = header_of(f);
  uint64_t integrity = 0;
  for (uint32_t i = 0; i < h.section_count; ++i) {
    const size_t at = h.section_table_offset + i * sizeof(bundle::SectionEntry);
    bundle::SectionEntry e;
    std::memcpy(&e, f.data() + at, sizeof e);
    if (e.kind == static_cast<uint32_t>(bundle::SectionKind::integrity)) {
      integrity = e.offset;
      continue;
    }
    e.crc32 = crc32(std::span<const uint8_t>(f.data() + e.offset, e.size));
    std::memcpy(f.data() + at, &e, sizeof e);
  }
  const auto digest = sha256(std::span<const uint8_t>(f.data(), integrity));
  std::memcpy(f.data() + integrity, digest.data(), digest.size());
}

inline size_t find_bytes(const std::vector<uint8_t>& hay, const void* needle, size_t n, size_t from = 0) {
  const auto* p = static_cast<const uint8_t*>(needle);
  for (size_t i = from; i + n <= hay.size(); ++i)
    if (std::memcmp(hay.data() + i, p, n) == 0) return i;
  throw std::runtime_error("pattern not found");
}

inline size_t find_string(const std::vector<uint8_t>& hay, const std::string& s, size_t from = 0) {
  return find_bytes(hay, s.data(), s.size(), from);
}

}  // namespace qc::test

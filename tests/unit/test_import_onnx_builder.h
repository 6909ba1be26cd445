// Test helpers: ONNX models built in memory with the protobuf API, a float32 .npy
// reader for the fixture models, and a one-call graph runner.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <onnx/onnx_pb.h>

#include "graph/ir.h"
#include "import/onnx_importer.h"
#include "runtime/session.h"
#include "tools/file_io.h"

namespace qc::testing {

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int64_t opset = 13) {
    m_.set_ir_version(8);
    m_.set_producer_name("qcomp-tests");
    m_.set_producer_version("1");
    auto* o = m_.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    m_.mutable_graph()->set_name("test_graph");
  }

  onnx::ModelProto& model() { return m_; }
  onnx::GraphProto& graph() { return *m_.mutable_graph(); }

  // dims: -1 becomes a dim_param "N".
  void input(const std::string& name, std::vector<int64_t> dims, int elem = onnx::TensorProto::FLOAT) {
    set_type(graph().add_input(), name, dims, elem);
  }
  void output(const std::string& name, std::vector<int64_t> dims, int elem = onnx::TensorProto::FLOAT) {
    set_type(graph().add_output(), name, dims, elem);
  }

  onnx::TensorProto* f32(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& data,
                         bool raw = true) {
    auto* t = graph().add_initializer();
    fill_f32(t, name, dims, data, raw);
    return t;
  }
  onnx::TensorProto* i64(const std::string& name, std::vector<int64_t> dims, const std::vector<int64_t>& data) {
    auto* t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims) t->add_dims(d);
    for (int64_t v : data) t->add_int64_data(v);
    return t;
  }

  onnx::NodeProto* node(const std::string& op, std::vector<std::string> in, std::vector<std::string> out,
                        const std::string& name = "") {
    auto* n = graph().add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? op + std::to_string(graph().node_size()) : name);
    for (auto& i : in) n->add_input(i);
    for (auto& o : out) n->add_output(o);
    return n;
  }

  static void attr_i(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attr_f(onnx::NodeProto* n, const std::string& name, float v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  static void attr_ints(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }
  static void attr_s(onnx::NodeProto* n, const std::string& name, const std::string& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }
  static void fill_f32(onnx::TensorProto* t, const std::string& name, const std::vector<int64_t>& dims,
                       const std::vector<float>& data, bool raw) {
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    if (raw) t->set_raw_data(std::string(reinterpret_cast<const char*>(data.data()), data.size() * 4));
    else
      for (float v : data) t->add_float_data(v);
  }

  std::string bytes() const { return m_.SerializeAsString(); }
  ImportedModel import_model(const std::string& source = "test.onnx") const {
    const std::string s = bytes();
    return import_onnx_model_bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()}, source);
  }
  Graph import(const std::string& source = "test.onnx") const { return import_model(source).graph; }

 private:
  static void set_type(onnx::ValueInfoProto* vi, const std::string& name, const std::vector<int64_t>& dims, int elem) {
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elem);
    auto* shape = tt->mutable_shape();
    for (int64_t d : dims) {
      auto* dim = shape->add_dim();
      if (d < 0) dim->set_dim_param("N");
      else dim->set_dim_value(d);
    }
  }

  onnx::ModelProto m_;
};

// Deterministic pseudo-random floats in [-1, 1).
inline std::vector<float> pseudo_random(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761u + 1;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / static_cast<float>(1u << 24) * 2.f - 1.f;
  }
  return v;
}

// Runs `g` on one f32 input and returns the first output's elements.
inline std::vector<float> run_graph(const Graph& g, std::vector<float> x, std::vector<int64_t> dims) {
  Session s(g);
  const auto& out = s.run({TensorRef{DType::f32, std::move(dims), x.data()}});
  const float* p = out.at(0).as<float>();
  return std::vector<float>(p, p + out[0].numel());
}

// A graph rewrite's outputs against the original graph's: equal up to float
// reassociation, |a - b| <= 1e-5 (1 + |b|) per element.
inline void check_same_outputs(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("element " << i);
    CHECK(std::fabs(a[i] - b[i]) <= 1e-5f * (1.f + std::fabs(b[i])));
  }
}

struct NpyF32 {
  std::vector<int64_t> dims;
  std::vector<float> data;
};

// Reads a little-endian float32 C-order .npy file (format 1.x/2.x); throws on anything else.
inline NpyF32 read_npy_f32(const std::string& path) {
  const std::vector<uint8_t> b = read_file_bytes(path);
  if (b.size() < 10 || std::memcmp(b.data(), "\x93NUMPY", 6) != 0) throw std::runtime_error(path + ": not .npy");
  size_t header_len = b[8] | (b[9] << 8), start = 10;
  if (b[6] >= 2) {
    header_len = b[8] | (b[9] << 8) | (b[10] << 16) | (static_cast<size_t>(b[11]) << 24);
    start = 12;
  }
  const std::string header(b.begin() + start, b.begin() + start + header_len);
  if (header.find("'<f4'") == std::string::npos || header.find("'fortran_order': False") == std::string::npos)
    throw std::runtime_error(path + ": only little-endian float32 C-order .npy is supported");
  NpyF32 out;
  const size_t open = header.find('(', header.find("'shape'")), close = header.find(')', open);
  std::string shape = header.substr(open + 1, close - open - 1);
  size_t pos = 0;
  while (pos < shape.size()) {
    size_t end = shape.find(',', pos);
    if (end == std::string::npos) end = shape.size();
    const std::string part = shape.substr(pos, end - pos);
    if (part.find_first_of("0123456789") != std::string::npos) out.dims.push_back(std::stoll(part));
    pos = end + 1;
  }
  size_t n = 1;
  for (int64_t d : out.dims) n *= static_cast<size_t>(d);
  if (b.size() != start + header_len + n * 4) throw std::runtime_error(path + ": size does not match the shape");
  out.data.resize(n);
  std::memcpy(out.data.data(), b.data() + start + header_len, n * 4);
  return out;
}

}  // namespace qc::testing

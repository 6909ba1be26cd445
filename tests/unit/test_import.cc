// ONNX importer: models built in memory with the protobuf API.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "graph/op_table.h"
#include "import/onnx_importer.h"
#include "test_import_onnx_builder.h"

using namespace qc;
using qc::testing::OnnxBuilder;

namespace {

const Node* find_node(const Graph& g, OpId op) {
  for (const auto& n : g.nodes)
    if (n.op == op) return &n;
  return nullptr;
}

std::vector<float> f32_of(const Value& v) {
  REQUIRE(v.constant);
  std::vector<float> out(v.constant->size / 4);
  std::memcpy(out.data(), v.constant->bytes, v.constant->size);
  return out;
}

std::vector<int64_t> i64_of(const Value& v) {
  REQUIRE(v.constant);
  std::vector<int64_t> out(v.constant->size / 8);
  std::memcpy(out.data(), v.constant->bytes, v.constant->size);
  return out;
}

template <class F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected a qc::Error");
  return Error(Errc::ok, "");
}

OnnxBuilder gemm_model(int64_t opset = 13) {
  OnnxBuilder b(opset);
  b.input("x", {-1, 3});
  b.f32("W", {2, 3}, {1, 2, 3, 4, 5, 6});
  b.f32("bias", {2}, {0.5f, -0.5f}, /*raw=*/false);
  auto* n = b.node("Gemm", {"x", "W", "bias"}, {"y"}, "fc");
  OnnxBuilder::attr_i(n, "transB", 1);
  OnnxBuilder::attr_f(n, "alpha", 2.f);
  b.output("y", {-1, 2});
  return b;
}

}  // namespace

TEST_CASE("import: Gemm with raw and typed initializers and a dynamic batch") {
  const ImportedModel m = gemm_model().import_model();
  const Graph& g = m.graph;
  CHECK(m.opset == 13);
  CHECK(m.producer == "qcomp-tests 1");
  REQUIRE(g.nodes.size() == 1);
  const Node& n = g.nodes[0];
  CHECK(n.op == OpId::Gemm);
  CHECK(n.name == "fc");
  CHECK(n.attr_i("transB", 0) == 1);
  CHECK(n.attr_f("alpha", 1.f) == 2.f);
  REQUIRE(g.inputs.size() == 1);
  CHECK(g.values[g.inputs[0]].name == "x");
  CHECK(g.values[g.inputs[0]].dims == std::vector<int64_t>{-1, 3});
  CHECK(g.values[g.inputs[0]].dtype == DType::f32);
  const Value& w = g.values[n.inputs[1]];
  CHECK(w.dims == std::vector<int64_t>{2, 3});
  CHECK(f32_of(w) == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(f32_of(g.values[n.inputs[2]]) == std::vector<float>{0.5f, -0.5f});
  REQUIRE(g.outputs.size() == 1);
  CHECK(g.values[g.outputs[0]].name == "y");
  CHECK(g.values[g.outputs[0]].dims == std::vector<int64_t>{-1, 2});
}

TEST_CASE("import: Conv whose weights are also listed as graph inputs (IR < 4 style)") {
  OnnxBuilder b(11);
  b.input("x", {1, 1, 4, 4});
  b.input("w", {2, 1, 3, 3});
  b.f32("w", {2, 1, 3, 3}, qc::testing::pseudo_random(18, 1));
  auto* n = b.node("Conv", {"x", "w"}, {"y"});
  OnnxBuilder::attr_ints(n, "kernel_shape", {3, 3});
  OnnxBuilder::attr_ints(n, "pads", {1, 1, 1, 1});
  OnnxBuilder::attr_s(n, "auto_pad", "NOTSET");
  b.output("y", {1, 2, 4, 4});
  const Graph g = b.import();
  REQUIRE(g.inputs.size() == 1);
  CHECK(g.values[g.inputs[0]].name == "x");
  const Node* conv = find_node(g, OpId::Conv);
  REQUIRE(conv);
  CHECK(conv->inputs.size() == 2);
  CHECK(g.values[conv->inputs[1]].constant);
  CHECK(conv->attr_ints("pads") == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(conv->attr_s("auto_pad", "") == "NOTSET");
}

TEST_CASE("import: Constant nodes become constant values") {
  OnnxBuilder b;
  b.input("x", {2, 3});
  auto* c1 = b.node("Constant", {}, {"shape"});
  auto* a = c1->add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(onnx::TensorProto::INT64);
  a->mutable_t()->add_dims(2);
  a->mutable_t()->add_int64_data(3);
  a->mutable_t()->add_int64_data(2);
  auto* c2 = b.node("Constant", {}, {"k"});
  OnnxBuilder::attr_f(c2, "value_float", 1.5f);
  auto* c3 = b.node("Constant", {}, {"ints"});
  OnnxBuilder::attr_ints(c3, "value_ints", {4, 5, 6});
  b.node("Reshape", {"x", "shape"}, {"r"});
  b.node("Mul", {"r", "k"}, {"y"});
  b.output("y", {3, 2});
  const Graph g = b.import();
  CHECK(g.nodes.size() == 2);  // Reshape, Mul: the Constants are values
  const Value& shape = g.values[g.find_value("shape")];
  CHECK(shape.dtype == DType::i64);
  CHECK(i64_of(shape) == std::vector<int64_t>{3, 2});
  const Value& k = g.values[g.find_value("k")];
  CHECK(k.dims.empty());
  CHECK(f32_of(k) == std::vector<float>{1.5f});
  const Value& ints = g.values[g.find_value("ints")];
  CHECK(ints.dims == std::vector<int64_t>{3});
  CHECK(i64_of(ints) == std::vector<int64_t>{4, 5, 6});
}

TEST_CASE("import: an unsupported op names the op, the node and the supported list") {
  OnnxBuilder b;
  b.input("x", {1, 4});
  b.node("Relu", {"x"}, {"r"});
  b.node("Erf", {"r"}, {"y"}, "the_erf_node");
  b.output("y", {1, 4});
  const Error e = error_of([&] { b.import("model_x.onnx"); });
  CHECK(e.code() == Errc::unsupported_op);
  const std::string msg = e.what();
  CHECK_THAT(msg, Catch::Contains("'Erf'"));
  CHECK_THAT(msg, Catch::Contains("the_erf_node"));
  CHECK_THAT(msg, Catch::Contains("model_x.onnx"));
  CHECK_THAT(msg, Catch::Contains(supported_op_list()));
}

TEST_CASE("import: nodes of another domain are unsupported") {
  OnnxBuilder b;
  b.input("x", {1, 4});
  b.node("Relu", {"x"}, {"y"}, "custom_relu")->set_domain("com.example");
  b.output("y", {1, 4});
  const Error e = error_of([&] { b.import(); });
  CHECK(e.code() == Errc::unsupported_op);
  CHECK_THAT(std::string(e.what()), Catch::Contains("com.example") && Catch::Contains("custom_relu"));
}

TEST_CASE("import: opsets 7-17 are accepted; older ones only for ops unchanged since") {
  for (int64_t opset : {0, 6, 18}) {
    const Error e = error_of([&] { gemm_model(opset).import(); });
    CHECK(e.code() == Errc::invalid_model);
    CHECK_THAT(std::string(e.what()), Catch::Contains("opset " + std::to_string(opset)));
  }
  for (int64_t opset : {7, 11, 17}) CHECK(gemm_model(opset).import_model().opset == opset);
}

TEST_CASE("import: bytes that are not a ModelProto fail with onnx_parse naming the source") {
  const std::string junk = "this is not a protobuf \xff\xff\xff\xff";
  const Error e = error_of(
      [&] { import_onnx_bytes({reinterpret_cast<const uint8_t*>(junk.data()), junk.size()}, "junk.onnx"); });
  CHECK(e.code() == Errc::onnx_parse);
  CHECK_THAT(std::string(e.what()), Catch::Contains("junk.onnx"));
  const Error missing = error_of([&] { import_onnx_file("/nonexistent/model.onnx"); });
  CHECK(missing.code() == Errc::io);
  CHECK_THAT(std::string(missing.what()), Catch::Contains("/nonexistent/model.onnx"));
}

TEST_CASE("import: Dropout becomes Identity unless its mask is used") {
  OnnxBuilder b(13);
  b.input("x", {1, 4});
  b.f32("ratio", {}, {0.5f});
  b.node("Dropout", {"x", "ratio"}, {"y", "mask"}, "drop");
  b.output("y", {1, 4});
  const Graph g = b.import();
  REQUIRE(g.nodes.size() == 1);
  CHECK(g.nodes[0].op == OpId::Identity);
  CHECK(g.nodes[0].inputs.size() == 1);
  CHECK(g.nodes[0].outputs.size() == 1);

  SECTION("training_mode: a false constant is fine, true is rejected") {
    for (bool training : {false, true}) {
      OnnxBuilder t(13);
      t.input("x", {1, 4});
      t.f32("ratio", {}, {0.5f});
      auto* mode = t.graph().add_initializer();
      mode->set_name("mode");
      mode->set_data_type(onnx::TensorProto::BOOL);
      mode->add_int32_data(training ? 1 : 0);
      t.node("Dropout", {"x", "ratio", "mode"}, {"y"}, "drop");
      t.output("y", {1, 4});
      if (!training) {
        CHECK(t.import().nodes[0].op == OpId::Identity);
      } else {
        const Error e = error_of([&] { t.import(); });
        CHECK(e.code() == Errc::unsupported_op);
        CHECK_THAT(std::string(e.what()), Catch::Contains("training_mode"));
      }
    }
  }
  b.node("Cast", {"mask"}, {"m"});
  b.output("m", {1, 4}, onnx::TensorProto::FLOAT);
  const Error e = error_of([&] { b.import(); });
  CHECK(e.code() == Errc::unsupported_op);
  CHECK_THAT(std::string(e.what()), Catch::Contains("mask") && Catch::Contains("drop"));
}

TEST_CASE("import: Softmax before opset 13 gets legacy_2d") {
  for (int64_t opset : {12, 13}) {
    OnnxBuilder b(opset);
    b.input("x", {2, 3, 4});
    b.node("Softmax", {"x"}, {"y"});
    b.output("y", {2, 3, 4});
    const Graph g = b.import();
    CHECK(g.nodes[0].attr_i("legacy_2d", 0) == (opset < 13 ? 1 : 0));
  }
}

TEST_CASE("import: malformed graphs are rejected with the name at fault") {
  SECTION("an input nobody produces") {
    OnnxBuilder b;
    b.input("x", {1, 4});
    b.node("Add", {"x", "ghost"}, {"y"});
    b.output("y", {1, 4});
    const Error e = error_of([&] { b.import(); });
    CHECK(e.code() == Errc::invalid_model);
    CHECK_THAT(std::string(e.what()), Catch::Contains("'ghost'"));
  }
  SECTION("raw_data shorter than the dims") {
    OnnxBuilder b;
    b.input("x", {1, 4});
    b.f32("w", {4}, {1, 2, 3, 4})->mutable_raw_data()->resize(12);
    b.node("Add", {"x", "w"}, {"y"});
    b.output("y", {1, 4});
    const Error e = error_of([&] { b.import(); });
    CHECK(e.code() == Errc::invalid_model);
    CHECK_THAT(std::string(e.what()), Catch::Contains("'w'"));
  }
  SECTION("dims whose product overflows") {
    OnnxBuilder b;
    b.input("x", {1, 4});
    auto* t = b.f32("w", {}, {});
    for (int i = 0; i < 4; ++i) t->add_dims(int64_t{1} << 40);
    b.node("Add", {"x", "w"}, {"y"});
    b.output("y", {1, 4});
    CHECK(error_of([&] { b.import(); }).code() == Errc::shape_overflow);
  }
  SECTION("a double initializer") {
    OnnxBuilder b;
    b.input("x", {1, 4});
    auto* t = b.graph().add_initializer();
    t->set_name("d");
    t->set_data_type(onnx::TensorProto::DOUBLE);
    t->add_dims(1);
    t->add_double_data(1.0);
    b.node("Add", {"x", "d"}, {"y"});
    b.output("y", {1, 4});
    const Error e = error_of([&] { b.import(); });
    CHECK(e.code() == Errc::invalid_model);
    CHECK_THAT(std::string(e.what()), Catch::Contains("DOUBLE"));
  }
  SECTION("a graph input without a shape") {
    OnnxBuilder b;
    b.graph().add_input()->set_name("x");
    b.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    b.node("Relu", {"x"}, {"y"});
    b.output("y", {1, 4});
    CHECK(error_of([&] { b.import(); }).code() == Errc::invalid_model);
  }
}

TEST_CASE("import: external data is confined to the model directory") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "qcomp_test_import_external";
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  const std::vector<float> w = {1, 2, 3, 4};
  {
    std::ofstream f(dir / "sub" / "weights.bin", std::ios::binary);
    const float pad = 0;
    f.write(reinterpret_cast<const char*>(&pad), 4);
    f.write(reinterpret_cast<const char*>(w.data()), 16);
  }
  auto model_with_location = [&](const std::string& location, const std::string& length) {
    OnnxBuilder b;
    b.input("x", {1, 4});
    auto* t = b.graph().add_initializer();
    t->set_name("w");
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_dims(4);
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto add_kv = [&](const char* k, const std::string& v) {
      auto* e = t->add_external_data();
      e->set_key(k);
      e->set_value(v);
    };
    add_kv("location", location);
    add_kv("offset", "4");
    if (!length.empty()) add_kv("length", length);
    b.node("Add", {"x", "w"}, {"y"});
    b.output("y", {1, 4});
    const fs::path path = dir / "model.onnx";
    std::ofstream(path, std::ios::binary) << b.bytes();
    return path.string();
  };

  const Graph g = import_onnx_file(model_with_location("sub/weights.bin", "16"));
  CHECK(f32_of(g.values[g.find_value("w")]) == w);

  for (const std::string bad : {"../outside.bin", "sub/../../outside.bin", "/etc/passwd"}) {
    const Error e = error_of([&] { import_onnx_file(model_with_location(bad, "")); });
    CHECK(e.code() == Errc::invalid_model);
    CHECK_THAT(std::string(e.what()), Catch::Contains("'w'"));
  }
  CHECK(error_of([&] { import_onnx_file(model_with_location("sub/weights.bin", "12")); }).code() ==
        Errc::invalid_model);
  {
    const std::string path = model_with_location("sub/weights.bin", "");
    fs::resize_file(dir / "sub" / "weights.bin", 10);
    CHECK(error_of([&] { import_onnx_file(path); }).code() == Errc::invalid_model);
  }
  // From memory there is no directory to read from.
  OnnxBuilder b;
  b.input("x", {1, 4});
  auto* t = b.graph().add_initializer();
  t->set_name("w");
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_dims(4);
  t->set_data_location(onnx::TensorProto::EXTERNAL);
  b.node("Add", {"x", "w"}, {"y"});
  b.output("y", {1, 4});
  CHECK(error_of([&] { b.import(); }).code() == Errc::invalid_model);
  fs::remove_all(dir);
}

TEST_CASE("import: the project's fixture models import") {
  namespace fs = std::filesystem;
  const fs::path models = fs::path(__FILE__).parent_path().parent_path().parent_path() / "models";
  int imported = 0;
  for (const char* rel : {"lenet300.onnx", "lenet5.onnx", "extra/mlp.onnx", "extra/lenet_style.onnx",
                          "extra/resnet_style.onnx", "extra/resnet_style_op11.onnx", "extra/resnet_style_op17.onnx",
                          "extra/resnet_style_view.onnx"}) {
    const fs::path p = models / rel;
    if (!fs::exists(p)) continue;
    INFO(p.string());
    const ImportedModel m = import_onnx_model_file(p.string());
    CHECK(!m.graph.nodes.empty());
    CHECK(m.graph.inputs.size() == 1);
    CHECK(m.graph.outputs.size() == 1);
    ++imported;
  }
  WARN("imported " << imported << " fixture models");
}

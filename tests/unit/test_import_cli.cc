// qcomp CLI pieces: argument parsing, metadata, atomic output, convert + inspect
// end to end through the bundle format and the runtime.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "format/bundle.h"
#include "format/json.h"
#include "passes/builtin_passes.h"
#include "test_import_onnx_builder.h"
#include "tools/args.h"
#include "tools/atomic_file.h"
#include "tools/commands.h"
#include "tools/file_io.h"
#include "tools/model_metadata.h"

using namespace qc;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path models_dir() { return fs::path(__FILE__).parent_path().parent_path().parent_path() / "models"; }

// Sends stdout to /dev/null while alive (the commands print their reports).
class QuietStdout {
 public:
  QuietStdout() {
    std::fflush(stdout);
    saved_ = ::dup(1);
    std::FILE* null = std::fopen("/dev/null", "w");
    ::dup2(fileno(null), 1);
    std::fclose(null);
  }
  ~QuietStdout() {
    std::fflush(stdout);
    ::dup2(saved_, 1);
    ::close(saved_);
  }

 private:
  int saved_;
};

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("cli: numeric options are parsed strictly and name the option") {
  const ArgSpec spec{{"--max-drop", "--batch"}, {}, {}};
  CHECK(parse_args({"--max-drop", "0.25"}, spec).number("--max-drop", 1) == 0.25);
  CHECK(parse_args({}, spec).number("--max-drop", 1.5) == 1.5);
  CHECK(parse_args({"--batch", "32"}, spec).count("--batch", 1, 1) == 32);
  CHECK(parse_args({}, spec).count("--batch", 7, 1) == 7);
  for (const char* bad : {"", "1x", "nan", "inf", "1e999"})
    CHECK_THROWS_WITH(parse_args({"--max-drop", bad}, spec).number("--max-drop", 0),
                      Catch::Contains("--max-drop") && Catch::Contains("not a finite number"));
  for (const char* bad : {"", "0", "-3", "2.5", "99999999999999999999"})
    CHECK_THROWS_WITH(parse_args({"--batch", bad}, spec).count("--batch", 1, 1),
                      Catch::Contains("--batch") && Catch::Contains("not an integer >= 1"));
}

TEST_CASE("cli: argument parsing") {
  ArgSpec spec;
  spec.value_options = {"-o", "--output", "--name"};
  spec.flags = {"--json"};
  spec.aliases = {{"-o", "--output"}};
  const ParsedArgs a = parse_args({"in.onnx", "-o", "out.qcb", "--name=model", "--json"}, spec);
  CHECK(a.positional == std::vector<std::string>{"in.onnx"});
  CHECK(a.get("--output") == "out.qcb");
  CHECK(a.get("--name") == "model");
  CHECK(a.flag("--json"));
  CHECK(parse_args({"--", "-weird-name"}, spec).positional == std::vector<std::string>{"-weird-name"});
  CHECK_THROWS_AS(parse_args({"--bogus"}, spec), UsageError);
  CHECK_THROWS_AS(parse_args({"-o"}, spec), UsageError);
  CHECK_THROWS_AS(parse_args({"-o", "a", "--output", "b"}, spec), UsageError);
  CHECK_THROWS_AS(parse_args({"--json=1"}, spec), UsageError);
}

TEST_CASE("cli: --preprocess and labels files") {
  const Preprocess p = parse_preprocess("scale=0.5,std=0.25");
  CHECK(p.scale == 0.5);
  CHECK(p.mean == 0);
  CHECK(p.std == 0.25);
  CHECK_THROWS_AS(parse_preprocess("scale=abc"), UsageError);
  CHECK_THROWS_AS(parse_preprocess("gamma=1"), UsageError);
  CHECK_THROWS_AS(parse_preprocess("std=0"), UsageError);
  CHECK_THROWS_AS(parse_preprocess("mean=inf"), UsageError);

  const fs::path dir = fresh_dir("qcomp_test_cli_labels");
  std::ofstream(dir / "labels.txt") << "cat\r\ndog\n\nbird\n\n";
  CHECK(read_labels_file((dir / "labels.txt").string()) == std::vector<std::string>{"cat", "dog", "", "bird"});
  std::ofstream(dir / "bad.txt") << "ok\n\xff\xfe\n";
  CHECK_THROWS_AS(read_labels_file((dir / "bad.txt").string()), Error);
  fs::remove_all(dir);
}

TEST_CASE("cli: atomic writes replace whole files and leave nothing behind on failure") {
  const fs::path dir = fresh_dir("qcomp_test_cli_atomic");
  const std::string out = (dir / "out.bin").string();
  write_file_atomic(out, std::vector<uint8_t>{1, 2, 3});
  write_file_atomic(out, std::vector<uint8_t>{4, 5});
  CHECK(read_file_bytes(out) == std::vector<uint8_t>{4, 5});
  CHECK(files_in(dir) == std::vector<std::string>{"out.bin"});
  CHECK_THROWS_AS(write_file_atomic((dir / "missing_dir" / "x.bin").string(), std::vector<uint8_t>{1}), Error);
  fs::create_directory(dir / "a_directory");
  CHECK_THROWS_AS(write_file_atomic((dir / "a_directory").string(), std::vector<uint8_t>{1}), Error);
  CHECK(files_in(dir) == std::vector<std::string>{"a_directory", "out.bin"});
  CHECK(same_file(out, (dir / "." / "out.bin").string()));
  fs::create_symlink(dir / "out.bin", dir / "link.bin");
  CHECK(same_file(out, (dir / "link.bin").string()));
  CHECK_FALSE(same_file(out, (dir / "nonexistent").string()));
  fs::remove_all(dir);
}

TEST_CASE("cli: metadata describes I/O, labels, preprocessing and the compression report") {
  qc::testing::OnnxBuilder b;
  b.input("x", {-1, 3});
  b.f32("W", {2, 3}, {1, 2, 3, 4, 5, 6});
  auto* n = b.node("Gemm", {"x", "W"}, {"y"});
  qc::testing::OnnxBuilder::attr_i(n, "transB", 1);
  b.output("y", {-1, 2});
  const ImportedModel m = b.import_model();
  ModelDescription d;
  d.name = "tiny";
  d.source_file = "tiny.onnx";
  d.opset = m.opset;
  d.producer = m.producer;
  d.labels = {"a", "b"};
  d.onnx_bytes = 100;
  d.bundle_bytes = 200;
  const Json j = Json::parse(build_metadata(m.graph, d).dump());
  CHECK(j.find("format")->as_string() == "qcb");
  CHECK(j.find("model")->find("opset")->as_int() == 13);
  CHECK(j.find("inputs")->items()[0].find("dims")->items()[0].as_int() == -1);
  CHECK(j.find("outputs")->items()[0].find("name")->as_string() == "y");
  CHECK(j.find("labels")->size() == 2);
  CHECK(j.find("preprocess")->find("std")->as_number() == 1);
  const Json* c = j.find("compression");
  CHECK(c->find("parameters")->as_int() == 6);
  CHECK(c->find("layers")->items()[0].find("tensor")->as_string() == "W");
  CHECK(c->find("layers")->items()[0].find("scheme")->as_string() == "dense");
  CHECK(c->find("layers")->items()[0].find("bytes")->as_int() == 24);
  d.labels.clear();
  CHECK(Json::parse(build_metadata(m.graph, d).dump()).find("labels") == nullptr);
}

TEST_CASE("cli: convert writes a bundle that inspects clean and runs like the ONNX model") {
  const fs::path onnx = models_dir() / "extra" / "lenet_style.onnx";
  if (!fs::exists(onnx)) {
    WARN("fixture " << onnx.string() << " not found; skipped");
    return;
  }
  const fs::path dir = fresh_dir("qcomp_test_cli_convert");
  const std::string out = (dir / "m.qcb").string();
  {
    QuietStdout quiet;
    CHECK(run_convert_command({onnx.string(), "-o", out, "--name", "lenet", "--preprocess", "scale=0.5"}) == 0);
    CHECK(run_inspect_command({out}) == 0);
    CHECK(run_inspect_command({out, "--json"}) == 0);
  }
  CHECK(files_in(dir) == std::vector<std::string>{"m.qcb"});

  const AlignedBuffer bytes = read_file_aligned(out);
  const Bundle bundle = read_bundle({bytes.data(), bytes.size()});
  const Json meta = Json::parse(bundle.metadata_json);
  CHECK(meta.find("model")->find("name")->as_string() == "lenet");
  CHECK(meta.find("model")->find("source")->as_string() == "lenet_style.onnx");
  CHECK(meta.find("preprocess")->find("scale")->as_number() == 0.5);
  CHECK(meta.find("compression")->find("bundle_bytes")->as_int() == static_cast<int64_t>(bytes.size()));
  CHECK(meta.find("compression")->find("onnx_bytes")->as_int() == static_cast<int64_t>(fs::file_size(onnx)));

  const auto in = qc::testing::read_npy_f32((models_dir() / "extra" / "lenet_style.input.npy").string());
  const auto expected = qc::testing::read_npy_f32((models_dir() / "extra" / "lenet_style.output.npy").string());
  const auto got = qc::testing::run_graph(bundle.graph, in.data, in.dims);
  REQUIRE(got.size() == expected.data.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expected.data[i]).margin(1e-4));

  // Refusals: output == input, unsupported model; a failed conversion leaves no file.
  CHECK_THROWS_AS(run_convert_command({out, "-o", out}), UsageError);
  const std::string junk = (dir / "junk.onnx").string();
  std::ofstream(junk) << "not a model";
  const std::string failed = (dir / "failed.qcb").string();
  CHECK_THROWS_AS(run_convert_command({junk, "-o", failed}), Error);
  CHECK_FALSE(fs::exists(failed));
  CHECK(files_in(dir) == std::vector<std::string>{"junk.onnx", "m.qcb"});
  fs::remove_all(dir);
}

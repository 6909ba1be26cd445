// Evaluation: metrics on hand-made logits, and the fixture models run natively on
// the committed 1000-image subset against torch's logits and recorded accuracy.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "data/dataset.h"
#include "eval/evaluate.h"
#include "format/bundle.h"
#include "format/json.h"
#include "tools/file_io.h"

using namespace qc;
namespace fs = std::filesystem;

namespace {

fs::path models_dir() { return fs::path(__FILE__).parent_path().parent_path().parent_path() / "models"; }
std::string subset_images() { return (models_dir() / "data/test1000-images-idx3-ubyte.gz").string(); }
std::string subset_labels() { return (models_dir() / "data/test1000-labels-idx1-ubyte.gz").string(); }

Json fixtures() {
  const std::vector<uint8_t> b = read_file_bytes((models_dir() / "fixtures.json").string());
  return Json::parse(std::string(b.begin(), b.end()));
}

EvalOptions quiet() {
  EvalOptions o;
  o.progress = false;
  return o;
}

const Preprocess kPixelScale{1.0 / 255, 0, 1};

}  // namespace

TEST_CASE("compute_metrics: accuracy, top-5, agreement, logit errors", "[eval]") {
  // 3 items x 6 classes.
  const std::vector<float> logits = {
      9, 1, 2, 3, 4, 5,   // argmax 0
      0, 1, 2, 3, 4, 5,   // argmax 5; class 0 is last (rank 5: not in top-5)
      1, 7, 7, 0, 0, 0,   // tie 1/2: first index wins
  };
  const std::vector<int64_t> labels = {0, 0, 2};
  const EvalMetrics m = compute_metrics(logits, 6, labels, nullptr);
  CHECK(m.count == 3);
  CHECK(m.accuracy == Approx(1.0 / 3));
  CHECK(m.top5 == Approx(2.0 / 3));
  CHECK(m.agreement == -1);
  CHECK(m.max_logit_error == -1);
  CHECK(m.mean_logit_error == -1);

  std::vector<float> ref = logits;
  ref[0] = 0;     // item 0 argmax moves to 5; error 9
  ref[7] += 0.5;  // item 1 unchanged argmax; error 0.5
  const EvalMetrics r = compute_metrics(logits, 6, labels, &ref);
  CHECK(r.agreement == Approx(2.0 / 3));
  CHECK(r.max_logit_error == Approx(9));
  CHECK(r.mean_logit_error == Approx(9.5 / 18));
  CHECK(r.accuracy == m.accuracy);

  const EvalMetrics no_labels = compute_metrics(logits, 6, {}, &ref);
  CHECK(no_labels.accuracy == -1);
  CHECK(no_labels.top5 == -1);

  // Fewer than 5 classes: top-5 always holds.
  CHECK(compute_metrics({0, 1, 1, 0}, 2, {0, 0}, nullptr).top5 == 1);
}

TEST_CASE("compute_metrics rejects inconsistent inputs", "[eval]") {
  const std::vector<float> logits = {1, 2, 3, 4};
  CHECK_THROWS_AS(compute_metrics(logits, 3, {}, nullptr), Error);
  CHECK_THROWS_WITH(compute_metrics(logits, 2, {0}, nullptr), Catch::Contains("1 labels for 2 items"));
  CHECK_THROWS_WITH(compute_metrics(logits, 2, {0, 2}, nullptr), Catch::Contains("label 2 of item 1"));
  const std::vector<float> short_ref = {1, 2};
  CHECK_THROWS_WITH(compute_metrics(logits, 2, {}, &short_ref), Catch::Contains("reference"));
}

TEST_CASE("preprocess_from_metadata", "[eval]") {
  const Preprocess p = preprocess_from_metadata(R"({"preprocess": {"scale": 0.5, "mean": 0.25, "std": 2}})");
  CHECK(p.scale == 0.5);
  CHECK(p.mean == 0.25);
  CHECK(p.std == 2);
  const Preprocess d = preprocess_from_metadata(R"({"model": {}})");
  CHECK(d.scale == 1);
  CHECK(d.std == 1);
  CHECK(preprocess_from_metadata("").mean == 0);
  CHECK_THROWS_AS(preprocess_from_metadata(R"({"preprocess": {"std": 0}})"), Error);
  CHECK_THROWS_AS(preprocess_from_metadata(R"({"preprocess": {"scale": "x"}})"), Error);
  CHECK_THROWS_AS(preprocess_from_metadata("{"), Error);
}

TEST_CASE("fixture models on the 1000-image subset match torch", "[eval][fixtures]") {
  const Json fx = fixtures();
  const Dataset images = load_dataset(subset_images());
  const std::vector<int64_t> labels = load_labels(subset_labels());
  REQUIRE(images.count == 1000);
  REQUIRE(images.item_dims == std::vector<int64_t>{28, 28});
  REQUIRE(labels.size() == 1000);

  for (const std::string name : {"lenet300", "lenet5"}) {
    const fs::path onnx = models_dir() / (name + ".onnx");
    const fs::path ref_path = models_dir() / "data" / (name + "-logits1000.npy");
    if (!fs::exists(onnx) || !fs::exists(ref_path)) continue;
    INFO("model " << name);
    const LoadedModel m = load_model_for_eval(onnx.string());
    CHECK_FALSE(m.from_bundle);
    int64_t classes = 0;
    const std::vector<float> logits = run_logits(m.graph(), images, kPixelScale, quiet(), &classes);
    REQUIRE(classes == 10);
    REQUIRE(logits.size() == 10000);

    const Dataset ref = load_dataset(ref_path.string());
    REQUIRE(ref.count == 1000);
    const EvalMetrics e = compute_metrics(logits, classes, labels, &ref.values);
    CHECK(e.max_logit_error < 1e-4);
    CHECK(e.agreement == 1.0);
    CHECK(e.accuracy == compute_metrics(ref.values, 10, labels, nullptr).accuracy);
    CHECK(e.top5 >= e.accuracy);
    const Json* rec = fx.find("models") ? fx.find("models")->find(name) : nullptr;
    if (rec && rec->find("subset_accuracy_1000"))
      CHECK(e.accuracy == Approx(rec->find("subset_accuracy_1000")->as_number()).margin(1e-9));
    else if (name == "lenet300")
      FAIL("models/fixtures.json records no subset_accuracy_1000 for lenet300");
  }
}

TEST_CASE("a .qcb bundle evaluates like its ONNX source, batch size does not matter", "[eval]") {
  const LoadedModel onnx = load_model_for_eval((models_dir() / "lenet300.onnx").string());
  const fs::path dir = fs::temp_directory_path() / ("qcomp_test_eval_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string qcb = (dir / "m.qcb").string();
  const std::vector<uint8_t> bytes =
      write_bundle(onnx.graph(), R"({"preprocess": {"scale": 0.00392156862745098, "mean": 0, "std": 1}})");
  std::ofstream(qcb, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());

  const LoadedModel bundle = load_model_for_eval(qcb);
  CHECK(bundle.from_bundle);
  const Preprocess p = preprocess_from_metadata(bundle.metadata_json);
  CHECK(p.scale == Approx(1.0 / 255));

  const Dataset images = load_dataset(subset_images(), 37);
  int64_t c1 = 0, c2 = 0;
  EvalOptions o = quiet();
  const std::vector<float> a = run_logits(onnx.graph(), images, kPixelScale, o, &c1);
  o.batch = 8;  // 37 = 4 full batches + a partial one
  const std::vector<float> b = run_logits(bundle.graph(), images, p, o, &c2);
  CHECK(c1 == c2);
  REQUIRE(a.size() == 370);
  REQUIRE(b.size() == a.size());
  for (size_t i = 0; i < a.size(); ++i) CHECK(b[i] == Approx(a[i]).margin(1e-5));

  // A moved-from model's graph stays valid in the new owner.
  LoadedModel moved = load_model_for_eval(qcb);
  LoadedModel target = std::move(moved);
  CHECK(target.graph().nodes.size() == bundle.graph().nodes.size());

  CHECK(median_latency_ms(bundle.graph(), 1, 3) > 0);
  CHECK(median_latency_ms(bundle.graph(), 32, 3) > 0);
  fs::remove_all(dir);
}

TEST_CASE("evaluation errors name the file at fault", "[eval]") {
  const LoadedModel m = load_model_for_eval((models_dir() / "lenet300.onnx").string());
  Dataset wrong;
  wrong.path = "wrong.npy";
  wrong.item_dims = {10, 10};
  wrong.count = 2;
  wrong.values.assign(200, 0.0f);
  int64_t classes = 0;
  try {
    run_logits(m.graph(), wrong, {}, quiet(), &classes);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::shape_mismatch);
    CHECK_THAT(e.what(), Catch::Contains("dataset wrong.npy items have 100 values, model input 'input' expects 784"));
  }
  const fs::path dir = fs::temp_directory_path() / ("qcomp_test_eval_bad_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string fake = (dir / "fake.qcb").string();
  std::ofstream(fake, std::ios::binary) << std::string(200, 'x');
  CHECK_THROWS_WITH(load_model_for_eval(fake), Catch::Contains("fake.qcb") && Catch::Contains("magic"));
  const std::string garbage = (dir / "garbage.onnx").string();
  std::ofstream(garbage, std::ios::binary) << "\x01\x02\x03 garbage";
  CHECK_THROWS_WITH(load_model_for_eval(garbage), Catch::Contains("garbage.onnx"));
  CHECK_THROWS_AS(load_model_for_eval((dir / "missing.onnx").string()), Error);
  fs::remove_all(dir);
}

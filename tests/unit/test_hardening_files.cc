// File safety of the converter: a signal during an atomic write leaves neither the
// temporary nor a partial output; model and external-data reads refuse FIFOs,
// devices, symlinks out of the model directory and over-deep protobuf nesting.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "common/error.h"
#include "import/onnx_importer.h"
#include "test_import_onnx_builder.h"
#include "tools/atomic_file.h"
#include "tools/file_io.h"

namespace fs = std::filesystem;
using namespace qc;

namespace {

fs::path fresh(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

Errc code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return Errc::ok;
}

}  // namespace

TEST_CASE("hardening: a signal during an atomic write removes the temporary and writes nothing") {
  for (int sig : {SIGTERM, SIGINT}) {
    const fs::path dir = fresh("qcomp_test_atomic_signal");
    const std::string out = (dir / "model.qcb").string();
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::signal(sig, SIG_DFL);  // as an interactive shell would start it
      // Large enough that the write is still going when the parent sees the temporary.
      std::vector<uint8_t> big(size_t(256) << 20, 0x5A);
      for (int round = 0; round < 64; ++round) write_file_atomic(out, big);
      ::_exit(0);
    }
    // Wait for the temporary file to appear, then interrupt the write.
    bool seen = false;
    for (int i = 0; i < 4000 && !seen; ++i) {
      for (const auto& n : names_in(dir)) seen = seen || n.find(".tmp-") != std::string::npos;
      if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(seen);
    ::kill(child, sig);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == sig);
    // No temporary left; the output is absent or (if a round finished) whole.
    for (const auto& n : names_in(dir)) {
      CHECK(n == "model.qcb");
      CHECK(fs::file_size(dir / n) == (size_t(256) << 20));
    }
    fs::remove_all(dir);
  }
}

TEST_CASE("hardening: reading a model refuses FIFOs, devices and directories without blocking") {
  const fs::path dir = fresh("qcomp_test_special_files");
  REQUIRE(::mkfifo((dir / "pipe.onnx").c_str(), 0600) == 0);
  CHECK(code_of([&] { import_onnx_model_file((dir / "pipe.onnx").string()); }) == Errc::io);
  CHECK(code_of([&] { read_file_bytes("/dev/zero"); }) == Errc::io);
  CHECK(code_of([&] { read_file_aligned(dir.string()); }) == Errc::io);
  // A (sparse) 2 GiB model is refused from its size, before 2 GiB are read into memory.
  { std::ofstream(dir / "huge.onnx"); }
  fs::resize_file(dir / "huge.onnx", uintmax_t{1} << 31);
  CHECK(code_of([&] { import_onnx_model_file((dir / "huge.onnx").string()); }) == Errc::onnx_parse);
  fs::remove_all(dir);
}

namespace {

// x[1,4] + w, with w's 16 bytes stored externally at `location`.
std::string model_with_external(const fs::path& dir, const std::string& location) {
  qc::testing::OnnxBuilder b;
  b.input("x", {1, 4});
  auto* t = b.graph().add_initializer();
  t->set_name("w");
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_dims(4);
  t->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* e = t->add_external_data();
  e->set_key("location");
  e->set_value(location);
  b.node("Add", {"x", "w"}, {"y"});
  b.output("y", {1, 4});
  const fs::path path = dir / "model.onnx";
  std::ofstream(path, std::ios::binary) << b.bytes();
  return path.string();
}

}  // namespace

TEST_CASE("hardening: external data may not be a FIFO, a device, or a symlink leading out") {
  const fs::path root = fresh("qcomp_test_external_special");
  const fs::path dir = root / "model";
  fs::create_directories(dir / "sub");
  {
    std::ofstream f(root / "secret.bin", std::ios::binary);
    f << std::string(16, 'S');
    std::ofstream g(dir / "sub" / "ok.bin", std::ios::binary);
    g << std::string(16, '\0');
  }
  // Inside, plain and through a symlink that stays inside: accepted.
  CHECK(code_of([&] { import_onnx_file(model_with_external(dir, "sub/ok.bin")); }) == Errc::ok);
  fs::create_symlink("sub/ok.bin", dir / "inside_link.bin");
  CHECK(code_of([&] { import_onnx_file(model_with_external(dir, "inside_link.bin")); }) == Errc::ok);
  // A symlink (file or directory) leading out of the model directory: refused.
  fs::create_symlink(root / "secret.bin", dir / "out_link.bin");
  CHECK(code_of([&] { import_onnx_file(model_with_external(dir, "out_link.bin")); }) == Errc::invalid_model);
  fs::create_directory_symlink(root, dir / "up");
  CHECK(code_of([&] { import_onnx_file(model_with_external(dir, "up/secret.bin")); }) == Errc::invalid_model);
  // A FIFO would block a plain open; a device has no end: both refused as non-regular.
  REQUIRE(::mkfifo((dir / "pipe.bin").c_str(), 0600) == 0);
  CHECK(code_of([&] { import_onnx_file(model_with_external(dir, "pipe.bin")); }) == Errc::invalid_model);
  fs::create_symlink("/dev/zero", dir / "zero.bin");
  CHECK(code_of([&] { import_onnx_file(model_with_external(dir, "zero.bin")); }) == Errc::invalid_model);
  // A directory is not data either.
  CHECK(code_of([&] { import_onnx_file(model_with_external(dir, "sub")); }) != Errc::ok);
  // Absolute, '..', backslash and drive-letter forms.
  for (const std::string bad : {"/etc/passwd", "../secret.bin", "sub/../../secret.bin", "..\\secret.bin", "C:secret.bin"})
    CHECK(code_of([&] { import_onnx_file(model_with_external(dir, bad)); }) == Errc::invalid_model);
  fs::remove_all(root);
}

TEST_CASE("hardening: protobuf nesting deeper than the limit is a parse error, not a stack overflow") {
  // NodeProto.attribute(5) -> AttributeProto.g(6) -> GraphProto.node(1) -> ... nested 20000 times.
  std::string inner;  // an empty graph
  for (int depth = 0; depth < 20000; ++depth) {
    auto wrap = [](int field, const std::string& payload) {
      std::string out;
      uint32_t key = static_cast<uint32_t>(field << 3 | 2);
      out.push_back(static_cast<char>(key));
      uint64_t n = payload.size();
      while (n >= 0x80) {
        out.push_back(static_cast<char>(n | 0x80));
        n >>= 7;
      }
      out.push_back(static_cast<char>(n));
      return out + payload;
    };
    inner = wrap(1, wrap(5, wrap(6, inner)));  // graph.node -> node.attribute -> attribute.g
    if (inner.size() > (8u << 20)) break;
  }
  std::string model = std::string("\x08\x08", 2);  // ir_version 8
  model += "\x3a";                                   // field 7 (graph), length-delimited
  uint64_t n = inner.size();
  while (n >= 0x80) {
    model.push_back(static_cast<char>(n | 0x80));
    n >>= 7;
  }
  model.push_back(static_cast<char>(n));
  model += inner;
  const auto* p = reinterpret_cast<const uint8_t*>(model.data());
  CHECK(code_of([&] { import_onnx_bytes(std::span<const uint8_t>(p, model.size()), "deep.onnx"); }) == Errc::onnx_parse);
}

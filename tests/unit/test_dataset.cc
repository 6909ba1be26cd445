// Dataset readers: IDX and NPY parsing (plain and gzip'ed), limits, and clean
// errors for missing, truncated, malformed, overflowing and empty files.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "data/dataset.h"

using namespace qc;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<uint8_t>;

// A scratch directory removed when the test binary exits.
struct ScratchDir {
  fs::path path = fs::temp_directory_path() / ("qcomp_test_dataset_" + std::to_string(::getpid()));
  ScratchDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

fs::path test_dir() {
  static const ScratchDir dir;
  return dir.path;
}

std::string write_file(const std::string& name, const Bytes& bytes) {
  const fs::path p = test_dir() / name;
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return p.string();
}

Bytes gzip_bytes(const Bytes& raw) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  Bytes out(deflateBound(&z, raw.size()) + 64);
  z.next_in = const_cast<Bytef*>(raw.data());
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

void put_be32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

Bytes idx_header(uint8_t type, const std::vector<uint32_t>& dims) {
  Bytes b = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) put_be32(b, d);
  return b;
}

Bytes idx_u8(const std::vector<uint32_t>& dims, const Bytes& data) {
  Bytes b = idx_header(0x08, dims);
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

Bytes npy(const std::string& descr, const std::string& shape, const Bytes& data, int version = 1,
          const std::string& order = "False") {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }";
  const size_t prefix = version == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  Bytes b = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(version), 0};
  const size_t n = header.size();
  b.push_back(n & 0xff);
  b.push_back((n >> 8) & 0xff);
  if (version != 1) {
    b.push_back((n >> 16) & 0xff);
    b.push_back((n >> 24) & 0xff);
  }
  b.insert(b.end(), header.begin(), header.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

template <class T> Bytes le_bytes(const std::vector<T>& v) {
  Bytes b(v.size() * sizeof(T));
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

Bytes iota_bytes(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 7 + 3);
  return b;
}

// Runs f and returns the qc::Error it throws (fails the test if none).
template <class F> Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no qc::Error thrown");
  return Error(Errc::ok, "");
}

}  // namespace

TEST_CASE("IDX u8 images load as raw 0..255 floats", "[dataset]") {
  const Bytes pixels = iota_bytes(3 * 2 * 4);
  const std::string path = write_file("img.idx", idx_u8({3, 2, 4}, pixels));
  const Dataset d = load_dataset(path);
  CHECK(d.count == 3);
  CHECK(d.item_dims == std::vector<int64_t>{2, 4});
  CHECK(d.item_size() == 8);
  REQUIRE(d.values.size() == pixels.size());
  for (size_t i = 0; i < pixels.size(); ++i) CHECK(d.values[i] == static_cast<float>(pixels[i]));
  CHECK(d.item(2)[0] == static_cast<float>(pixels[16]));
  CHECK(d.path == path);
}

TEST_CASE("IDX limit, gzip and concatenated gzip members", "[dataset]") {
  const Bytes pixels = iota_bytes(5 * 3);
  const Bytes raw = idx_u8({5, 3}, pixels);
  const std::string gz = write_file("img3.idx.gz", gzip_bytes(raw));
  const Dataset all = load_dataset(gz);
  CHECK(all.count == 5);
  const Dataset two = load_dataset(gz, 2);
  CHECK(two.count == 2);
  CHECK(two.values == std::vector<float>(all.values.begin(), all.values.begin() + 6));
  CHECK(load_dataset(gz, 100).count == 5);

  const Bytes first(raw.begin(), raw.begin() + 10), second(raw.begin() + 10, raw.end());
  Bytes joined = gzip_bytes(first);
  const Bytes g2 = gzip_bytes(second);
  joined.insert(joined.end(), g2.begin(), g2.end());
  CHECK(load_dataset(write_file("joined.gz", joined)).values == all.values);
}

TEST_CASE("IDX big-endian f32 and i32 labels", "[dataset]") {
  Bytes b = idx_header(0x0D, {2, 2});
  for (float f : {1.5f, -2.0f, 0.25f, 1e6f}) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    put_be32(b, u);
  }
  const Dataset d = load_dataset(write_file("f32.idx", b));
  CHECK(d.values == std::vector<float>{1.5f, -2.0f, 0.25f, 1e6f});

  Bytes l = idx_header(0x0C, {3});
  for (uint32_t v : {7u, 0u, 300u}) put_be32(l, v);
  CHECK(load_labels(write_file("lab.idx", l)) == std::vector<int64_t>{7, 0, 300});
  CHECK(load_labels(write_file("lab.idx", l), 2) == std::vector<int64_t>{7, 0});

  const Bytes u8labels = idx_u8({4}, {1, 2, 3, 9});
  CHECK(load_labels(write_file("lab8.idx.gz", gzip_bytes(u8labels))) == std::vector<int64_t>{1, 2, 3, 9});
}

TEST_CASE("IDX errors name the file and the byte offset", "[dataset]") {
  SECTION("missing file") {
    const Error e = error_of([] { load_dataset((test_dir() / "nope.idx").string()); });
    CHECK(e.code() == Errc::io);
    CHECK_THAT(e.what(), Catch::Contains("nope.idx"));
  }
  SECTION("bad magic") {
    const std::string p = write_file("text.idx", Bytes{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
    const Error e = error_of([&] { load_dataset(p); });
    CHECK(e.code() == Errc::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("text.idx") && Catch::Contains("magic") && Catch::Contains("offset 0"));
  }
  SECTION("unknown element type") {
    const std::string p = write_file("type.idx", idx_header(0x42, {1}));
    CHECK_THAT(error_of([&] { load_dataset(p); }).what(), Catch::Contains("element type") && Catch::Contains("0x42"));
  }
  SECTION("truncated header") {
    Bytes b = idx_header(0x08, {2, 3, 4});
    b.resize(9);
    const std::string p = write_file("hdr.idx", b);
    const Error e = error_of([&] { load_dataset(p); });
    CHECK(e.code() == Errc::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("hdr.idx") && Catch::Contains("truncated"));
  }
  SECTION("truncated data") {
    Bytes b = idx_u8({3, 2, 2}, iota_bytes(12));
    b.resize(b.size() - 1);
    const std::string p = write_file("short.idx", b);
    const Error e = error_of([&] { load_dataset(p); });
    CHECK(e.code() == Errc::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("short.idx") && Catch::Contains("truncated") && Catch::Contains("offset 16"));
  }
  SECTION("trailing bytes") {
    Bytes b = idx_u8({1, 2}, {1, 2});
    b.push_back(0);
    CHECK_THAT(error_of([&] { load_dataset(write_file("long.idx", b)); }).what(), Catch::Contains("offset 14"));
  }
  SECTION("overflowing dims") {
    const std::string p = write_file("huge.idx", idx_header(0x0E, {0xffffffffu, 0xffffffffu, 0xffffffffu}));
    const Error e = error_of([&] { load_dataset(p); });
    CHECK(e.code() == Errc::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("huge.idx") && Catch::Contains("overflow"));
  }
  SECTION("huge dims that do not overflow are still truncated") {
    const std::string p = write_file("big.idx", idx_header(0x08, {60000, 28, 28}));
    CHECK_THAT(error_of([&] { load_dataset(p); }).what(), Catch::Contains("truncated"));
  }
  SECTION("empty dataset") {
    const std::string p = write_file("empty.idx", idx_header(0x08, {0, 28, 28}));
    const Error e = error_of([&] { load_dataset(p); });
    CHECK(e.code() == Errc::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("dataset " + p + " is empty"));
    CHECK_THAT(error_of([&] { load_labels(write_file("empty_l.idx", idx_header(0x08, {0}))); }).what(),
               Catch::Contains("is empty"));
  }
  SECTION("items of zero size") {
    CHECK_THAT(error_of([&] { load_dataset(write_file("zero.idx", idx_header(0x08, {5, 0}))); }).what(),
               Catch::Contains("is empty"));
  }
  SECTION("corrupt and truncated gzip") {
    Bytes gz = gzip_bytes(idx_u8({4, 4}, iota_bytes(16)));
    Bytes cut(gz.begin(), gz.begin() + gz.size() / 2);
    const Error e = error_of([&] { load_dataset(write_file("cut.gz", cut)); });
    CHECK(e.code() == Errc::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("cut.gz") && Catch::Contains("gzip"));
    Bytes bad = gz;
    for (size_t i = 10; i < bad.size() - 8; ++i) bad[i] ^= 0x5a;
    CHECK_THAT(error_of([&] { load_dataset(write_file("bad.gz", bad)); }).what(), Catch::Contains("gzip"));
    Bytes trailing = gz;
    trailing.push_back('x');
    CHECK_THAT(error_of([&] { load_dataset(write_file("trail.gz", trailing)); }).what(), Catch::Contains("trailing"));
  }
  SECTION("negative limit") {
    const std::string p = write_file("ok.idx", idx_u8({2, 1}, {1, 2}));
    CHECK(error_of([&] { load_dataset(p, -1); }).code() == Errc::invalid_argument);
  }
}

TEST_CASE("NPY arrays of several dtypes", "[dataset]") {
  SECTION("<f4 [2,1,3]") {
    const std::vector<float> v = {0, 1.5f, -2, 3, 4, 5.25f};
    const Dataset d = load_dataset(write_file("a.npy", npy("<f4", "(2, 1, 3)", le_bytes(v))));
    CHECK(d.count == 2);
    CHECK(d.item_dims == std::vector<int64_t>{1, 3});
    CHECK(d.values == v);
  }
  SECTION("|u1, gzip'ed, limit") {
    const Dataset d = load_dataset(write_file("u.npy.gz", gzip_bytes(npy("|u1", "(3, 2)", {0, 255, 7, 8, 9, 10}))), 2);
    CHECK(d.count == 2);
    CHECK(d.values == std::vector<float>{0, 255, 7, 8});
  }
  SECTION(">f8 and version 2 header") {
    Bytes be;
    for (double x : {1.25, -3.0}) {
      uint64_t u;
      std::memcpy(&u, &x, 8);
      for (int s = 56; s >= 0; s -= 8) be.push_back(static_cast<uint8_t>(u >> s));
    }
    const Dataset d = load_dataset(write_file("d.npy", npy(">f8", "(2,)", be, 2)));
    CHECK(d.item_dims.empty());
    CHECK(d.item_size() == 1);
    CHECK(d.values == std::vector<float>{1.25f, -3.0f});
  }
  SECTION("<f2 and <i2") {
    const std::vector<uint16_t> halves = {0x3c00, 0xc000, 0x3800};  // 1, -2, 0.5
    CHECK(load_dataset(write_file("h.npy", npy("<f2", "(3,)", le_bytes(halves)))).values ==
          std::vector<float>{1, -2, 0.5f});
    const std::vector<int16_t> shorts = {-300, 12};
    CHECK(load_dataset(write_file("s.npy", npy("<i2", "(1, 2)", le_bytes(shorts)))).values ==
          std::vector<float>{-300, 12});
  }
  SECTION("integer labels") {
    const std::vector<int64_t> labels = {3, 1, 4, 1, 5};
    CHECK(load_labels(write_file("l.npy", npy("<i8", "(5,)", le_bytes(labels)))) == labels);
    CHECK(load_labels(write_file("l2.npy", npy("<i8", "(5, 1)", le_bytes(labels))), 3) ==
          std::vector<int64_t>{3, 1, 4});
    const std::vector<float> fl = {2, 0};
    CHECK(load_labels(write_file("lf.npy", npy("<f4", "(2,)", le_bytes(fl)))) == std::vector<int64_t>{2, 0});
  }
}

TEST_CASE("NPY and label errors", "[dataset]") {
  SECTION("bad labels") {
    const std::vector<int64_t> neg = {1, -1};
    CHECK_THAT(error_of([&] { load_labels(write_file("neg.npy", npy("<i8", "(2,)", le_bytes(neg)))); }).what(),
               Catch::Contains("neg.npy") && Catch::Contains("label 1") && Catch::Contains("non-negative integer"));
    const std::vector<float> frac = {0.5f};
    CHECK_THAT(error_of([&] { load_labels(write_file("frac.npy", npy("<f4", "(1,)", le_bytes(frac)))); }).what(),
               Catch::Contains("label 0"));
    const std::vector<int32_t> wide(6, 1);
    CHECK_THAT(error_of([&] { load_labels(write_file("wide.npy", npy("<i4", "(2, 3)", le_bytes(wide)))); }).what(),
               Catch::Contains("1-D"));
  }
  SECTION("truncated data") {
    Bytes b = npy("<f4", "(4, 4)", Bytes(60));
    const Error e = error_of([&] { load_dataset(write_file("t.npy", b)); });
    CHECK(e.code() == Errc::invalid_argument);
    CHECK_THAT(e.what(), Catch::Contains("t.npy") && Catch::Contains("truncated") && Catch::Contains("offset 128"));
  }
  SECTION("header errors") {
    CHECK_THAT(error_of([&] { load_dataset(write_file("o.npy", npy("<U4", "(2,)", Bytes(32)))); }).what(),
               Catch::Contains("unsupported dtype '<U4'") && Catch::Contains("byte offset"));
    CHECK_THAT(error_of([&] { load_dataset(write_file("f.npy", npy("<f4", "(2, 2)", Bytes(16), 1, "True"))); }).what(),
               Catch::Contains("fortran_order"));
    CHECK_THAT(error_of([&] { load_dataset(write_file("x.npy", npy("<f4", "(2, x)", Bytes(16)))); }).what(),
               Catch::Contains("malformed NPY header") && Catch::Contains("expected a dimension"));
    CHECK_THAT(
        error_of([&] { load_dataset(write_file("ov.npy", npy("<f8", "(99999999999, 99999999999, 99999)", {}))); })
            .what(),
        Catch::Contains("overflow"));
    Bytes b = npy("<f4", "(1,)", Bytes(4));
    b.resize(40);
    CHECK_THAT(error_of([&] { load_dataset(write_file("h.npy", b)); }).what(), Catch::Contains("truncated NPY header"));
    b = npy("<f4", "(1,)", Bytes(4));
    b[6] = 9;
    CHECK_THAT(error_of([&] { load_dataset(write_file("v.npy", b)); }).what(), Catch::Contains("version 9"));
  }
  SECTION("empty") {
    CHECK_THAT(error_of([&] { load_dataset(write_file("e.npy", npy("<f4", "(0, 3)", {}))); }).what(),
               Catch::Contains("is empty"));
  }
}

// Bundle round trips: write -> read -> write is byte-identical; the reader's view
// of the graph equals the graph written; the writer rejects what the reader would.
#include <catch2/catch.hpp>

#include "format/json.h"
#include "schemes/scheme_table.h"
#include "test_format_util.h"

using namespace qc;
using namespace qc::test;

namespace {

bool attrs_equal(const Attr& a, const Attr& b) {
  return a.name == b.name && a.kind == b.kind && a.i == b.i && std::memcmp(&a.f, &b.f, 4) == 0 && a.s == b.s &&
         a.ints == b.ints && raw_bytes(a.floats) == raw_bytes(b.floats);
}

void require_same_graph(const Graph& a, const Graph& b) {
  REQUIRE(a.name == b.name);
  REQUIRE(a.inputs == b.inputs);
  REQUIRE(a.outputs == b.outputs);
  REQUIRE(a.values.size() == b.values.size());
  for (size_t i = 0; i < a.values.size(); ++i) {
    const Value &va = a.values[i], &vb = b.values[i];
    INFO("value " << i << " " << va.name);
    REQUIRE(va.name == vb.name);
    REQUIRE(va.dtype == vb.dtype);
    REQUIRE(va.dims == vb.dims);
    REQUIRE(va.constant.has_value() == vb.constant.has_value());
    if (!va.constant) continue;
    REQUIRE(va.constant->scheme == vb.constant->scheme);
    REQUIRE(va.constant->scheme_version == vb.constant->scheme_version);
    REQUIRE(va.constant->size == vb.constant->size);
    REQUIRE(va.constant->side_size == vb.constant->side_size);
    if (va.constant->size) REQUIRE(std::memcmp(va.constant->bytes, vb.constant->bytes, va.constant->size) == 0);
  }
  REQUIRE(a.nodes.size() == b.nodes.size());
  for (size_t k = 0; k < a.nodes.size(); ++k) {
    const Node &na = a.nodes[k], &nb = b.nodes[k];
    REQUIRE(na.op == nb.op);
    REQUIRE(na.name == nb.name);
    REQUIRE(na.inputs == nb.inputs);
    REQUIRE(na.outputs == nb.outputs);
    REQUIRE(na.attrs.size() == nb.attrs.size());
    for (size_t j = 0; j < na.attrs.size(); ++j) REQUIRE(attrs_equal(na.attrs[j], nb.attrs[j]));
  }
}

}  // namespace

TEST_CASE("bundle: write -> read -> write is byte-identical", "[format]") {
  const Graph g = sample_graph();
  const std::vector<uint8_t> first = write_bundle(g, kSampleMeta);
  REQUIRE(write_bundle(g, kSampleMeta) == first);  // deterministic

  AlignedBuffer buf{std::span<const uint8_t>(first)};
  const Bundle b = read_bundle(buf.span());
  REQUIRE(b.version_major == 1);
  REQUIRE(b.version_minor == 0);
  REQUIRE(b.flags == 0);
  REQUIRE(b.metadata_json == kSampleMeta);
  require_same_graph(g, b.graph);

  const std::vector<uint8_t> second = write_bundle(b.graph, b.metadata_json);
  REQUIRE(second == first);
}

TEST_CASE("bundle: constants are zero-copy views into the input", "[format]") {
  const Graph g = sample_graph();
  AlignedBuffer buf{std::span<const uint8_t>(write_bundle(g, kSampleMeta))};
  const Bundle b = read_bundle(buf.span());
  const uint8_t* begin = buf.data();
  const uint8_t* end = buf.data() + buf.size();
  int constants = 0;
  for (const Value& v : b.graph.values) {
    if (!v.constant) continue;
    ++constants;
    REQUIRE(v.constant->owner == nullptr);
    REQUIRE(v.constant->bytes >= begin);
    REQUIRE(v.constant->bytes + v.constant->size <= end);
    if (v.constant->size) REQUIRE(reinterpret_cast<uintptr_t>(v.constant->bytes) % 64 == 0);
  }
  REQUIRE(constants == 10);
  const int w = b.graph.find_value("w");
  REQUIRE(reinterpret_cast<const float*>(b.graph.values[w].constant->bytes)[11] == 12.0f);
}

TEST_CASE("bundle: section table, tensor records and hash are reported", "[format]") {
  const std::vector<uint8_t> file = write_bundle(sample_graph(), kSampleMeta);
  AlignedBuffer buf{std::span<const uint8_t>(file)};
  const Bundle b = read_bundle(buf.span());
  REQUIRE(b.sections.size() == 5);
  const char* names[] = {"meta", "graph", "tensors", "data", "integrity"};
  for (size_t i = 0; i < 5; ++i) {
    REQUIRE(b.sections[i].name == names[i]);
    REQUIRE(b.sections[i].offset % 64 == 0);
  }
  REQUIRE(b.sections[4].offset + 32 == file.size());
  REQUIRE(b.sha256 == sha256(std::span<const uint8_t>(file.data(), b.sections[4].offset)));
  REQUIRE(sha256_hex(b.sha256).size() == 64);

  REQUIRE(b.tensors.size() == 10);
  REQUIRE(b.tensors[0].name == "w");
  REQUIRE(b.tensors[0].dtype == DType::f32);
  REQUIRE(b.tensors[0].dims == std::vector<int64_t>{4, 3});
  REQUIRE(b.tensors[0].payload_size == 48);
  REQUIRE(b.tensors[0].payload_offset == b.sections[3].offset);
  REQUIRE(b.tensors[0].scheme == 0);
  for (const auto& t : b.tensors) {
    REQUIRE(t.side_size == 0);
    if (t.payload_size) REQUIRE(t.payload_offset % 64 == 0);
  }
}

TEST_CASE("bundle: a graph without constants and with empty metadata", "[format]") {
  Graph g;
  const int x = add_act(g, "x", DType::f32, {-1, -1});
  const int y = add_act(g, "y", DType::f32, {-1, -1});
  Node n;
  n.op = OpId::Relu;
  n.inputs = {x};
  n.outputs = {y};
  g.nodes.push_back(n);
  g.inputs = {x};
  g.outputs = {y};
  const auto file = write_bundle(g, "");
  AlignedBuffer buf{std::span<const uint8_t>(file)};
  const Bundle b = read_bundle(buf.span());
  REQUIRE(b.metadata_json == "{}");
  REQUIRE(b.tensors.empty());
  REQUIRE(b.sections[3].size == 0);
  require_same_graph(g, b.graph);
  REQUIRE(write_bundle(b.graph, b.metadata_json) == file);
}

TEST_CASE("bundle: the writer refuses what the reader would reject", "[format]") {
  auto code_of = [](const Graph& g, const std::string& meta) {
    try {
      (void)write_bundle(g, meta);
      return Errc::ok;
    } catch (const Error& e) {
      return e.code();
    }
  };
  REQUIRE(code_of(sample_graph(), kSampleMeta) == Errc::ok);
  REQUIRE(code_of(sample_graph(), "{\"a\":1,}") == Errc::bad_metadata);
  REQUIRE(code_of(sample_graph(), "[1,2]") == Errc::bad_metadata);
  REQUIRE(code_of(sample_graph({1LL << 40, 1LL << 40}), kSampleMeta) == Errc::shape_overflow);
  REQUIRE(code_of(sample_graph({-2, 4}), kSampleMeta) == Errc::bad_graph);
  REQUIRE(code_of(sample_graph({1, 1, 1, 1, 1, 1, 1, 1, 1}), kSampleMeta) == Errc::limit_exceeded);

  Graph g = sample_graph();
  g.values[g.find_value("w")].constant = ConstData::owned(std::vector<uint8_t>(47));
  REQUIRE(code_of(g, kSampleMeta) == Errc::bad_tensor_record);

  g = sample_graph();
  g.values[g.find_value("w")].constant->scheme = 999;
  REQUIRE(code_of(g, kSampleMeta) == Errc::unknown_scheme);

  g = sample_graph();
  g.values[g.find_value("w")].dims = {-1, 3};
  REQUIRE(code_of(g, kSampleMeta) == Errc::bad_graph);

  g = sample_graph();
  g.nodes[0].attrs.push_back(g.nodes[0].attrs[0]);
  REQUIRE(code_of(g, kSampleMeta) == Errc::bad_graph);

  g = sample_graph();
  g.nodes[1].name = std::string("bad\xFF", 4);
  REQUIRE(code_of(g, kSampleMeta) == Errc::bad_graph);

  g = sample_graph();
  g.nodes[1].inputs[0] = 99;
  REQUIRE(code_of(g, kSampleMeta) == Errc::bad_graph);
}

TEST_CASE("bundle: read_bundle requires 64-byte-aligned input", "[format]") {
  const auto file = write_bundle(sample_graph(), kSampleMeta);
  AlignedBuffer buf(file.size() + 1);
  std::memcpy(buf.data() + 1, file.data(), file.size());
  try {
    (void)read_bundle(std::span<const uint8_t>(buf.data() + 1, file.size()));
    FAIL("misaligned input accepted");
  } catch (const Error& e) {
    REQUIRE(e.code() == Errc::invalid_argument);
  }
}

TEST_CASE("bundle: a newer minor version with an unknown section still reads", "[format]") {
  // Re-lay the file by hand: header + 6-entry table, then the original sections shifted.
  const auto file = write_bundle(sample_graph(), kSampleMeta);
  auto h = header_of(file);
  std::vector<bundle::SectionEntry> entries(h.section_count);
  std::memcpy(entries.data(), file.data() + h.section_table_offset, entries.size() * sizeof(bundle::SectionEntry));
  const uint64_t shift = 64;  // room for one more 32-byte entry, keeps 64-alignment
  std::vector<uint8_t> out(file.size() + shift + 64, 0);
  const uint64_t old_first = entries[0].offset;
  std::memcpy(out.data() + old_first + shift, file.data() + old_first, file.size() - old_first);
  for (auto& e : entries) e.offset += shift;
  // The unknown section goes just before INTEGRITY, which moves up by 64.
  bundle::SectionEntry extra{42, 0, entries[4].offset, 5, 0, 0};
  std::memmove(out.data() + entries[4].offset + 64, out.data() + entries[4].offset, 32);
  std::memset(out.data() + entries[4].offset, 0, 64);
  std::memcpy(out.data() + extra.offset, "hello", 5);
  entries[4].offset += 64;
  entries.push_back(extra);
  h.section_count = 6;
  h.file_size = out.size();
  h.version_minor = 7;
  std::memcpy(out.data(), &h, sizeof h);
  std::memcpy(out.data() + h.section_table_offset, entries.data(), entries.size() * sizeof(bundle::SectionEntry));
  reseal(out);
  std::string msg;
  REQUIRE(read_code(out, &msg) == Errc::ok);

  h.version_minor = 0;  // a 1.0 file may not contain unknown kinds
  std::memcpy(out.data(), &h, sizeof h);
  reseal(out);
  REQUIRE(read_code(out, &msg) == Errc::bad_section);
}

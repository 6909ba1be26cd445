// write_bundle: validates with the same rules as the reader (bundle_checks.h), then
// lays the sections out as bundle_layout.h specifies. Deterministic.
#include <cstring>

#include "common/error.h"
#include "format/bundle.h"
#include "format/bundle_checks.h"
#include "format/bundle_layout.h"
#include "format/byte_writer.h"
#include "format/crc32.h"
#include "format/graph_section.h"
#include "format/json.h"
#include "format/sha256.h"
#include "schemes/scheme_table.h"

namespace qc {

namespace {

using namespace bundle;

const std::string kWhere = "write_bundle: ";

std::string checked_metadata(const std::string& metadata_json, const ReadLimits& limits) {
  const std::string text = metadata_json.empty() ? "{}" : metadata_json;
  if (text.size() > limits.max_metadata_bytes)
    fail(Errc::limit_exceeded, kWhere + "metadata of " + std::to_string(text.size()) + " bytes exceeds the limit " +
                                   std::to_string(limits.max_metadata_bytes));
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Error& e) {
    fail(Errc::bad_metadata, kWhere + "metadata: " + e.what());
  }
  if (!doc.is_object()) fail(Errc::bad_metadata, kWhere + "metadata must be a JSON object");
  return text;
}

void check_value(const Value& v, size_t index, const ReadLimits& limits) {
  const std::string where = kWhere + "value " + std::to_string(index) + " '" + v.name + "': ";
  if (auto p = check_string(v.name, "value name", Errc::bad_graph)) fail(p.code, where + p.what);
  uint64_t elements = 0;
  const bool constant = v.constant.has_value();
  if (auto p = check_shape(static_cast<uint8_t>(v.dtype), v.dims, !constant, limits, Errc::bad_graph, &elements))
    fail(p.code, where + p.what);
  if (!constant) return;
  const ConstData& c = *v.constant;
  if ((c.size && !c.bytes) || (c.side_size && !c.side))
    fail(Errc::bad_tensor_record, where + "constant data pointer is null");
  const SchemeLayout want = scheme_layout(c.scheme, c.scheme_version, v.dtype, v.dims, elements,
                                          {c.side, c.side_size}, where + "constant");
  if (want.payload_bytes != c.size || want.side_bytes != c.side_size)
    fail(Errc::bad_tensor_record, where + "scheme '" + scheme_name(c.scheme) + "' needs " +
                                      std::to_string(want.payload_bytes) + " payload + " +
                                      std::to_string(want.side_bytes) + " side bytes, the constant has " +
                                      std::to_string(c.size) + " + " + std::to_string(c.side_size));
}

void check_graph(const Graph& g, const ReadLimits& limits) {
  if (g.values.size() > limits.max_values || g.nodes.size() > limits.max_nodes)
    fail(Errc::limit_exceeded, kWhere + std::to_string(g.values.size()) + " values / " + std::to_string(g.nodes.size()) +
                                   " nodes exceed the limits " + std::to_string(limits.max_values) + " / " +
                                   std::to_string(limits.max_nodes));
  try {
    g.validate();
  } catch (const Error& e) {
    fail(e.code(), kWhere + e.what());
  }
  if (auto p = check_string(g.name, "graph name", Errc::bad_graph)) fail(p.code, kWhere + p.what);
  for (size_t i = 0; i < g.values.size(); ++i) check_value(g.values[i], i, limits);
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    const std::string where = kWhere + "node " + std::to_string(k) + " '" + n.name + "': ";
    if (auto p = check_string(n.name, "node name", Errc::bad_graph)) fail(p.code, where + p.what);
    if (auto p = check_attrs(n.attrs)) fail(p.code, where + p.what);
  }
}

struct Sections {
  std::vector<uint8_t> meta, graph, tensors, data;
};

// One record per constant in value order; payload then side data, each 64-aligned in DATA.
void encode_tensors(const Graph& g, Sections& s, std::vector<int32_t>& record_of_value) {
  ByteWriter records, data;
  uint32_t count = 0;
  record_of_value.assign(g.values.size(), -1);
  auto place = [&](const uint8_t* p, size_t n, uint64_t* offset) {
    *offset = 0;
    if (n == 0) return;
    data.zeros(align_up(data.size()) - data.size());
    *offset = data.size();
    data.raw({p, n});
  };
  for (size_t i = 0; i < g.values.size(); ++i) {
    const Value& v = g.values[i];
    if (!v.constant) continue;
    const ConstData& c = *v.constant;
    record_of_value[i] = static_cast<int32_t>(count++);
    TensorRecordHeader h{};
    h.value_index = static_cast<uint32_t>(i);
    h.scheme = c.scheme;
    h.scheme_version = c.scheme_version;
    h.dtype = static_cast<uint8_t>(v.dtype);
    h.rank = static_cast<uint8_t>(v.dims.size());
    h.payload_size = c.size;
    h.side_size = c.side_size;
    place(c.bytes, c.size, &h.payload_offset);
    place(c.side, c.side_size, &h.side_offset);
    records.put(h);
    for (int64_t d : v.dims) records.i64(d);
  }
  ByteWriter head;
  head.u32(count);
  head.u32(0);
  head.raw(records.bytes());
  s.tensors = std::move(head.bytes());
  s.data = std::move(data.bytes());
}

}  // namespace

std::vector<uint8_t> write_bundle(const Graph& graph, const std::string& metadata_json) {
  const ReadLimits limits;
  Sections s;
  const std::string meta = checked_metadata(metadata_json, limits);
  s.meta.assign(meta.begin(), meta.end());
  check_graph(graph, limits);
  std::vector<int32_t> record_of_value;
  encode_tensors(graph, s, record_of_value);
  s.graph = encode_graph_section(graph, record_of_value);

  const std::vector<uint8_t>* contents[] = {&s.meta, &s.graph, &s.tensors, &s.data};
  const SectionKind kinds[] = {SectionKind::meta, SectionKind::graph, SectionKind::tensors, SectionKind::data};
  constexpr uint32_t kCount = kSectionKindCount;
  SectionEntry table[kCount] = {};
  uint64_t cursor = align_up(sizeof(FileHeader) + kCount * sizeof(SectionEntry));
  for (uint32_t i = 0; i < 4; ++i) {
    table[i] = {static_cast<uint32_t>(kinds[i]), 0, cursor, contents[i]->size(), crc32(*contents[i]), 0};
    cursor = align_up(cursor + contents[i]->size());
  }
  table[4] = {static_cast<uint32_t>(SectionKind::integrity), 0, cursor, kDigestSize, 0, 0};
  const uint64_t file_size = cursor + kDigestSize;
  if (file_size > limits.max_file_bytes)
    fail(Errc::limit_exceeded, kWhere + "bundle of " + std::to_string(file_size) + " bytes exceeds the limit " +
                                   std::to_string(limits.max_file_bytes));

  std::vector<uint8_t> file(file_size, 0);
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version_major = kVersionMajor;
  h.version_minor = kVersionMinor;
  h.section_count = kCount;
  h.file_size = file_size;
  h.section_table_offset = sizeof(FileHeader);
  std::memcpy(file.data(), &h, sizeof h);
  std::memcpy(file.data() + sizeof h, table, sizeof table);
  for (uint32_t i = 0; i < 4; ++i)
    if (!contents[i]->empty()) std::memcpy(file.data() + table[i].offset, contents[i]->data(), contents[i]->size());
  const auto digest = sha256(std::span<const uint8_t>(file.data(), table[4].offset));
  std::memcpy(file.data() + table[4].offset, digest.data(), digest.size());
  return file;
}

}  // namespace qc

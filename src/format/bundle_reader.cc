#include <cstdint>
#include <cstring>

#include "common/error.h"
#include "format/bundle.h"
#include "format/graph_section.h"
#include "format/json.h"
#include "format/section_table.h"
#include "format/tensor_section.h"

namespace qc {

namespace {

std::string read_metadata(const bundle::SectionView& meta, const ReadLimits& limits) {
  const uint64_t at = meta.entry.offset;
  if (meta.bytes.size() > limits.max_metadata_bytes)
    fail(Errc::limit_exceeded, "meta section (byte " + std::to_string(at) + "): " + std::to_string(meta.bytes.size()) +
                                   " bytes exceed the limit " + std::to_string(limits.max_metadata_bytes));
  std::string text(reinterpret_cast<const char*>(meta.bytes.data()), meta.bytes.size());
  Json doc;
  try {
    doc = Json::parse(text, {.max_depth = 64, .base_offset = at});
  } catch (const Error& e) {
    fail(Errc::bad_metadata, std::string("meta section: ") + e.what());
  }
  if (!doc.is_object())
    fail(Errc::bad_metadata, "meta section (byte " + std::to_string(at) + "): the metadata must be a JSON object, not " +
                                 json_type_name(doc.type()));
  return text;
}

}  // namespace

Bundle read_bundle(std::span<const uint8_t> bytes, const ReadLimits& limits) {
  if (reinterpret_cast<uintptr_t>(bytes.data()) % bundle::kAlignment != 0)
    fail(Errc::invalid_argument, "bundle bytes must start at a 64-byte-aligned address (weights are read in place)");
  const bundle::FileLayout layout = bundle::read_file_layout(bytes, limits);
  if (limits.verify_hash) bundle::verify_file_hash(bytes, layout, limits.file_sha256);

  Bundle b;
  b.version_major = layout.header.version_major;
  b.version_minor = layout.header.version_minor;
  b.flags = layout.header.flags;
  b.sha256 = bundle::stored_digest(layout);
  for (const auto& e : layout.entries)
    b.sections.push_back({e.kind, bundle::section_kind_name(e.kind), e.offset, e.size, e.crc32});

  b.metadata_json = read_metadata(layout.meta, limits);
  const std::vector<bundle::TensorRecord> records = bundle::read_tensor_section(layout, limits);
  b.graph = bundle::read_graph_section(layout, records, limits);

  const uint64_t data_at = layout.data.entry.offset;
  b.tensors.reserve(records.size());
  for (const auto& t : records)
    b.tensors.push_back({b.graph.values[t.value_index].name, t.scheme, t.scheme_version, t.dtype, t.dims,
                         data_at + t.payload_offset, t.payload_size, data_at + t.side_offset, t.side_size});
  return b;
}

}  // namespace qc

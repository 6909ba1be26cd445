#include "runtime/model_info.h"

#include <cstdio>

namespace qc {

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string dims_json(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

std::string io_json(const Graph& g, const std::vector<int>& ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    const Value& v = g.values[ids[i]];
    s += (i ? "," : "");
    s += "{\"name\":" + quoted(v.name) + ",\"dtype\":" + quoted(dtype_name(v.dtype)) + ",\"dims\":" +
         dims_json(v.dims) + "}";
  }
  return s + "]";
}

}  // namespace

std::string model_info_json(const Bundle& b, size_t arena_bytes) {
  uint64_t file_bytes = 0;
  for (const auto& s : b.sections) file_bytes = std::max<uint64_t>(file_bytes, s.offset + s.size);
  std::string s = "{\"metadata\":" + (b.metadata_json.empty() ? std::string("{}") : b.metadata_json);
  s += ",\"inputs\":" + io_json(b.graph, b.graph.inputs);
  s += ",\"outputs\":" + io_json(b.graph, b.graph.outputs);
  s += ",\"tensors\":[";
  for (size_t i = 0; i < b.tensors.size(); ++i) {
    const TensorRecordInfo& t = b.tensors[i];
    s += (i ? "," : "");
    s += "{\"name\":" + quoted(t.name) + ",\"scheme\":" + std::to_string(t.scheme) + ",\"dtype\":" +
         quoted(dtype_name(t.dtype)) + ",\"dims\":" + dims_json(t.dims) +
         ",\"bytes\":" + std::to_string(t.payload_size + t.side_size) + "}";
  }
  s += "],\"sha256\":" + quoted(sha256_hex(b.sha256));
  s += ",\"bundleBytes\":" + std::to_string(file_bytes);
  s += ",\"arenaBytes\":" + std::to_string(arena_bytes) + "}";
  return s;
}

}  // namespace qc

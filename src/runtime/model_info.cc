#include "runtime/model_info.h"

#include <algorithm>

#include "format/json.h"
#include "schemes/scheme_table.h"

namespace qc {

Json dims_json(const std::vector<int64_t>& dims) {
  Json a = Json::array();
  for (int64_t d : dims) a.push(d);
  return a;
}

Json graph_io_json(const Graph& g, const std::vector<int>& ids) {
  Json a = Json::array();
  for (int id : ids) {
    const Value& v = g.values[id];
    Json o = Json::object();
    o.set("name", v.name);
    o.set("dtype", dtype_name(v.dtype));
    o.set("dims", dims_json(v.dims));
    a.push(std::move(o));
  }
  return a;
}

std::string model_info_json(const Bundle& b, size_t arena_bytes) {
  uint64_t file_bytes = 0;
  for (const auto& s : b.sections) file_bytes = std::max<uint64_t>(file_bytes, s.offset + s.size);
  Json info = Json::object();
  info.set("inputs", graph_io_json(b.graph, b.graph.inputs));
  info.set("outputs", graph_io_json(b.graph, b.graph.outputs));
  Json tensors = Json::array();
  for (const TensorRecordInfo& t : b.tensors) {
    Json o = Json::object();
    o.set("name", t.name);
    o.set("schemeId", t.scheme);
    o.set("scheme", scheme_name(t.scheme));
    o.set("dtype", dtype_name(t.dtype));
    o.set("dims", dims_json(t.dims));
    o.set("bytes", t.payload_size + t.side_size);
    tensors.push(std::move(o));
  }
  info.set("tensors", std::move(tensors));
  info.set("sha256", sha256_hex(b.sha256));
  info.set("bundleBytes", file_bytes);
  info.set("arenaBytes", arena_bytes);
  // read_bundle checked that the metadata is a JSON object: it goes in as stored
  // rather than parsed and serialized again.
  const std::string rest = info.dump();
  return "{\"metadata\":" + (b.metadata_json.empty() ? std::string("{}") : b.metadata_json) + "," + rest.substr(1);
}

}  // namespace qc

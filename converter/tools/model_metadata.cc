#include "tools/model_metadata.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "common/error.h"
#include "format/utf8.h"
#include "runtime/model_info.h"
#include "schemes/scheme_table.h"
#include "tools/args.h"
#include "tools/file_io.h"

namespace qc {

namespace {

uint64_t element_count(const Value& v) {
  uint64_t n = 1;
  for (int64_t d : v.dims) n *= static_cast<uint64_t>(d < 0 ? 0 : d);
  return n;
}

Json compression_json(const Graph& g, const ModelDescription& d) {
  Json c = Json::object();
  c.set("weights", d.weights);
  c.set("parameters", parameter_count(g));
  c.set("onnx_bytes", d.onnx_bytes);
  c.set("bundle_bytes", d.bundle_bytes);
  Json layers = Json::array();
  for (const Value& v : g.values) {
    if (!v.constant) continue;
    Json l = Json::object();
    l.set("tensor", v.name);
    l.set("scheme", scheme_name(v.constant->scheme));
    const uint64_t bytes = v.constant->size + v.constant->side_size;
    l.set("bytes", bytes);
    const uint64_t elements = element_count(v);
    if (elements > 0) l.set("bits", static_cast<double>(bytes) * 8.0 / static_cast<double>(elements));
    if (auto it = d.layer_extra.find(v.name); it != d.layer_extra.end() && it->second.is_object())
      for (const auto& [key, value] : it->second.members()) l.set(key, value);
    layers.push(std::move(l));
  }
  c.set("layers", std::move(layers));
  if (d.compression_extra.is_object())
    for (const auto& [key, value] : d.compression_extra.members()) c.set(key, value);
  return c;
}

double parse_number(const std::string& key, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || *end != '\0' || !std::isfinite(v))
    throw UsageError("--preprocess: " + key + "='" + text + "' is not a finite number");
  return v;
}

}  // namespace

uint64_t parameter_count(const Graph& g) {
  uint64_t n = 0;
  for (const Value& v : g.values)
    if (v.constant) n += element_count(v);
  return n;
}

Json build_metadata(const Graph& g, const ModelDescription& d) {
  Json m = Json::object();
  m.set("format", "qcb");
  Json model = Json::object();
  model.set("name", d.name);
  model.set("source", d.source_file);
  model.set("opset", d.opset);
  model.set("producer", d.producer);
  m.set("model", std::move(model));
  m.set("inputs", graph_io_json(g, g.inputs));
  m.set("outputs", graph_io_json(g, g.outputs));
  if (!d.labels.empty()) {
    Json labels = Json::array();
    for (const auto& l : d.labels) labels.push(l);
    m.set("labels", std::move(labels));
  }
  Json pre = Json::object();
  pre.set("scale", d.preprocess.scale);
  pre.set("mean", d.preprocess.mean);
  pre.set("std", d.preprocess.std);
  m.set("preprocess", std::move(pre));
  m.set("compression", compression_json(g, d));
  return m;
}

Preprocess parse_preprocess(const std::string& spec) {
  Preprocess p;
  size_t start = 0;
  while (start < spec.size()) {
    size_t end = spec.find(',', start);
    if (end == std::string::npos) end = spec.size();
    const std::string item = spec.substr(start, end - start);
    const size_t eq = item.find('=');
    if (eq == std::string::npos) throw UsageError("--preprocess: expected key=value, got '" + item + "'");
    const std::string key = item.substr(0, eq);
    const double v = parse_number(key, item.substr(eq + 1));
    if (key == "scale") p.scale = v;
    else if (key == "mean") p.mean = v;
    else if (key == "std") p.std = v;
    else throw UsageError("--preprocess: unknown key '" + key + "' (scale, mean, std)");
    start = end + 1;
  }
  if (p.std == 0) throw UsageError("--preprocess: std must not be 0");
  return p;
}

std::vector<std::string> read_labels_file(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  std::vector<std::string> labels;
  std::string line;
  for (size_t i = 0; i <= bytes.size(); ++i) {
    if (i == bytes.size() || bytes[i] == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (i < bytes.size() || !line.empty()) labels.push_back(line);
      line.clear();
    } else {
      line += static_cast<char>(bytes[i]);
    }
  }
  while (!labels.empty() && labels.back().empty()) labels.pop_back();
  for (size_t i = 0; i < labels.size(); ++i)
    if (!valid_utf8(labels[i])) fail(Errc::io, path + ": line " + std::to_string(i + 1) + " is not valid UTF-8");
  if (labels.empty()) fail(Errc::io, path + ": no labels");
  return labels;
}

}  // namespace qc

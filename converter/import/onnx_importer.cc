#include "import/onnx_importer.h"

#include <climits>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include <google/protobuf/io/coded_stream.h>
#include <onnx/onnx_pb.h>

#include "common/error.h"
#include "graph/op_table.h"
#include "import/onnx_attrs.h"
#include "import/onnx_ops.h"
#include "import/onnx_tensor.h"
#include "tools/file_io.h"

namespace qc {

namespace {

// Opset 7 is where ONNX's numpy-style broadcasting starts. Older models are accepted
// only when every op they use has kept its semantics since then.
constexpr int64_t kMinOpset = 1, kFullOpset = 7, kMaxOpset = 17;
constexpr int kMaxProtobufDepth = 64;

bool is_default_domain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

bool unchanged_since_opset_1(const std::string& op) {
  static const std::unordered_set<std::string> kOps = {
      "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "Tanh", "Exp", "Log", "Sqrt", "Neg", "Abs", "Reciprocal",
      "Elu", "Softplus", "GlobalAveragePool", "GlobalMaxPool", "Identity", "Transpose", "Softmax", "LogSoftmax",
      "Shape", "Conv", "MaxPool", "AveragePool", "Constant"};
  return kOps.count(op) != 0;
}

// Every op is checked before the opset, so a model with an op we lack always gets
// the unsupported-op error, whatever its opset.
void check_ops_supported(const onnx::GraphProto& g, const std::string& file) {
  for (int k = 0; k < g.node_size(); ++k) {
    const onnx::NodeProto& p = g.node(k);
    const std::string node_name = p.name().empty() ? p.op_type() + "_" + std::to_string(k) : p.name();
    if (!is_default_domain(p.domain()))
      fail(Errc::unsupported_op, "unsupported op '" + p.op_type() + "' of domain '" + p.domain() + "' at node '" +
                                     node_name + "' in " + file + "; supported ops (default domain): " +
                                     onnx_supported_op_list());
    if (p.op_type() != "Constant" && !find_onnx_op_rule(p.op_type()))
      fail(Errc::unsupported_op, "unsupported op '" + p.op_type() + "' at node '" + node_name + "' in " + file +
                                     "; supported ops: " + onnx_supported_op_list());
  }
}

int64_t default_opset(const onnx::ModelProto& m, const std::string& file) {
  for (const auto& o : m.opset_import())
    if (is_default_domain(o.domain())) {
      if (o.version() < kMinOpset || o.version() > kMaxOpset)
        fail(Errc::invalid_model, file + ": opset " + std::to_string(o.version()) +
                                      " of the default domain is not supported (supported: " +
                                      std::to_string(kFullOpset) + "-" + std::to_string(kMaxOpset) + ")");
      if (o.version() < kFullOpset)
        for (const auto& p : m.graph().node())
          if (!unchanged_since_opset_1(p.op_type()))
            fail(Errc::invalid_model, file + ": op '" + p.op_type() + "' at opset " + std::to_string(o.version()) +
                                          " has legacy semantics; supported opsets: " + std::to_string(kFullOpset) +
                                          "-" + std::to_string(kMaxOpset));
      return o.version();
    }
  fail(Errc::invalid_model, file + ": the model imports no opset of the default ONNX domain");
}

// Sets dtype and dims from a declared tensor type; a dim_param or missing dim is -1.
void apply_declared_type(const onnx::ValueInfoProto& vi, Value& v, bool require_shape, const std::string& where) {
  if (!vi.type().has_tensor_type()) {
    if (require_shape) fail(Errc::invalid_model, where + ": '" + vi.name() + "' is not a tensor");
    return;
  }
  const auto& tt = vi.type().tensor_type();
  v.dtype = dtype_from_onnx(tt.elem_type(), where + ": '" + vi.name() + "'");
  if (!tt.has_shape()) {
    if (require_shape) fail(Errc::invalid_model, where + ": '" + vi.name() + "' has no declared shape (rank unknown)");
    return;
  }
  v.dims.clear();
  for (const auto& d : tt.shape().dim())
    v.dims.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value() : -1);
}

class GraphImporter {
 public:
  GraphImporter(const onnx::GraphProto& g, int64_t opset, TensorSource src)
      : g_(g), opset_(opset), src_(std::move(src)), file_(src_.file_label) {}

  Graph run() {
    out_.name = g_.name();
    collect_used_names();
    if (g_.sparse_initializer_size() > 0) fail(Errc::invalid_model, file_ + ": sparse initializers are not supported");
    for (const auto& t : g_.initializer()) add_value(constant_from_tensor_proto(t, t.name(), src_), "initializer");
    for (const auto& vi : g_.value_info()) value_info_[vi.name()] = &vi;
    for (const auto& in : g_.input()) {
      if (ids_.count(in.name())) continue;  // an input with an initializer is a constant
      Value v;
      v.name = in.name();
      apply_declared_type(in, v, true, file_ + ": graph input");
      out_.inputs.push_back(add_value(std::move(v), "graph input"));
    }
    for (int k = 0; k < g_.node_size(); ++k) import_node(k, g_.node(k));
    for (const auto& o : g_.output()) {
      const int id = lookup(o.name(), file_ + ": graph output");
      apply_declared_type(o, out_.values[id], false, file_ + ": graph output");
      out_.outputs.push_back(id);
    }
    try {
      out_.validate();
    } catch (const Error& e) {
      fail(Errc::invalid_model, file_ + ": " + e.what());
    }
    return std::move(out_);
  }

 private:
  void collect_used_names() {
    for (const auto& n : g_.node())
      for (const auto& i : n.input()) used_.insert(i);
    for (const auto& o : g_.output()) used_.insert(o.name());
  }

  int add_value(Value v, const char* what) {
    if (v.name.empty()) fail(Errc::invalid_model, file_ + ": " + what + " has an empty name");
    if (ids_.count(v.name)) fail(Errc::invalid_model, file_ + ": value '" + v.name + "' is defined twice");
    const std::string name = v.name;
    const int id = out_.add_value(std::move(v));
    ids_[name] = id;
    return id;
  }

  int lookup(const std::string& name, const std::string& where) const {
    auto it = ids_.find(name);
    if (it == ids_.end())
      fail(Errc::invalid_model, where + ": '" + name + "' is not a graph input, initializer or earlier node output");
    return it->second;
  }

  void import_node(int k, const onnx::NodeProto& p) {
    const std::string node_name = p.name().empty() ? p.op_type() + "_" + std::to_string(k) : p.name();
    const std::string where = file_ + ": node '" + node_name + "' (" + p.op_type() + ")";
    if (!is_default_domain(p.domain()))
      fail(Errc::unsupported_op, where + ": domain '" + p.domain() + "' is not supported; supported ops (default domain): " +
                                     onnx_supported_op_list());
    if (p.op_type() == "Constant") {
      if (p.output_size() != 1) fail(Errc::invalid_model, where + ": expected one output");
      add_value(constant_from_constant_node(p, p.output(0), src_, where), "Constant output");
      return;
    }
    const OnnxOpRule* rule = find_onnx_op_rule(p.op_type());
    if (!rule)
      fail(Errc::unsupported_op, "unsupported op '" + p.op_type() + "' at node '" + node_name + "' in " + file_ +
                                     "; supported ops: " + onnx_supported_op_list());
    Node n;
    n.op = rule->op;
    n.name = node_name;
    for (const auto& a : p.attribute()) n.attrs.push_back(attr_from_onnx(a, where));
    for (const auto& i : p.input()) n.inputs.push_back(i.empty() ? -1 : lookup(i, where));
    if (rule->normalize) {
      try {
        rule->normalize(n, OnnxNodeContext{opset_, out_});
      } catch (const Error& e) {
        fail(e.code(), file_ + ": " + e.what());
      }
    }
    while (!n.inputs.empty() && n.inputs.back() < 0) n.inputs.pop_back();
    const OpInfo& info = op_info(n.op);
    const int ni = static_cast<int>(n.inputs.size());
    if (ni < info.min_inputs || ni > info.max_inputs)
      fail(Errc::invalid_model, where + ": has " + std::to_string(ni) + " inputs, " + info.name + " takes " +
                                    std::to_string(info.min_inputs) + ".." + std::to_string(info.max_inputs));
    import_outputs(p, n, info, where);
    out_.nodes.push_back(std::move(n));
  }

  // Outputs past the IR op's last one (Dropout's mask, MaxPool's indices, ...) are
  // dropped when nothing reads them and rejected otherwise.
  void import_outputs(const onnx::NodeProto& p, Node& n, const OpInfo& info, const std::string& where) {
    for (int j = 0; j < p.output_size(); ++j) {
      const std::string& name = p.output(j);
      if (j >= info.max_outputs) {
        if (!name.empty() && used_.count(name))
          fail(Errc::unsupported_op, where + ": output " + std::to_string(j) + " ('" + name +
                                         "') is used, but the IR op " + info.name + " produces only " +
                                         std::to_string(info.max_outputs));
        continue;
      }
      if (name.empty()) fail(Errc::invalid_model, where + ": output " + std::to_string(j) + " has no name");
      Value v;
      v.name = name;
      if (auto it = value_info_.find(name); it != value_info_.end()) apply_declared_type(*it->second, v, false, where);
      n.outputs.push_back(add_value(std::move(v), "node output"));
    }
    if (static_cast<int>(n.outputs.size()) < info.min_outputs)
      fail(Errc::invalid_model, where + ": has " + std::to_string(n.outputs.size()) + " outputs, " + info.name +
                                    " needs " + std::to_string(info.min_outputs));
  }

  const onnx::GraphProto& g_;
  int64_t opset_;
  TensorSource src_;
  std::string file_;
  Graph out_;
  std::unordered_map<std::string, int> ids_;
  std::unordered_map<std::string, const onnx::ValueInfoProto*> value_info_;
  std::unordered_set<std::string> used_;
};

}  // namespace

ImportedModel import_onnx_model_bytes(std::span<const uint8_t> bytes, const std::string& source_name,
                                      const std::string& model_dir) {
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    fail(Errc::onnx_parse, source_name + ": " + std::to_string(bytes.size()) + " bytes is larger than protobuf can parse");
  // Explicit protobuf limits: the whole message (< 2 GiB, checked above) and the
  // nesting depth (subgraphs in attributes nest messages; deep nesting is a stack risk).
  onnx::ModelProto m;
  google::protobuf::io::CodedInputStream in(bytes.data(), static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(INT_MAX);
  in.SetRecursionLimit(kMaxProtobufDepth);
  if (!m.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage())
    fail(Errc::onnx_parse, source_name + ": not a valid ONNX model (protobuf parse failed, or nested deeper than " +
                               std::to_string(kMaxProtobufDepth) + " messages)");
  if (!m.has_graph()) fail(Errc::onnx_parse, source_name + ": the ONNX model has no graph");
  ImportedModel r;
  check_ops_supported(m.graph(), source_name);
  r.opset = default_opset(m, source_name);
  r.ir_version = m.ir_version();
  r.producer = m.producer_name();
  if (!m.producer_version().empty()) r.producer += (r.producer.empty() ? "" : " ") + m.producer_version();
  TensorSource src{model_dir, source_name};
  r.graph = GraphImporter(m.graph(), r.opset, src).run();
  if (r.graph.name.empty()) r.graph.name = std::filesystem::path(source_name).stem().string();
  return r;
}

ImportedModel import_onnx_model_file(const std::string& path) {
  // Refused before reading: protobuf cannot parse 2 GiB or more (external data can hold more).
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > static_cast<uintmax_t>(INT_MAX))
    fail(Errc::onnx_parse, path + ": " + std::to_string(size) +
                               " bytes is larger than protobuf can parse (2 GiB); store the weights as external data");
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  return import_onnx_model_bytes(bytes, path, dir);
}

Graph import_onnx_bytes(std::span<const uint8_t> bytes, const std::string& source_name) {
  return import_onnx_model_bytes(bytes, source_name).graph;
}

Graph import_onnx_file(const std::string& path) { return import_onnx_model_file(path).graph; }

}  // namespace qc

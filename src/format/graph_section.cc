#include "format/graph_section.h"

#include "format/bundle_checks.h"
#include "format/byte_reader.h"
#include "graph/op_table.h"

namespace qc::bundle {

namespace {

constexpr uint64_t kMinValueBytes = 4 + 1 + 1 + 2 + 4;  // empty name, scalar
constexpr uint64_t kMinNodeBytes = 4 + 4 + 4 + 4 + 4;   // empty strings and lists
constexpr uint64_t kMinAttrBytes = 4 + 1 + 3 + 4;       // empty name, f32 / empty list

class GraphReader {
 public:
  GraphReader(const FileLayout& layout, const std::vector<TensorRecord>& records, const ReadLimits& limits)
      : r_(layout.graph.bytes, layout.graph.entry.offset, "graph", Errc::bad_graph),
        data_(layout.data),
        records_(records),
        limits_(limits) {}

  Graph read() {
    Graph g;
    g.name = read_string("graph name");
    const uint32_t nv = r_.count("value count", kMinValueBytes, limits_.max_values);
    g.values.resize(nv);
    record_of_value_.assign(nv, -1);
    for (uint32_t i = 0; i < nv; ++i) read_value(g, i);
    r_.set_context("");
    const uint32_t nn = r_.count("node count", kMinNodeBytes, limits_.max_nodes);
    g.nodes.resize(nn);
    for (uint32_t i = 0; i < nn; ++i) read_node(g.nodes[i], i, nv);
    r_.set_context("");
    g.inputs = indices("graph input", nv, false);
    g.outputs = indices("graph output", nv, false);
    r_.expect_end();
    check_records_claimed(g);
    try {
      g.validate();
    } catch (const Error& e) {
      fail(e.code(), std::string("graph section (byte ") + std::to_string(section_offset()) + "): " + e.what());
    }
    return g;
  }

 private:
  uint64_t section_offset() const { return r_.file_offset() - r_.position(); }

  std::string read_string(const char* what) {
    const uint64_t at = r_.file_offset();
    const std::string_view s = r_.str(what);
    if (auto p = check_string(s, what, Errc::bad_graph)) r_.fail_at(at, p.what, p.code);
    return std::string(s);
  }

  std::vector<int> indices(const char* what, uint32_t value_count, bool allow_omitted) {
    const uint32_t n = r_.count(std::string(what) + " count", 4, UINT32_MAX);
    std::vector<int> out(n);
    for (auto& v : out) {
      const uint64_t at = r_.file_offset();
      v = r_.i32(what);
      if (v >= static_cast<int64_t>(value_count) || v < (allow_omitted ? -1 : 0))
        r_.fail_at(at, std::string(what) + " value index " + std::to_string(v) + " out of range (" +
                           std::to_string(value_count) + " values)",
                   Errc::bad_graph);
    }
    return out;
  }

  void read_value(Graph& g, uint32_t index) {
    const uint64_t at = r_.file_offset();
    r_.set_context("value " + std::to_string(index));
    Value& v = g.values[index];
    v.name = read_string("value name");
    r_.set_context("value " + std::to_string(index) + " '" + v.name + "'");
    const uint8_t dtype = r_.u8("dtype");
    const uint8_t rank = r_.u8("rank");
    r_.reserved_zero(2, "reserved bytes");
    const uint64_t record_at = r_.file_offset();
    const int32_t record = r_.i32("tensor record index");
    if (rank > limits_.max_rank)
      r_.fail_at(at, "rank " + std::to_string(rank) + " exceeds the limit " + std::to_string(limits_.max_rank),
                 Errc::limit_exceeded);
    if (uint64_t{rank} * 8 > r_.remaining()) r_.fail_here("dims need " + std::to_string(rank * 8) + " bytes");
    v.dims.resize(rank);
    for (auto& d : v.dims) d = r_.i64("dim");
    uint64_t elements = 0;
    if (auto p = check_shape(dtype, v.dims, record < 0, limits_, Errc::bad_graph, &elements)) r_.fail_at(at, p.what, p.code);
    v.dtype = static_cast<DType>(dtype);
    if (record < -1 || record >= static_cast<int64_t>(records_.size()))
      r_.fail_at(record_at, "tensor record index " + std::to_string(record) + " out of range (" +
                                std::to_string(records_.size()) + " records)",
                 Errc::bad_graph);
    if (record >= 0) link_constant(v, index, static_cast<size_t>(record), record_at);
  }

  void link_constant(Value& v, uint32_t index, size_t record, uint64_t at) {
    const TensorRecord& t = records_[record];
    if (t.value_index != index)
      r_.fail_at(at, "references tensor record " + std::to_string(record) + ", which belongs to value " +
                         std::to_string(t.value_index),
                 Errc::bad_tensor_record);
    if (t.dtype != v.dtype || t.dims != v.dims)
      r_.fail_at(at, "tensor record " + std::to_string(record) + " (byte " + std::to_string(t.file_offset) +
                         ") disagrees with the value's dtype or dims",
                 Errc::bad_tensor_record);
    record_of_value_[index] = static_cast<int32_t>(record);
    ConstData c;
    c.scheme = t.scheme;
    c.scheme_version = t.scheme_version;
    c.bytes = data_.bytes.data() + t.payload_offset;
    c.size = t.payload_size;
    c.side = t.side_size ? data_.bytes.data() + t.side_offset : nullptr;
    c.side_size = t.side_size;
    v.constant = std::move(c);
  }

  void read_node(Node& n, uint32_t index, uint32_t value_count) {
    const uint64_t at = r_.file_offset();
    r_.set_context("node " + std::to_string(index));
    const std::string op = read_string("op name");
    n.name = read_string("node name");
    r_.set_context("node " + std::to_string(index) + " '" + n.name + "'");
    n.op = op_from_name(op);
    if (n.op == OpId::count)
      r_.fail_at(at, "op '" + op + "' is not supported by this runtime (supported: " + supported_op_list() + ")",
                 Errc::unsupported_op);
    n.inputs = indices("node input", value_count, true);
    n.outputs = indices("node output", value_count, false);
    const uint32_t na = r_.count("attr count", kMinAttrBytes, UINT32_MAX);
    n.attrs.resize(na);
    for (auto& a : n.attrs) read_attr(a);
    if (auto p = check_attrs(n.attrs)) r_.fail_at(at, p.what, p.code);
  }

  void read_attr(Attr& a) {
    a.name = read_string("attr name");
    const uint64_t kind_at = r_.file_offset();
    const uint8_t kind = r_.u8("attr kind");
    if (!attr_kind_valid(kind))
      r_.fail_at(kind_at, "attr '" + a.name + "' has invalid kind " + std::to_string(kind), Errc::bad_graph);
    r_.reserved_zero(3, "attr reserved bytes");
    a.kind = static_cast<Attr::Kind>(kind);
    switch (a.kind) {
      case Attr::Kind::i: a.i = r_.i64("int attr"); break;
      case Attr::Kind::f: a.f = r_.f32("float attr"); break;
      case Attr::Kind::s: a.s = read_string("string attr"); break;
      case Attr::Kind::ints: {
        const uint32_t n = r_.count("ints attr length", 8, UINT32_MAX);
        a.ints.resize(n);
        for (auto& x : a.ints) x = r_.i64("ints attr element");
        break;
      }
      case Attr::Kind::floats: {
        const uint32_t n = r_.count("floats attr length", 4, UINT32_MAX);
        a.floats.resize(n);
        for (auto& x : a.floats) x = r_.f32("floats attr element");
        break;
      }
    }
  }

  void check_records_claimed(const Graph& g) {
    for (size_t k = 0; k < records_.size(); ++k) {
      const uint32_t v = records_[k].value_index;
      if (v >= g.values.size() || record_of_value_[v] != static_cast<int32_t>(k))
        fail(Errc::bad_tensor_record, "tensors section, tensor record " + std::to_string(k) + ", byte " +
                                          std::to_string(records_[k].file_offset) + ": names value " +
                                          std::to_string(v) + ", which does not reference it");
    }
  }

  ByteReader r_;
  const SectionView& data_;
  const std::vector<TensorRecord>& records_;
  const ReadLimits& limits_;
  std::vector<int32_t> record_of_value_;
};

}  // namespace

Graph read_graph_section(const FileLayout& layout, const std::vector<TensorRecord>& records, const ReadLimits& limits) {
  return GraphReader(layout, records, limits).read();
}

}  // namespace qc::bundle

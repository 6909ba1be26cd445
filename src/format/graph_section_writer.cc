#include "common/error.h"
#include "format/byte_writer.h"
#include "format/graph_section.h"
#include "graph/op_table.h"

namespace qc::bundle {

namespace {

void put_indices(ByteWriter& w, const std::vector<int>& indices) {
  w.u32(static_cast<uint32_t>(indices.size()));
  for (int i : indices) w.i32(i);
}

void put_attr(ByteWriter& w, const Attr& a) {
  w.str(a.name);
  w.u8(static_cast<uint8_t>(a.kind));
  w.zeros(3);
  switch (a.kind) {
    case Attr::Kind::i: w.i64(a.i); break;
    case Attr::Kind::f: w.f32(a.f); break;
    case Attr::Kind::s: w.str(a.s); break;
    case Attr::Kind::ints:
      w.u32(static_cast<uint32_t>(a.ints.size()));
      for (int64_t x : a.ints) w.i64(x);
      break;
    case Attr::Kind::floats:
      w.u32(static_cast<uint32_t>(a.floats.size()));
      for (float x : a.floats) w.f32(x);
      break;
  }
}

}  // namespace

// The caller (write_bundle) has validated names, ranks, counts and attrs.
std::vector<uint8_t> encode_graph_section(const Graph& g, const std::vector<int32_t>& record_of_value) {
  ByteWriter w;
  w.str(g.name);
  w.u32(static_cast<uint32_t>(g.values.size()));
  for (size_t i = 0; i < g.values.size(); ++i) {
    const Value& v = g.values[i];
    w.str(v.name);
    w.u8(static_cast<uint8_t>(v.dtype));
    w.u8(static_cast<uint8_t>(v.dims.size()));
    w.zeros(2);
    w.i32(record_of_value[i]);
    for (int64_t d : v.dims) w.i64(d);
  }
  w.u32(static_cast<uint32_t>(g.nodes.size()));
  for (const Node& n : g.nodes) {
    w.str(op_name(n.op));
    w.str(n.name);
    put_indices(w, n.inputs);
    put_indices(w, n.outputs);
    w.u32(static_cast<uint32_t>(n.attrs.size()));
    for (const Attr& a : n.attrs) put_attr(w, a);
  }
  put_indices(w, g.inputs);
  put_indices(w, g.outputs);
  return std::move(w.bytes());
}

}  // namespace qc::bundle

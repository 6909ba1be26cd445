#include "graph/ir.h"

#include <algorithm>

#include "common/error.h"
#include "graph/op_table.h"

namespace qc {

ConstData ConstData::owned(std::vector<uint8_t> data, uint16_t scheme) {
  ConstData c;
  c.scheme = scheme;
  auto p = std::make_shared<const std::vector<uint8_t>>(std::move(data));
  c.bytes = p->data();
  c.size = p->size();
  c.owner = std::move(p);
  return c;
}

const Attr* Node::attr(std::string_view n) const {
  for (const auto& a : attrs)
    if (a.name == n) return &a;
  return nullptr;
}

int64_t Node::attr_i(std::string_view n, int64_t dflt) const {
  const Attr* a = attr(n);
  if (!a) return dflt;
  if (a->kind == Attr::Kind::f) return static_cast<int64_t>(a->f);
  return a->i;
}

float Node::attr_f(std::string_view n, float dflt) const {
  const Attr* a = attr(n);
  if (!a) return dflt;
  if (a->kind == Attr::Kind::i) return static_cast<float>(a->i);
  return a->f;
}

std::string Node::attr_s(std::string_view n, const std::string& dflt) const {
  const Attr* a = attr(n);
  return a ? a->s : dflt;
}

std::vector<int64_t> Node::attr_ints(std::string_view n, std::vector<int64_t> dflt) const {
  const Attr* a = attr(n);
  return a ? a->ints : dflt;
}

std::vector<float> Node::attr_floats(std::string_view n, std::vector<float> dflt) const {
  const Attr* a = attr(n);
  return a ? a->floats : dflt;
}

namespace {
Attr& upsert(std::vector<Attr>& attrs, const std::string& n, Attr::Kind k) {
  for (auto& a : attrs)
    if (a.name == n) {
      a = Attr{};
      a.name = n;
      a.kind = k;
      return a;
    }
  attrs.push_back(Attr{});
  attrs.back().name = n;
  attrs.back().kind = k;
  return attrs.back();
}
}  // namespace

void Node::set_i(const std::string& n, int64_t v) { upsert(attrs, n, Attr::Kind::i).i = v; }
void Node::set_f(const std::string& n, float v) { upsert(attrs, n, Attr::Kind::f).f = v; }
void Node::set_s(const std::string& n, const std::string& v) { upsert(attrs, n, Attr::Kind::s).s = v; }
void Node::set_ints(const std::string& n, std::vector<int64_t> v) { upsert(attrs, n, Attr::Kind::ints).ints = std::move(v); }
void Node::set_floats(const std::string& n, std::vector<float> v) {
  upsert(attrs, n, Attr::Kind::floats).floats = std::move(v);
}
void Node::erase_attr(const std::string& n) {
  attrs.erase(std::remove_if(attrs.begin(), attrs.end(), [&](const Attr& a) { return a.name == n; }), attrs.end());
}

int Graph::add_value(Value v) {
  values.push_back(std::move(v));
  return static_cast<int>(values.size()) - 1;
}

int Graph::find_value(const std::string& n) const {
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i].name == n) return static_cast<int>(i);
  return -1;
}

void Graph::compact() {
  std::vector<char> used(values.size(), 0);
  for (const auto& n : nodes) {
    for (int i : n.inputs)
      if (i >= 0) used[i] = 1;
    for (int o : n.outputs) used[o] = 1;
  }
  for (int i : inputs) used[i] = 1;
  for (int o : outputs) used[o] = 1;
  std::vector<int> remap(values.size(), -1);
  std::vector<Value> kept;
  for (size_t i = 0; i < values.size(); ++i)
    if (used[i]) {
      remap[i] = static_cast<int>(kept.size());
      kept.push_back(std::move(values[i]));
    }
  values = std::move(kept);
  auto fix = [&](std::vector<int>& v) {
    for (int& i : v)
      if (i >= 0) i = remap[i];
  };
  for (auto& n : nodes) {
    fix(n.inputs);
    fix(n.outputs);
  }
  fix(inputs);
  fix(outputs);
}

void Graph::validate() const {
  const int nv = static_cast<int>(values.size());
  std::vector<char> ready(values.size(), 0);
  for (int i = 0; i < nv; ++i)
    if (values[i].constant) ready[i] = 1;
  for (int i : inputs) {
    if (i < 0 || i >= nv) fail(Errc::bad_graph, "graph input index " + std::to_string(i) + " out of range");
    if (values[i].constant) fail(Errc::bad_graph, "graph input '" + values[i].name + "' is a constant");
    ready[i] = 1;
  }
  for (size_t k = 0; k < nodes.size(); ++k) {
    const Node& n = nodes[k];
    const std::string where = "node " + std::to_string(k) + " '" + n.name + "'";
    if (n.op >= OpId::count) fail(Errc::bad_graph, where + ": invalid op id");
    const OpInfo& info = op_info(n.op);
    const int ni = static_cast<int>(n.inputs.size()), no = static_cast<int>(n.outputs.size());
    if (ni < info.min_inputs || ni > info.max_inputs || no < info.min_outputs || no > info.max_outputs)
      fail(Errc::bad_graph, where + " (" + info.name + "): " + std::to_string(ni) + " inputs / " + std::to_string(no) +
                                " outputs, expected " + std::to_string(info.min_inputs) + ".." +
                                std::to_string(info.max_inputs) + " / " + std::to_string(info.min_outputs) + ".." +
                                std::to_string(info.max_outputs));
    for (int i : n.inputs) {
      if (i < -1 || i >= nv) fail(Errc::bad_graph, where + ": input index " + std::to_string(i) + " out of range");
      if (i >= 0 && !ready[i]) fail(Errc::bad_graph, where + ": reads '" + values[i].name + "' before it is produced");
    }
    for (int o : n.outputs) {
      if (o < 0 || o >= nv) fail(Errc::bad_graph, where + ": output index " + std::to_string(o) + " out of range");
      if (ready[o]) fail(Errc::bad_graph, where + ": value '" + values[o].name + "' produced twice");
      ready[o] = 1;
    }
  }
  for (int o : outputs) {
    if (o < 0 || o >= nv) fail(Errc::bad_graph, "graph output index " + std::to_string(o) + " out of range");
    if (!ready[o]) fail(Errc::bad_graph, "graph output '" + values[o].name + "' is never produced");
  }
}

}  // namespace qc

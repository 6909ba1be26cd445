// The in-memory graph shared by converter and runtime.
// Values are tensors (activations or constants); nodes reference values by index.
// Dims of graph inputs/outputs may hold -1 for a dimension fixed only at run time.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/dtype.h"
#include "graph/op_id.h"

namespace qc {

struct Attr {
  enum class Kind : uint8_t { i = 1, f = 2, s = 3, ints = 4, floats = 5 };
  std::string name;
  Kind kind = Kind::i;
  int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<float> floats;
};

// Encoded bytes of a constant tensor. `scheme` is a row of the scheme table
// (0 = dense: elements of the value's dtype, little-endian). The bytes are
// either a view into a loaded bundle (owner == nullptr) or owned by `owner`.
struct ConstData {
  uint16_t scheme = 0;
  uint16_t scheme_version = 1;
  const uint8_t* bytes = nullptr;
  size_t size = 0;
  const uint8_t* side = nullptr;  // scheme side data (scales, centroids); may be null
  size_t side_size = 0;
  std::shared_ptr<const std::vector<uint8_t>> owner;
  std::shared_ptr<const std::vector<uint8_t>> side_owner;

  static ConstData owned(std::vector<uint8_t> data, uint16_t scheme = 0);
};

struct Value {
  std::string name;
  DType dtype = DType::f32;
  std::vector<int64_t> dims;
  std::optional<ConstData> constant;
};

struct Node {
  OpId op = OpId::count;
  std::string name;
  std::vector<int> inputs;   // -1 marks an omitted optional input
  std::vector<int> outputs;
  std::vector<Attr> attrs;

  // Lookups by name take a string_view: kernels call them on every run, and a
  // literal passed as std::string built (and freed) a temporary each time.
  const Attr* attr(std::string_view n) const;
  int64_t attr_i(std::string_view n, int64_t dflt) const;
  float attr_f(std::string_view n, float dflt) const;
  std::string attr_s(std::string_view n, const std::string& dflt) const;
  std::vector<int64_t> attr_ints(std::string_view n, std::vector<int64_t> dflt = {}) const;
  std::vector<float> attr_floats(std::string_view n, std::vector<float> dflt = {}) const;
  void set_i(const std::string& n, int64_t v);
  void set_f(const std::string& n, float v);
  void set_s(const std::string& n, const std::string& v);
  void set_ints(const std::string& n, std::vector<int64_t> v);
  void set_floats(const std::string& n, std::vector<float> v);
  void erase_attr(const std::string& n);
};

struct Graph {
  std::string name;
  std::vector<Value> values;
  std::vector<Node> nodes;  // topologically ordered
  std::vector<int> inputs;
  std::vector<int> outputs;

  int add_value(Value v);
  int find_value(const std::string& name) const;  // -1 if absent
  // Removes values no node or graph output references and renumbers; keeps order.
  void compact();
  // Throws Errc::bad_graph when indices are out of range, a value is produced twice,
  // or a node reads a value before it is produced.
  void validate() const;
};

}  // namespace qc

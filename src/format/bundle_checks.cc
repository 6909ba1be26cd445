#include "format/bundle_checks.h"

#include <algorithm>

#include "common/checked_math.h"
#include "format/utf8.h"

namespace qc::bundle {

Problem check_string(std::string_view s, std::string_view what, Errc code) {
  if (s.size() > UINT32_MAX) return {code, std::string(what) + " is longer than 2^32-1 bytes"};
  const size_t bad = find_invalid_utf8(s);
  if (bad != std::string_view::npos)
    return {code, std::string(what) + " is not valid UTF-8 (byte " + std::to_string(bad) + " of the string)"};
  const size_t nul = s.find('\0');
  if (nul != std::string_view::npos)
    return {code, std::string(what) + " contains a NUL byte (byte " + std::to_string(nul) + " of the string)"};
  return {};
}

Problem check_shape(uint8_t dtype, std::span<const int64_t> dims, bool allow_unknown, const ReadLimits& limits,
                    Errc code, uint64_t* elements) {
  if (!dtype_valid(dtype)) return {code, "invalid dtype code " + std::to_string(dtype)};
  if (dims.size() > limits.max_rank)
    return {Errc::limit_exceeded,
            "rank " + std::to_string(dims.size()) + " exceeds the limit " + std::to_string(limits.max_rank)};
  uint64_t product = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = dims[i];
    if (d == -1 && allow_unknown) continue;
    if (d < 0)
      return {code, "dim " + std::to_string(i) + " is " + std::to_string(d) +
                        (allow_unknown ? " (only -1 may mark a run-time dim)" : " (constants need known dims >= 0)")};
    if (mul_overflows(product, static_cast<uint64_t>(d), &product))
      return {Errc::shape_overflow, "element count overflows 64 bits at dim " + std::to_string(i)};
  }
  if (product > limits.max_elements)
    return {Errc::limit_exceeded,
            std::to_string(product) + " elements exceed the limit " + std::to_string(limits.max_elements)};
  *elements = product;
  return {};
}

bool attr_kind_valid(uint8_t kind) {
  return kind >= static_cast<uint8_t>(Attr::Kind::i) && kind <= static_cast<uint8_t>(Attr::Kind::floats);
}

Problem check_attrs(const std::vector<Attr>& attrs) {
  std::vector<std::string_view> names;
  names.reserve(attrs.size());
  for (const Attr& a : attrs) {
    if (a.name.empty()) return {Errc::bad_graph, "attr with an empty name"};
    if (auto p = check_string(a.name, "attr name", Errc::bad_graph)) return p;
    if (!attr_kind_valid(static_cast<uint8_t>(a.kind)))
      return {Errc::bad_graph, "attr '" + a.name + "' has invalid kind " + std::to_string(int(a.kind))};
    if (a.kind == Attr::Kind::s)
      if (auto p = check_string(a.s, "attr '" + a.name + "' string", Errc::bad_graph)) return p;
    if (a.ints.size() > UINT32_MAX || a.floats.size() > UINT32_MAX)
      return {Errc::bad_graph, "attr '" + a.name + "' has more than 2^32-1 elements"};
    names.push_back(a.name);
  }
  std::sort(names.begin(), names.end());
  const auto dup = std::adjacent_find(names.begin(), names.end());
  if (dup != names.end()) return {Errc::bad_graph, "duplicate attr '" + std::string(*dup) + "'"};
  return {};
}

}  // namespace qc::bundle

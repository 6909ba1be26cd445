#include "schemes/scheme_table.h"

#include <iterator>

#include "common/error.h"

namespace qc {

namespace {

constexpr SchemeInfo kSchemes[] = {
#define SCHEME(id, name, version, bits, layout_fn) {id, #name, version, bits, layout_fn},
#include "schemes/schemes.def"
#undef SCHEME
};

constexpr bool ids_strictly_increasing() {
  for (size_t i = 1; i < std::size(kSchemes); ++i)
    if (kSchemes[i].id <= kSchemes[i - 1].id) return false;
  return true;
}
static_assert(ids_strictly_increasing(), "schemes.def: ids must be unique and listed in increasing order");

constexpr bool versions_valid() {
  for (const auto& s : kSchemes)
    if (s.latest_version < 1) return false;
  return true;
}
static_assert(versions_valid(), "schemes.def: latest_version starts at 1");

}  // namespace

const SchemeInfo* find_scheme(uint16_t id) {
  for (const auto& s : kSchemes)
    if (s.id == id) return &s;
  return nullptr;
}

const SchemeInfo* find_scheme(std::string_view name) {
  for (const auto& s : kSchemes)
    if (name == s.name) return &s;
  return nullptr;
}

const SchemeInfo& scheme_info(uint16_t id) {
  const SchemeInfo* s = find_scheme(id);
  if (!s) fail(Errc::unknown_scheme, "unknown weight scheme id " + std::to_string(id) + " (known: " + scheme_name_list() + ")");
  return *s;
}

const char* scheme_name(uint16_t id) {
  const SchemeInfo* s = find_scheme(id);
  return s ? s->name : "?";
}

uint32_t scheme_bits_per_weight(uint16_t id, DType dtype) {
  const SchemeInfo& s = scheme_info(id);
  return s.bits_per_weight ? s.bits_per_weight : static_cast<uint32_t>(8 * dtype_size(dtype));
}

SchemeLayout scheme_layout(uint16_t id, uint16_t version, DType dtype, std::span<const int64_t> dims,
                           uint64_t elements, std::span<const uint8_t> side, const std::string& where) {
  const SchemeInfo* s = find_scheme(id);
  if (!s)
    fail(Errc::unknown_scheme, where + ": unknown weight scheme id " + std::to_string(id) + " (known: " +
                                   scheme_name_list() + ")");
  if (version < 1 || version > s->latest_version)
    fail(Errc::unknown_scheme, where + ": scheme '" + s->name + "' version " + std::to_string(version) +
                                   " is not supported (this reader knows 1.." + std::to_string(s->latest_version) + ")");
  SchemeLayout layout;
  if (!s->layout(version, dtype, dims, elements, side, &layout))
    fail(Errc::bad_tensor_record, where + ": scheme '" + s->name + "' cannot hold a " + dtype_name(dtype) +
                                      " tensor of this shape (or its side-data header is malformed)");
  return layout;
}

uint64_t expected_payload_size(uint16_t id, uint16_t version, DType dtype, std::span<const int64_t> dims,
                               uint64_t elements) {
  return scheme_layout(id, version, dtype, dims, elements, {}, "tensor").payload_bytes;
}

uint64_t expected_side_size(uint16_t id, uint16_t version, DType dtype, std::span<const int64_t> dims,
                            uint64_t elements, std::span<const uint8_t> side) {
  return scheme_layout(id, version, dtype, dims, elements, side, "tensor").side_bytes;
}

std::string scheme_name_list() {
  std::string s;
  for (const auto& row : kSchemes) {
    if (!s.empty()) s += ", ";
    s += row.name;
  }
  return s;
}

}  // namespace qc

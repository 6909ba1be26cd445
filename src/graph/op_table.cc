#include "graph/op_table.h"

#include <cstring>

namespace qc {

namespace {
const OpInfo kOps[] = {
#define OP(name, mi, ma, mo, mxo, shape_fn, kernel_fn, flags) {#name, mi, ma, mo, mxo, shape_fn, kernel_fn, flags},
#include "graph/ops.def"
#undef OP
};
static_assert(sizeof(kOps) / sizeof(kOps[0]) == static_cast<size_t>(OpId::count), "ops.def rows and OpId disagree");
}  // namespace

const OpInfo& op_info(OpId id) { return kOps[static_cast<size_t>(id)]; }
const char* op_name(OpId id) { return id < OpId::count ? kOps[static_cast<size_t>(id)].name : "?"; }

OpId op_from_name(const std::string& name) {
  for (size_t i = 0; i < static_cast<size_t>(OpId::count); ++i)
    if (name == kOps[i].name) return static_cast<OpId>(i);
  return OpId::count;
}

std::string supported_op_list() {
  std::string s;
  for (const auto& op : kOps) {
    if (!s.empty()) s += ", ";
    s += op.name;
  }
  return s;
}

}  // namespace qc

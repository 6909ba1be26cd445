#include "common/error.h"

namespace qc {

const char* errc_name(Errc c) {
  switch (c) {
    case Errc::ok: return "ok";
    case Errc::truncated: return "truncated";
    case Errc::bad_magic: return "bad_magic";
    case Errc::bad_version: return "bad_version";
    case Errc::offset_out_of_range: return "offset_out_of_range";
    case Errc::section_overlap: return "section_overlap";
    case Errc::shape_overflow: return "shape_overflow";
    case Errc::bad_section: return "bad_section";
    case Errc::bad_graph: return "bad_graph";
    case Errc::bad_tensor_record: return "bad_tensor_record";
    case Errc::bad_metadata: return "bad_metadata";
    case Errc::unknown_scheme: return "unknown_scheme";
    case Errc::limit_exceeded: return "limit_exceeded";
    case Errc::checksum_mismatch: return "checksum_mismatch";
    case Errc::hash_mismatch: return "hash_mismatch";
    case Errc::unsupported_op: return "unsupported_op";
    case Errc::invalid_model: return "invalid_model";
    case Errc::onnx_parse: return "onnx_parse";
    case Errc::shape_mismatch: return "shape_mismatch";
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::dtype_mismatch: return "dtype_mismatch";
    case Errc::out_of_memory: return "out_of_memory";
    case Errc::disposed: return "disposed";
    case Errc::io: return "io";
    case Errc::internal: return "internal";
  }
  return "unknown";
}

}  // namespace qc

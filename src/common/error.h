// Errors are values with context: a code (stable, mapped to a JS error class)
// and a message naming the file, tensor, op or byte offset at fault.
#pragma once
#include <stdexcept>
#include <string>

namespace qc {

// Stable numeric codes; never renumber (they cross the C API and reach JS).
enum class Errc : int {
  ok = 0,
  // bundle format (category BundleFormatError)
  truncated = 100,
  bad_magic = 101,
  bad_version = 102,
  offset_out_of_range = 103,
  section_overlap = 104,
  shape_overflow = 105,
  bad_section = 106,
  bad_graph = 107,
  bad_tensor_record = 108,
  bad_metadata = 109,
  unknown_scheme = 110,
  limit_exceeded = 111,
  // integrity (IntegrityError)
  checksum_mismatch = 200,
  hash_mismatch = 201,
  // model / graph (ModelError, UnsupportedOpError)
  unsupported_op = 300,
  invalid_model = 301,
  onnx_parse = 302,
  // run time (ShapeError, InvalidArgumentError)
  shape_mismatch = 400,
  invalid_argument = 401,
  dtype_mismatch = 402,
  out_of_memory = 403,
  disposed = 404,
  // host (IoError)
  io = 500,
  internal = 900,
};

const char* errc_name(Errc c);

class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  Errc code() const { return code_; }

 private:
  Errc code_;
};

[[noreturn]] inline void fail(Errc code, const std::string& message) { throw Error(code, message); }

}  // namespace qc

#include "host_tensor.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <onnx/onnx_pb.h>

#include "common/error.h"
#include "import/onnx_tensor.h"

namespace qc::conformance {

TensorRef HostTensor::view() const {
  TensorRef t;
  t.dtype = dtype;
  t.dims = dims;
  t.data = const_cast<uint8_t*>(bytes.data());
  return t;
}

HostTensor read_tensor_pb(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(Errc::io, path + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  onnx::TensorProto proto;
  if (!proto.ParseFromString(ss.str())) fail(Errc::onnx_parse, path + ": not a serialized TensorProto");
  TensorSource src;
  src.file_label = path;
  Value v = constant_from_tensor_proto(proto, proto.name(), src);
  HostTensor t;
  t.dtype = v.dtype;
  t.dims = v.dims;
  t.bytes.assign(v.constant->bytes, v.constant->bytes + v.constant->size);
  return t;
}

std::string npy_descr(DType dtype) {
  switch (dtype) {
    case DType::f32: return "<f4";
    case DType::f16: return "<f2";
    case DType::i64: return "<i8";
    case DType::i32: return "<i4";
    case DType::u8: return "|u1";
    case DType::i8: return "|i1";
    case DType::boolean: return "|b1";
    default: return "";
  }
}

void write_npy(const std::string& path, const TensorRef& t) {
  const std::string descr = npy_descr(t.dtype);
  if (descr.empty()) fail(Errc::invalid_argument, path + ": no .npy dtype for " + dtype_name(t.dtype));
  std::string shape = "(";
  for (size_t i = 0; i < t.dims.size(); ++i) shape += std::to_string(t.dims[i]) + (t.dims.size() == 1 ? "," : i + 1 < t.dims.size() ? ", " : "");
  shape += ")";
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic (6) + version (2) + header length (2) + header + '\n', padded to 64 bytes.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) fail(Errc::io, path + ": cannot create");
  const uint16_t hlen = static_cast<uint16_t>(header.size());
  const unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<unsigned char>(hlen & 0xff),
                                    static_cast<unsigned char>(hlen >> 8)};
  bool ok = std::fwrite(prefix, 1, 10, f) == 10 && std::fwrite(header.data(), 1, header.size(), f) == header.size();
  const size_t n = t.bytes();
  if (ok && n) ok = std::fwrite(t.data, 1, n, f) == n;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) fail(Errc::io, path + ": write failed");
}

}  // namespace qc::conformance

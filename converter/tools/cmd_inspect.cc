// qcomp inspect file.qcb [--json]: header, sections, tensors and metadata of a
// bundle, after full validation (checksums and SHA-256). A bundle whose integrity
// checks fail is still described when the rest of it is valid, with exit code 2.
#include <cstdio>
#include <optional>

#include "common/error.h"
#include "format/bundle.h"
#include "format/json.h"
#include "runtime/model_info.h"
#include "schemes/scheme_table.h"
#include "tools/args.h"
#include "tools/commands.h"
#include "tools/file_io.h"
#include "graph/dims_text.h"

namespace qc {

const char* const kInspectUsage = "qcomp inspect FILE.qcb [--json]\n";

namespace {

struct Inspection {
  Bundle bundle;
  bool checksums_ok = true;
  std::string integrity_error;
};

Inspection read_for_inspection(const AlignedBuffer& buf, const std::string& path) {
  Inspection r;
  const std::span<const uint8_t> bytes(buf.data(), buf.size());
  try {
    r.bundle = read_bundle(bytes);
    return r;
  } catch (const Error& e) {
    if (e.code() != Errc::checksum_mismatch && e.code() != Errc::hash_mismatch)
      fail(e.code(), path + ": " + e.what());
    r.checksums_ok = false;
    r.integrity_error = e.what();
    ReadLimits relaxed;
    relaxed.verify_hash = false;
    try {
      r.bundle = read_bundle(bytes, relaxed);
    } catch (const Error&) {
      fail(e.code(), path + ": " + e.what());
    }
    return r;
  }
}

uint64_t tensor_elements(const TensorRecordInfo& t) {
  uint64_t n = 1;
  for (int64_t d : t.dims) n *= static_cast<uint64_t>(d);
  return n;
}

Json parsed_metadata(const Bundle& b) {
  return b.metadata_json.empty() ? Json::object() : Json::parse(b.metadata_json);
}

void print_json(const Inspection& r, size_t file_bytes) {
  const Bundle& b = r.bundle;
  Json o = Json::object();
  o.set("version", std::to_string(b.version_major) + "." + std::to_string(b.version_minor));
  o.set("flags", b.flags);
  o.set("file_bytes", file_bytes);
  o.set("sha256", sha256_hex(b.sha256));
  Json sections = Json::array();
  for (const auto& s : b.sections) {
    Json j = Json::object();
    j.set("name", s.name);
    j.set("offset", s.offset);
    j.set("size", s.size);
    j.set("crc32", s.crc32);
    sections.push(std::move(j));
  }
  o.set("sections", std::move(sections));
  Json tensors = Json::array();
  uint64_t parameters = 0;
  for (const auto& t : b.tensors) {
    Json j = Json::object();
    j.set("name", t.name);
    j.set("dtype", dtype_name(t.dtype));
    j.set("dims", dims_json(t.dims));
    j.set("scheme", scheme_name(t.scheme));
    j.set("bytes", t.payload_size + t.side_size);
    tensors.push(std::move(j));
    parameters += tensor_elements(t);
  }
  o.set("tensors", std::move(tensors));
  o.set("parameters", parameters);
  o.set("metadata", parsed_metadata(b));
  o.set("checksums_ok", r.checksums_ok);
  if (!r.checksums_ok) o.set("integrity_error", r.integrity_error);
  std::printf("%s\n", o.dump(2).c_str());
}

void print_text(const Inspection& r, const std::string& path, size_t file_bytes) {
  const Bundle& b = r.bundle;
  std::printf("%s\n", path.c_str());
  std::printf("  version   %u.%u   flags 0x%08x   %zu bytes\n", b.version_major, b.version_minor, b.flags, file_bytes);
  std::printf("  sha256    %s\n", sha256_hex(b.sha256).c_str());
  std::printf("  integrity %s\n", r.checksums_ok ? "ok (section CRC32s and SHA-256 verified)"
                                                 : ("FAILED: " + r.integrity_error).c_str());
  std::printf("\nsections:\n  %-10s %12s %12s  %s\n", "name", "offset", "size", "crc32");
  for (const auto& s : b.sections)
    std::printf("  %-10s %12llu %12llu  %08x\n", s.name.c_str(), static_cast<unsigned long long>(s.offset),
                static_cast<unsigned long long>(s.size), s.crc32);
  std::printf("\ntensors:\n  %-32s %-8s %-18s %-10s %10s\n", "name", "dtype", "dims", "scheme", "bytes");
  uint64_t parameters = 0;
  for (const auto& t : b.tensors) {
    std::printf("  %-32s %-8s %-18s %-10s %10llu\n", t.name.c_str(), dtype_name(t.dtype), dims_text(t.dims).c_str(),
                scheme_name(t.scheme), static_cast<unsigned long long>(t.payload_size + t.side_size));
    parameters += tensor_elements(t);
  }
  std::printf("\nparameters: %llu in %zu tensors; graph: %zu nodes, %zu values\n",
              static_cast<unsigned long long>(parameters), b.tensors.size(), b.graph.nodes.size(),
              b.graph.values.size());
  std::printf("\nmetadata:\n%s\n", parsed_metadata(b).dump(2).c_str());
}

}  // namespace

int run_inspect_command(const std::vector<std::string>& args) {
  ArgSpec spec;
  spec.flags = {"--json"};
  const ParsedArgs a = parse_args(args, spec);
  if (a.positional.size() != 1) throw UsageError("inspect takes exactly one .qcb file");
  const std::string path = a.positional[0];
  const AlignedBuffer buf = read_file_aligned(path);
  const Inspection r = read_for_inspection(buf, path);
  if (a.flag("--json")) print_json(r, buf.size());
  else print_text(r, path, buf.size());
  if (!r.checksums_ok) std::fprintf(stderr, "qcomp: error: %s: %s\n", path.c_str(), r.integrity_error.c_str());
  return r.checksums_ok ? 0 : 2;
}

}  // namespace qc

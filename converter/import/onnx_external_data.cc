#include "import/onnx_external_data.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "common/checked_math.h"
#include "common/error.h"

namespace qc {

namespace fs = std::filesystem;

namespace {

uint64_t parse_u64(const std::string& s, const std::string& key, const std::string& where) {
  if (s.empty() || s.size() > 19) fail(Errc::invalid_model, where + ": external data " + key + " '" + s + "' is invalid");
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') fail(Errc::invalid_model, where + ": external data " + key + " '" + s + "' is invalid");
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// A location is safe when it is relative and has no '..' component; the resolved
// path is then checked again after symlinks are followed.
void check_location_is_confined(const std::string& location, const std::string& where) {
  if (location.empty()) fail(Errc::invalid_model, where + ": external data has no location");
  if (location.find('\0') != std::string::npos || location.find('\\') != std::string::npos ||
      location.find(':') != std::string::npos)
    fail(Errc::invalid_model, where + ": external data location '" + location + "' has forbidden characters");
  const fs::path p(location);
  if (p.is_absolute() || p.has_root_name() || p.has_root_directory())
    fail(Errc::invalid_model, where + ": external data location '" + location + "' must be relative to the model");
  for (const auto& part : p)
    if (part == "..")
      fail(Errc::invalid_model, where + ": external data location '" + location + "' must not contain '..'");
}

}  // namespace

std::vector<uint8_t> read_external_tensor_data(const onnx::TensorProto& t, const std::string& model_dir,
                                               uint64_t expected_bytes, const std::string& where) {
  std::string location;
  uint64_t offset = 0, length = expected_bytes;
  bool has_length = false;
  for (const auto& kv : t.external_data()) {
    if (kv.key() == "location") location = kv.value();
    else if (kv.key() == "offset") offset = parse_u64(kv.value(), "offset", where);
    else if (kv.key() == "length") { length = parse_u64(kv.value(), "length", where); has_length = true; }
  }
  if (model_dir.empty())
    fail(Errc::invalid_model, where + ": uses external data, which needs the model to be loaded from a file");
  check_location_is_confined(location, where);
  if (has_length && length != expected_bytes)
    fail(Errc::invalid_model, where + ": external data length " + std::to_string(length) + " != " +
                                  std::to_string(expected_bytes) + " bytes implied by the dims");

  std::error_code ec;
  const fs::path root = fs::weakly_canonical(fs::path(model_dir), ec);
  fs::path file;
  if (!ec) file = fs::weakly_canonical(root / location, ec);
  if (ec) fail(Errc::io, where + ": cannot resolve external data '" + location + "': " + ec.message());
  auto rel = file.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..")
    fail(Errc::invalid_model, where + ": external data '" + location + "' resolves outside the model directory");

  // The resolved path has no symlinks left: O_NOFOLLOW refuses one swapped in since.
  // O_NONBLOCK: opening a FIFO must not wait for a writer; only regular files are read.
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail(Errc::io, where + ": cannot open external data file '" + location + "': " + std::strerror(errno));
  std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* p) {
    ::close(*p);
    delete p;
  });
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    fail(Errc::invalid_model, where + ": external data '" + location + "' is not a regular file");
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  uint64_t end = 0;
  if (add_overflows(offset, length, &end) || end > size)
    fail(Errc::invalid_model, where + ": external data range [" + std::to_string(offset) + ", +" + std::to_string(length) +
                                  ") is outside '" + location + "' (" + std::to_string(size) + " bytes)");
  std::vector<uint8_t> out(length);
  uint64_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(Errc::io, where + ": short read from external data file '" + location + "'");
    done += static_cast<uint64_t>(n);
  }
  return out;
}

}  // namespace qc

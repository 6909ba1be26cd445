#include "tools/file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

namespace qc {

namespace {

using File = std::unique_ptr<FILE, int (*)(FILE*)>;

// Opens without blocking (a FIFO would wait for a writer) and refuses anything but
// a regular file (FIFOs, devices, directories, sockets) before reading a byte.
File open_for_read(const std::string& path, size_t* size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) fail(Errc::io, path + ": cannot open: " + std::strerror(errno));
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(Errc::io, path + ": not a regular file");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  File f(::fdopen(fd, "rb"), &std::fclose);
  if (!f) {
    ::close(fd);
    fail(Errc::io, path + ": cannot open: " + std::strerror(errno));
  }
  if (std::fseek(f.get(), 0, SEEK_END) != 0) fail(Errc::io, path + ": cannot seek: " + std::strerror(errno));
  const long end = std::ftell(f.get());
  if (end < 0) fail(Errc::io, path + ": cannot determine the file size (is it a regular file?)");
  std::rewind(f.get());
  *size = static_cast<size_t>(end);
  return f;
}

void read_exactly(FILE* f, uint8_t* dst, size_t size, const std::string& path) {
  if (size > 0 && std::fread(dst, 1, size, f) != size) fail(Errc::io, path + ": short read");
}

}  // namespace

std::vector<uint8_t> read_file_bytes(const std::string& path) {
  size_t size = 0;
  File f = open_for_read(path, &size);
  std::vector<uint8_t> out(size);
  read_exactly(f.get(), out.data(), size, path);
  return out;
}

AlignedBuffer read_file_aligned(const std::string& path) {
  size_t size = 0;
  File f = open_for_read(path, &size);
  AlignedBuffer out;
  if (!out.try_resize(size)) fail(Errc::out_of_memory, path + ": cannot allocate " + std::to_string(size) + " bytes");
  read_exactly(f.get(), out.data(), size, path);
  return out;
}

}  // namespace qc

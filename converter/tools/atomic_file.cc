#include "tools/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.h"

namespace qc {

namespace {

// Removes the temporary file unless released after a successful rename.
class TempFile {
 public:
  explicit TempFile(std::string path_template) : path_(std::move(path_template)) {
    fd_ = ::mkstemp(path_.data());
    if (fd_ < 0) path_.clear();
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  bool close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0;
  }
  void release() { path_.clear(); }

 private:
  std::string path_;
  int fd_ = -1;
};

std::string errno_text() { return std::strerror(errno); }

}  // namespace

void write_file_atomic(const std::string& path, std::span<const uint8_t> bytes) {
  namespace fs = std::filesystem;
  const fs::path dest(path);
  const fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
  TempFile tmp((dir / ("." + dest.filename().string() + ".tmp-XXXXXX")).string());
  if (tmp.fd() < 0) fail(Errc::io, path + ": cannot create a temporary file in '" + dir.string() + "': " + errno_text());
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(tmp.fd(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(Errc::io, path + ": write failed: " + errno_text());
    done += static_cast<size_t>(n);
  }
  ::fchmod(tmp.fd(), 0644);
  if (::fsync(tmp.fd()) != 0) fail(Errc::io, path + ": fsync failed: " + errno_text());
  if (!tmp.close()) fail(Errc::io, path + ": close failed: " + errno_text());
  if (::rename(tmp.path().c_str(), path.c_str()) != 0) fail(Errc::io, path + ": rename failed: " + errno_text());
  tmp.release();
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa{}, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace qc

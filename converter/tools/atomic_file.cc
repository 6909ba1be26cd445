#include "tools/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <random>
#include <cstring>
#include <filesystem>

#include "common/error.h"

namespace qc {

namespace {

// Temporary files being written, for the signal handler: SIGINT, SIGTERM, SIGHUP and
// SIGQUIT remove them (unlink is async-signal-safe), then end the process with the
// signal's default action, so an interrupted run leaves no partial file. A slot's
// `state` is 0 free, 1 claimed (path being set), 2 live (the handler unlinks it).
struct PendingSlot {
  std::atomic<int> state{0};
  char path[4096];
};
constexpr int kSlots = 16;
PendingSlot g_pending[kSlots];
constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void remove_pending_and_reraise(int sig) {
  for (auto& slot : g_pending)
    if (slot.state.load(std::memory_order_acquire) == 2) ::unlink(slot.path);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Installs the handler once, for each signal the parent did not ignore (a signal
// ignored on entry stays ignored, as shells expect of background jobs).
void install_cleanup_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : kCleanupSignals) {
      struct sigaction old{};
      if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;
      struct sigaction sa{};
      sa.sa_handler = remove_pending_and_reraise;
      sigemptyset(&sa.sa_mask);
      for (int other : kCleanupSignals) sigaddset(&sa.sa_mask, other);
      ::sigaction(sig, &sa, nullptr);
    }
  });
}

// Blocks the cleanup signals for the life of the object (then restores the mask).
class SignalBlock {
 public:
  SignalBlock() {
    sigset_t block;
    sigemptyset(&block);
    for (int sig : kCleanupSignals) sigaddset(&block, sig);
    ::pthread_sigmask(SIG_BLOCK, &block, &old_);
  }
  ~SignalBlock() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

// Creates the temporary file and registers it with the handler; removes it (and
// unregisters it) unless renamed into place. The name is registered *before* the file
// is created (O_CREAT | O_EXCL), so a signal handled on any thread at any moment finds
// every temporary that exists; unlinking a registered name not yet created is harmless.
// This thread blocks the signals while a name and its file change together.
class TempFile {
 public:
  // `prefix` + 6 random characters.
  explicit TempFile(const std::string& prefix) {
    install_cleanup_handlers();
    SignalBlock blocked;
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::random_device rd;
    for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
      std::string name = prefix;
      for (int i = 0; i < 6; ++i) name += kChars[rd() % (sizeof kChars - 1)];
      register_name(name);
      fd_ = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd_ >= 0) {
        path_ = name;
        break;
      }
      const int err = errno;
      unregister();
      errno = err;
      if (err != EEXIST) break;
    }
  }
  ~TempFile() {
    SignalBlock blocked;
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
    unregister();
  }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  bool close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0;
  }
  // Renames the file over `dest`; from then on it is the output, not a temporary.
  bool rename_to(const std::string& dest) {
    SignalBlock blocked;
    if (::rename(path_.c_str(), dest.c_str()) != 0) return false;
    path_.clear();
    unregister();
    return true;
  }

 private:
  void register_name(const std::string& name) {
    for (int i = 0; i < kSlots && slot_ < 0; ++i) {
      int expected = 0;
      if (name.size() < sizeof(PendingSlot::path) && g_pending[i].state.compare_exchange_strong(expected, 1)) {
        std::memcpy(g_pending[i].path, name.c_str(), name.size() + 1);
        g_pending[i].state.store(2, std::memory_order_release);
        slot_ = i;
      }
    }
  }
  void unregister() {
    if (slot_ >= 0) g_pending[slot_].state.store(0, std::memory_order_release);
    slot_ = -1;
  }

  std::string path_;
  int fd_ = -1;
  int slot_ = -1;
};

std::string errno_text() { return std::strerror(errno); }

}  // namespace

void write_file_atomic(const std::string& path, std::span<const uint8_t> bytes) {
  namespace fs = std::filesystem;
  const fs::path dest(path);
  const fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
  TempFile tmp((dir / ("." + dest.filename().string() + ".tmp-")).string());
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
  if (!tmp.rename_to(path)) fail(Errc::io, path + ": rename failed: " + errno_text());
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa{}, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace qc

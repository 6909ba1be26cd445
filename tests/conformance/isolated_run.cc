#include "isolated_run.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "onnx_test_case.h"
#include "run_one_test.h"

namespace qc::conformance {

namespace {

void write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void child_main(int fd, const std::string& test_dir, const std::string& out_root) {
  const TestResult r = run_one_test(test_dir, out_root, [fd](const std::string& s) { write_all(fd, "STAGE\t" + s + "\n"); });
  write_all(fd, serialize_result(r));
  ::close(fd);
  ::_exit(0);
}

std::string op_of(const std::string& test_dir) {
  try {
    return describe_test_case(test_dir).op;
  } catch (...) {
    return "?";
  }
}

// Reads the child's messages until EOF or the deadline; false on timeout.
bool read_child(int fd, int timeout_seconds, std::string* text) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int pr = ::poll(&p, 1, static_cast<int>(left.count()));
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) return pr < 0;  // poll error: stop reading, treat as EOF
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    text->append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

TestResult run_isolated(const std::string& test_dir, const std::string& out_root, int timeout_seconds) {
  TestResult r;
  r.name = std::filesystem::path(test_dir).filename().string();
  int fds[2];
  if (::pipe(fds) != 0) {
    r.message = std::string("runner: pipe failed: ") + std::strerror(errno);
    return r;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    r.message = std::string("runner: fork failed: ") + std::strerror(errno);
    return r;
  }
  if (pid == 0) {
    ::close(fds[0]);
    child_main(fds[1], test_dir, out_root);
  }
  ::close(fds[1]);
  std::string text;
  const bool finished = read_child(fds[0], timeout_seconds, &text);
  ::close(fds[0]);
  if (!finished) ::kill(pid, SIGKILL);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {}

  std::string stage = "start";
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.rfind("STAGE\t", 0) == 0) stage = line.substr(6);
    else if (TestResult parsed; parse_result(line, &parsed)) return parsed;
  }
  r.op = op_of(test_dir);
  r.stage = stage;
  r.artifacts = std::filesystem::exists(std::filesystem::path(out_root) / r.name / "model.qcb");
  r.status = Status::fail;
  if (!finished) r.message = stage + ": timed out after " + std::to_string(timeout_seconds) + " s";
  else if (WIFSIGNALED(wstatus))
    r.message = stage + ": crashed with signal " + std::to_string(WTERMSIG(wstatus)) + " (" + strsignal(WTERMSIG(wstatus)) + ")";
  else
    r.message = stage + ": child exited with status " + std::to_string(WEXITSTATUS(wstatus)) + " without a result";
  return r;
}

}  // namespace qc::conformance

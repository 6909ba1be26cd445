// A progress bar on stderr for long loops (calibration, k-means, sweeps, eval).
// On a TTY it redraws in place with '\r'; otherwise it prints a line at most
// every 10%. Quiet mode (or total <= 0) prints nothing.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace qc {

class Progress {
 public:
  Progress(std::string label, int64_t total, bool quiet = false);
  ~Progress();  // calls finish()
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(int64_t done);  // absolute count, 0..total
  void finish();              // completes the line (idempotent)

  // Process-wide default for new Progress objects (e.g. set by --quiet / --json).
  static void set_quiet_default(bool quiet);

 private:
  void draw(int64_t done);

  std::string label_;
  int64_t total_;
  bool quiet_, tty_, finished_ = false;
  int last_decile_ = -1;
  int last_percent_ = -1;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace qc

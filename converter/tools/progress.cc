#include "tools/progress.h"

#include <atomic>
#include <cstdio>

#include <unistd.h>

namespace qc {

namespace {

std::atomic<bool> g_quiet_default{false};
constexpr int kBarWidth = 30;

}  // namespace

void Progress::set_quiet_default(bool quiet) { g_quiet_default = quiet; }

Progress::Progress(std::string label, int64_t total, bool quiet)
    : label_(std::move(label)),
      total_(total),
      quiet_(quiet || g_quiet_default || total <= 0),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  if (!quiet_) draw(0);
}

Progress::~Progress() { finish(); }

void Progress::update(int64_t done) {
  if (quiet_ || finished_) return;
  if (done < 0) done = 0;
  if (done > total_) done = total_;
  if (tty_) {
    // Redraw when the percentage changes, but not more than ~20 times a second.
    const int percent = static_cast<int>(done * 100 / total_);
    const auto now = std::chrono::steady_clock::now();
    if (percent == last_percent_ || (now - last_draw_ < std::chrono::milliseconds(50) && done < total_)) return;
    last_draw_ = now;
  }
  draw(done);
}

void Progress::finish() {
  if (quiet_ || finished_) return;
  if (tty_) {
    draw(total_);
    std::fputc('\n', stderr);
  } else if (last_decile_ < 10) {
    draw(total_);
  }
  std::fflush(stderr);
  finished_ = true;
}

void Progress::draw(int64_t done) {
  const int percent = static_cast<int>(done * 100 / total_);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (tty_) {
    if (percent == last_percent_) return;
    last_percent_ = percent;
    const int filled = static_cast<int>(done * kBarWidth / total_);
    char bar[kBarWidth + 1];
    for (int i = 0; i < kBarWidth; ++i) bar[i] = i < filled ? '#' : '.';
    bar[kBarWidth] = '\0';
    std::fprintf(stderr, "\r%s [%s] %3d%% %lld/%lld %.1fs", label_.c_str(), bar, percent,
                 static_cast<long long>(done), static_cast<long long>(total_), seconds);
    std::fflush(stderr);
    return;
  }
  const int decile = percent / 10;
  if (decile <= last_decile_) return;
  last_decile_ = decile;
  std::fprintf(stderr, "%s: %d%% (%lld/%lld, %.1fs)\n", label_.c_str(), decile * 10, static_cast<long long>(done),
               static_cast<long long>(total_), seconds);
}

}  // namespace qc

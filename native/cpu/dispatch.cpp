// CPU backend entry points: method dispatch and the measured copy bandwidth.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "kernels.h"

namespace leet::cpu {

void run(const AttnParams& p, Method m) {
  switch (m) {
    case Method::Vanilla: vanilla(p); return;
    case Method::Recurrent: recurrent(p); return;
    case Method::Blocked: blocked(p); return;
    case Method::Recursive: recursive(p); return;
    case Method::Fleet: fleet(p); return;
    case Method::Lightning: lightning(p); return;
    case Method::Fused: blocked(p); return;  // the CPU's fused method is the blocked code
  }
  throw std::runtime_error("leet-decoding cpu backend: unknown method code " + std::to_string((int)m) + ".");
}

namespace {

// Streams a 128 MiB buffer into another (far larger than any cache) with `threads`
// workers, each copying its own slice; returns the best (read + write) bytes per second
// of a few repeats after a warm-up that also faults the pages in.
double measure_copy_bandwidth(int threads) {
  const size_t bytes = size_t(128) << 20;
  kern::Buf<char> src(bytes), dst(bytes);  // zero-filled: pages are touched
  for (size_t i = 0; i < bytes; i += 4096) src[i] = (char)(i >> 12);
  const int64_t parts = threads;
  const size_t slice = bytes / (size_t)parts;
  auto once = [&]() {
    const auto t0 = std::chrono::steady_clock::now();
    parallel_for(parts, threads, [&](int64_t i) {
      const size_t off = (size_t)i * slice;
      const size_t len = i + 1 == parts ? bytes - off : slice;
      std::memcpy(dst.data() + off, src.data() + off, len);
    });
    const auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double>(t1 - t0).count();
  };
  once();
  double best = 1e30;
  for (int rep = 0; rep < 4; ++rep) best = std::min(best, once());
  volatile char sink = dst[bytes / 2];
  (void)sink;
  return 2.0 * (double)bytes / best;
}

}  // namespace

// Measured once per thread count (about a third of a second), then remembered.
double copy_bandwidth(int threads) {
  if (threads < 1) threads = 1;
  static std::mutex mutex;
  static std::map<int, double> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(threads);
  if (it != cache.end()) return it->second;
  const double bw = measure_copy_bandwidth(threads);
  cache[threads] = bw;
  return bw;
}

}  // namespace leet::cpu

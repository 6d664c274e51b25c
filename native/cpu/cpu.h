// Entry point of the CPU backend: one function per method, each dispatching on dtype.
// Every method honours the whole AttnParams contract (per-head decay, scale, initial
// and final state, packed variable-length sequences) and writes every output element.
#pragma once
#include "../params.h"

namespace leet::cpu {

void vanilla(const AttnParams& p);
void recurrent(const AttnParams& p);
void blocked(const AttnParams& p);
void recursive(const AttnParams& p);
void fleet(const AttnParams& p);
void lightning(const AttnParams& p);

// Runs `m` (Fused shares the blocked code on the CPU). Throws std::runtime_error on an
// invariant violation; never aborts.
void run(const AttnParams& p, Method m);

// Bytes per second of a streaming copy on this machine (read + write), measured.
double copy_bandwidth(int threads);

}  // namespace leet::cpu

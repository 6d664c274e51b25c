#include "kernels.h"
namespace leet::cpu { void recursive(const AttnParams& p) { kern::validate(p); throw std::runtime_error("not yet"); } }

#include "kernels.h"
namespace leet::cpu { void blocked(const AttnParams& p) { kern::validate(p); throw std::runtime_error("not yet"); } }

#include "kernels.h"
namespace leet::cpu { void fleet(const AttnParams& p) { kern::validate(p); throw std::runtime_error("not yet"); } }

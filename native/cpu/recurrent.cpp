#include "kernels.h"
namespace leet::cpu { void recurrent(const AttnParams& p) { kern::validate(p); throw std::runtime_error("not yet"); } }

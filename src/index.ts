// Public surface of leet-decoding: re-exports only.
export { Tensor, type Location, type RandnOptions } from "./tensor";
export { DTYPES, type DType, type Storage, toFloat16Bits, fromFloat16Bits, toBfloat16Bits, fromBfloat16Bits } from "./dtype";
export { decayAttention, type DecayAttentionOptions, type AttentionWithState, type BackendOption, type Precision } from "./operator";
export { methods, getMethod, methodIds, type MethodInfo, type ProblemShape, type Backend, DEFAULT_CHUNK } from "./methods";
export { info, type Info } from "./info";
export { referenceAttention, type ReferenceOptions, type ReferenceResult } from "./reference";
export { resolveDecayRates, type DecayOptions } from "./decay";
export { chooseMethod, type AutoChoice } from "./auto";
export { timeAttention, copyBandwidth, median, type TimeOptions, type Timing } from "./timing";
export { ArgumentError } from "./validate";

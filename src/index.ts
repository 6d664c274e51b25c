// Public surface of leet-decoding: re-exports only.
export { Tensor, type Location, type RandnOptions } from "./tensor";
export { DTYPES, type DType, type Storage, toFloat16Bits, fromFloat16Bits, toBfloat16Bits, fromBfloat16Bits } from "./dtype";
export { decayAttention, type DecayAttentionOptions, type AttentionWithState, type BackendOption, type Precision } from "./operator";
export { methods, getMethod, methodIds, type MethodInfo, type ProblemShape, type Backend, DEFAULT_CHUNK } from "./methods";
export { info, type Info } from "./info";
export { referenceAttention, type ReferenceOptions, type ReferenceResult } from "./reference";
export { resolveDecayRates, type DecayOptions } from "./decay";
export { chooseMethod, type AutoChoice, type AutoContext } from "./auto";
export { timeAttention, copyBandwidth, median, type TimeOptions, type Timing } from "./timing";
export { ArgumentError } from "./validate";
export { createDecoder, Decoder, type DecoderOptions } from "./decoder";
export { registerMethod, unregisterMethod, type MethodDefinition, type MethodComplexity, type MethodContext, type MethodRun } from "./methods";
export {
  complexity, complexityTable, fitScaling, formatExponent, roofline, measureDevice, crossover, GPU_PEAKS,
  type Complexity, type ScalingFit, type ScalingShape, type DeviceProfile, type Floor, type Roofline, type Crossover, type CrossoverOptions, type Measurement,
} from "./complexity";
export {
  sweep, checkMethods, validateResults, terminalProgress, resultsTable,
  type SweepOptions, type SweepProgress, type SweepCallbacks, type SweepResults, type SweepRow, type SweepHeader, type FitRow, type CheckRow, type CheckOptions,
} from "./bench";
export { toHTML, reportHTML, writeReport, reportFigures, runtimeFigure, errorFigure, throughputFigure, memoryFigure, fastestFigure, type Figure, type Trace } from "./plot";
export * as bench from "./bench";
export * as plot from "./plot";

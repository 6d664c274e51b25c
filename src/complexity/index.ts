// Complexity analysis: cost models from the registry, power-law fits, roofline, crossover.
export { complexity, complexityTable, type Complexity } from "./models";
export { fitScaling, formatExponent, type ScalingFit, type ScalingShape } from "./fit";
export { roofline, measureDevice, gpuPeak, cpuPeak, GPU_PEAKS, type DeviceProfile, type Floor, type Roofline, type GpuPeak, type MeasureOptions } from "./roofline";
export { crossover, type Crossover, type CrossoverOptions, type Measurement } from "./crossover";

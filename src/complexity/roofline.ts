// The roofline: a method's predicted floor on a shape is max(bytes / bandwidth,
// flops / peak). Bandwidth is measured by the library on this device (a device-to-device
// copy on the GPU, a streaming copy on the CPU); peak comes from a documented table of
// GPUs, from cores × clock × SIMD width on the CPU, or from the caller.
import * as fs from "node:fs";
import * as os from "node:os";
import { cudaAvailable, requireCuda } from "../backend";
import type { DType } from "../dtype";
import { info } from "../info";
import type { Backend, MethodInfo, ProblemShape } from "../methods";
import { copyBandwidth } from "../timing";
import { checkOneOf, fail } from "../validate";
import { checkProblemShape, resolveMethod } from "./models";

/** What the roofline needs to know about a device. */
export interface DeviceProfile {
  backend: Backend;
  /** e.g. "NVIDIA H100 80GB HBM3" or "CPU (2 threads, avx2+fma)". */
  name: string;
  /** Sustained memory bandwidth, bytes/s (read + write). */
  bandwidth: number;
  /** How the bandwidth was obtained, e.g. "measured: 256 MiB streaming copy". */
  bandwidthSource: string;
  /** Peak FLOP/s by input dtype (tensor-core rates for float16/bfloat16 on GPUs). */
  peakFlops: Record<DType, number>;
  /** Where the peak comes from. */
  peakSource: string;
}

export interface Floor {
  /** max(memorySeconds, computeSeconds). */
  seconds: number;
  memorySeconds: number;
  computeSeconds: number;
  bound: "memory" | "compute";
  flops: number;
  bytes: number;
}

export interface Roofline {
  device: DeviceProfile;
  /** The predicted floor of `method` on `shape` with `dtype` inputs (default float32). */
  floor(method: string | MethodInfo, shape: ProblemShape, dtype?: DType): Floor;
  /** Attainable FLOP/s at an arithmetic intensity (flops/byte): min(peak, bandwidth · intensity). */
  attainable(intensity: number, dtype?: DType): number;
  /** The intensity where memory and compute bounds meet (flops/byte). */
  ridge(dtype?: DType): number;
}

/** One row of the documented GPU table (dense rates from the vendors' datasheets). */
export interface GpuPeak {
  /** Matched case-insensitively against the device name; the first match wins. */
  match: RegExp;
  model: string;
  /** FP32 on CUDA cores, FP64, and FP16/BF16 tensor cores with FP32 accumulation, FLOP/s. */
  fp32: number;
  fp64: number;
  half: number;
}

const T = 1e12;
/** Peak rates of common NVIDIA GPUs (datasheet values, dense, boost clock). */
export const GPU_PEAKS: readonly GpuPeak[] = [
  { match: /H100.*PCIe/i, model: "H100 PCIe", fp32: 51.2 * T, fp64: 25.6 * T, half: 756 * T },
  { match: /H100.*NVL/i, model: "H100 NVL", fp32: 60 * T, fp64: 30 * T, half: 835 * T },
  { match: /H100|H200|GH200/i, model: "H100/H200 SXM", fp32: 66.9 * T, fp64: 33.5 * T, half: 989 * T },
  { match: /A100/i, model: "A100", fp32: 19.5 * T, fp64: 9.7 * T, half: 312 * T },
  { match: /L40S/i, model: "L40S", fp32: 91.6 * T, fp64: 1.4 * T, half: 362 * T },
  { match: /L40/i, model: "L40", fp32: 90.5 * T, fp64: 1.4 * T, half: 181 * T },
  { match: /\bL4\b/i, model: "L4", fp32: 30.3 * T, fp64: 0.47 * T, half: 121 * T },
  { match: /A10\b|A10G/i, model: "A10", fp32: 31.2 * T, fp64: 0.98 * T, half: 125 * T },
  { match: /RTX 4090/i, model: "GeForce RTX 4090", fp32: 82.6 * T, fp64: 1.3 * T, half: 165 * T },
  { match: /RTX 3090/i, model: "GeForce RTX 3090", fp32: 35.6 * T, fp64: 0.56 * T, half: 71 * T },
  { match: /V100/i, model: "V100", fp32: 15.7 * T, fp64: 7.8 * T, half: 125 * T },
  { match: /\bT4\b/i, model: "T4", fp32: 8.1 * T, fp64: 0.25 * T, half: 65 * T },
];

/** Peak FLOP/s for a GPU by name; unknown GPUs get an estimate from their SM count. */
export function gpuPeak(name: string, multiprocessors = 0): { peakFlops: Record<DType, number>; source: string } {
  const row = GPU_PEAKS.find((g) => g.match.test(name));
  if (row) {
    return {
      peakFlops: { float32: row.fp32, float64: row.fp64, float16: row.half, bfloat16: row.half },
      source: `datasheet table: ${row.model} (FP32 CUDA cores for float32, FP16/BF16 tensor cores, dense)`,
    };
  }
  // 128 FP32 lanes per SM at ~1.5 GHz; tensor cores ~8× that. An estimate, said so.
  const fp32 = Math.max(1, multiprocessors) * 128 * 2 * 1.5e9;
  return {
    peakFlops: { float32: fp32, float64: fp32 / 32, float16: fp32 * 8, bfloat16: fp32 * 8 },
    source: `estimate for a GPU not in the table: ${multiprocessors} SMs × 128 FP32 lanes × 2 × 1.5 GHz (tensor cores 8×)`,
  };
}

function cpuClockHz(): number {
  const speeds = os.cpus().map((c) => c.speed).filter((s) => s > 0);
  if (speeds.length) return Math.max(...speeds) * 1e6;
  try {
    const mhz = /cpu MHz\s*:\s*([\d.]+)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    if (mhz) return Number(mhz[1]) * 1e6;
  } catch {
    // no /proc on this system
  }
  return 2.5e9;
}

/** CPU peak: threads × clock × float32 FLOPs per cycle of the SIMD level (two FMA pipes). */
export function cpuPeak(threads: number, simd: string, clockHz = cpuClockHz()): { peakFlops: Record<DType, number>; source: string } {
  const perCycle = /avx512/i.test(simd) ? 64 : /avx2|fma/i.test(simd) ? 32 : /sse/i.test(simd) ? 8 : 2;
  const fp32 = threads * clockHz * perCycle;
  return {
    // The 16-bit types are widened to float32 for the arithmetic on the CPU.
    peakFlops: { float32: fp32, float64: fp32 / 2, float16: fp32, bfloat16: fp32 },
    source: `${threads} threads × ${(clockHz / 1e9).toFixed(2)} GHz × ${perCycle} float32 FLOP/cycle (${simd}, 2 FMA pipes)`,
  };
}

export interface MeasureOptions {
  /** Bytes copied by the bandwidth measurement. Default 256 MiB on the CPU, 1 GiB on CUDA. */
  bytes?: number;
  /** Use this bandwidth (bytes/s) instead of measuring. */
  bandwidth?: number;
  /** Override peaks (FLOP/s) per dtype. */
  peakFlops?: Partial<Record<DType, number>>;
  /** CPU threads. Default: every core available. */
  threads?: number;
}

/** Measures (bandwidth) and looks up (peak) the roofline parameters of a backend on this machine. */
export async function measureDevice(backend: Backend | "auto" = "auto", options: MeasureOptions = {}): Promise<DeviceProfile> {
  checkOneOf("backend", backend, ["auto", "cpu", "cuda"] as const);
  const be: Backend = backend === "auto" ? (cudaAvailable() ? "cuda" : "cpu") : backend;
  const inf = info();
  let name: string;
  let peak: { peakFlops: Record<DType, number>; source: string };
  if (be === "cuda") {
    requireCuda(backend);
    const dev = inf.backends.cuda.devices[0];
    name = dev.name;
    peak = gpuPeak(dev.name, dev.multiprocessors);
  } else {
    const threads = options.threads ?? inf.backends.cpu.threads;
    name = `CPU (${threads} threads, ${inf.backends.cpu.simd}${os.cpus()[0]?.model ? `, ${os.cpus()[0].model.trim()}` : ""})`;
    peak = cpuPeak(threads, inf.backends.cpu.simd);
  }
  let bandwidth: number;
  let bandwidthSource: string;
  if (options.bandwidth !== undefined) {
    if (!(options.bandwidth > 0)) fail("options.bandwidth", "a bandwidth > 0 in bytes/s", options.bandwidth);
    bandwidth = options.bandwidth;
    bandwidthSource = "given by the caller";
  } else {
    const bytes = options.bytes ?? (be === "cuda" ? 1 << 30 : 256 << 20);
    bandwidth = await copyBandwidth(be, bytes, options.threads);
    bandwidthSource = `measured: ${be === "cuda" ? "device-to-device" : "streaming"} copy of ${Math.round(bytes / (1 << 20))} MiB (read + write)`;
  }
  const peakFlops = { ...peak.peakFlops, ...(options.peakFlops ?? {}) };
  return {
    backend: be,
    name,
    bandwidth,
    bandwidthSource,
    peakFlops,
    peakSource: options.peakFlops ? `given by the caller where set; otherwise ${peak.source}` : peak.source,
  };
}

/** @internal Checks a DeviceProfile given by a caller. */
export function checkDevice(device: unknown, name = "device"): DeviceProfile {
  const d = device as DeviceProfile;
  if (d === null || typeof d !== "object" || !(d.bandwidth > 0) || typeof d.peakFlops !== "object" || d.peakFlops === null) {
    fail(name, "a DeviceProfile (from measureDevice) with bandwidth > 0 and peakFlops", device);
  }
  return d;
}

/** The roofline of a device: floors of methods on shapes, attainable FLOP/s, the ridge point. */
export function roofline(device: DeviceProfile): Roofline {
  const dev = checkDevice(device);
  const peak = (dtype: DType): number => {
    const p = dev.peakFlops[dtype];
    if (!(p > 0)) fail("dtype", `a dtype with a known peak (${Object.keys(dev.peakFlops).join(", ")})`, dtype);
    return p;
  };
  return {
    device: dev,
    floor(method, shape, dtype = "float32") {
      const m = resolveMethod(method);
      const s = checkProblemShape(shape);
      const flops = m.flops(s);
      const bytes = m.bytes(s, dtype);
      const memorySeconds = bytes / dev.bandwidth;
      const computeSeconds = flops / peak(dtype);
      return {
        seconds: Math.max(memorySeconds, computeSeconds),
        memorySeconds,
        computeSeconds,
        bound: memorySeconds >= computeSeconds ? "memory" : "compute",
        flops,
        bytes,
      };
    },
    attainable: (intensity, dtype = "float32") => Math.min(peak(dtype), dev.bandwidth * intensity),
    ridge: (dtype = "float32") => peak(dtype) / dev.bandwidth,
  };
}

// Loads the native addon and types its raw surface. Internal: the public API wraps
// these in Tensor, decayAttention and info, which validate everything first.
import * as fs from "node:fs";
import * as path from "node:path";

/** @internal A block of GPU memory owned by the addon (freed on free() or collection). */
export interface RawDeviceBuffer {
  readonly bytes: number;
  readonly freed: boolean;
  upload(src: ArrayBufferView): void;
  download(dst: ArrayBufferView): void;
  fill(byte: number): void;
  free(): void;
}

type HostOrDevice = ArrayBufferView | RawDeviceBuffer;

/** @internal The call record copied into one native AttnParams. */
export interface RawBaton {
  backend: "cpu" | "cuda";
  method: number;
  dtype: number;
  B: number;
  H: number;
  N: number;
  r: number;
  d: number;
  q: HostOrDevice;
  k: HostOrDevice;
  v: HostOrDevice;
  o: HostOrDevice;
  decayRate: Float64Array;
  scale: number;
  chunk: number;
  threads: number;
  precision: "exact" | "tf32";
  initialState?: HostOrDevice;
  finalState?: HostOrDevice;
  cuSeqlens?: Float64Array;
}

/** @internal */
export interface RawInfo {
  cpu: { hardwareThreads: number; simd: string };
  cuda: {
    compiled: boolean;
    available: boolean;
    reason?: string;
    devices: Array<{
      index: number;
      name: string;
      computeCapability: string;
      totalMemory: number;
      freeMemory: number;
      multiprocessors: number;
      l2Bytes: number;
    }>;
  };
}

/** @internal A prepared decode step (cuda, N = 1, the state updated in place). */
export interface RawStepPlan {
  /** Launches one step without waiting; throws if the launch fails. */
  step(q: RawDeviceBuffer, k: RawDeviceBuffer, v: RawDeviceBuffer, o: RawDeviceBuffer): void;
}

/** @internal */
export interface RawAddon {
  DeviceBuffer: new (bytes: number) => RawDeviceBuffer;
  /** Built from a baton without q, k, v, o whose initialState is finalState. */
  StepPlan: new (baton: Omit<RawBaton, "q" | "k" | "v" | "o">) => RawStepPlan;
  /** Waits for all enqueued GPU work (throws on an execution error). */
  synchronize(): void;
  run(baton: RawBaton): Promise<void>;
  /** Same as run, launched from the calling thread without waiting (tiny CUDA calls only). */
  runSync(baton: RawBaton): void;
  time(baton: RawBaton, warmup: number, reps: number): Promise<Float64Array>;
  copyBandwidth(backend: "cpu" | "cuda", bytes: number, threads: number): Promise<number>;
  /** free/total: the whole device (every process); inUse: bytes of this process's live DeviceBuffers. */
  memInfo(): { free: number; total: number; inUse: number };
  info(): RawInfo;
}

let cached: RawAddon | undefined;

/** @internal Loads build/Release (or build/Debug) leet_decoding.node; one error lists every attempt. */
export function addon(): RawAddon {
  if (cached) return cached;
  const root = path.resolve(__dirname, "..", "..");
  const candidates = [
    process.env.LEET_DECODING_ADDON,
    path.join(root, "build", "Release", "leet_decoding.node"),
    path.join(root, "build", "Debug", "leet_decoding.node"),
  ].filter((p): p is string => typeof p === "string" && p.length > 0);
  const failures: string[] = [];
  for (const file of candidates) {
    if (!fs.existsSync(file)) {
      failures.push(`${file}: not found`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      cached = require(file) as RawAddon;
      return cached;
    } catch (e) {
      failures.push(`${file}: ${(e as Error).message}`);
    }
  }
  throw new Error(
    `leet-decoding: the native addon could not be loaded. Run \`npm run build:native\` in ${root}.\n` +
      failures.map((f) => `  - ${f}`).join("\n"),
  );
}

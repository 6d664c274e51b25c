// info(): what this installation can run on.
import { defaultThreads, nativeInfo } from "./backend";

export interface Info {
  version: string;
  backends: {
    cpu: { available: true; threads: number; hardwareThreads: number; simd: string };
    cuda: {
      compiled: boolean;
      available: boolean;
      /** Why CUDA is unavailable (absent when it is available). */
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
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const version: string = require("../package.json").version;

export function info(): Info {
  const raw = nativeInfo();
  return {
    version,
    backends: {
      cpu: { available: true, threads: defaultThreads(), hardwareThreads: raw.cpu.hardwareThreads, simd: raw.cpu.simd },
      cuda: { ...raw.cuda },
    },
  };
}

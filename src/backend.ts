// Which backends exist on this machine, and why CUDA is not usable when it is not.
import * as os from "node:os";
import { addon, type RawInfo } from "./binding/addon";
import { failWith } from "./validate";

let rawInfo: RawInfo | undefined;

/** @internal The addon's info, read once. */
export function nativeInfo(): RawInfo {
  if (!rawInfo) rawInfo = addon().info();
  return rawInfo;
}

/** True when the CUDA backend can run (compiled in and a device present). */
export function cudaAvailable(): boolean {
  return nativeInfo().cuda.available;
}

/** Why CUDA is unusable ("" when it is usable). */
export function cudaUnavailableReason(): string {
  const c = nativeInfo().cuda;
  return c.available ? "" : c.reason ?? "unknown reason";
}

/** The compute capability of the device the CUDA backend runs on (device 0), if any. */
export function cudaComputeCapability(): string | undefined {
  return nativeInfo().cuda.devices[0]?.computeCapability;
}

/** Throws the library's error for the CUDA backend asked for (`received`) where none is usable. */
export function requireCuda(received = "cuda"): void {
  if (!cudaAvailable()) failWith("backend", "a usable backend", `"${received}": CUDA is not available (${cudaUnavailableReason()})`);
}

/** The streaming multiprocessors of that device, if any. */
export function cudaMultiprocessors(): number | undefined {
  return nativeInfo().cuda.devices[0]?.multiprocessors;
}

/** Default CPU worker threads: every core this process may use. */
export function defaultThreads(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

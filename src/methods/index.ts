// The method registry: one entry per method, in a fixed order.
import { blocked } from "./blocked";
import { fleet } from "./fleet";
import { fused } from "./fused";
import { lightning } from "./lightning";
import { recurrent } from "./recurrent";
import { recursive } from "./recursive";
import type { MethodInfo } from "./types";
import { vanilla } from "./vanilla";

export type BuiltinMethodId = "vanilla" | "recurrent" | "blocked" | "recursive" | "fleet" | "lightning" | "fused";

const registry = new Map<string, MethodInfo>();
for (const m of [vanilla, recurrent, blocked, recursive, fleet, lightning, fused]) registry.set(m.id, m);

const list: MethodInfo[] = [...registry.values()];

/** Every registered method (built-in ones first); user methods join it when registered. */
export const methods: readonly MethodInfo[] = list;

/** @internal Adds an entry (used by registerMethod, which validates it first). */
export function addMethod(m: MethodInfo): void {
  registry.set(m.id, m);
  list.push(m);
}

export function methodIds(): string[] {
  return [...registry.keys()];
}

export function getMethod(id: string): MethodInfo | undefined {
  return registry.get(id);
}

export * from "./types";

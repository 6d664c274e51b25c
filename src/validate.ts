// Argument checks shared by the whole API. Every message names the argument, what was
// expected, and what was received, in one format:
//   Expected <what> for <name> but received <value description>
// Nothing here touches native code: validation finishes before anything crosses over.

/** Thrown for any invalid argument; `argument` names it. */
export class ArgumentError extends TypeError {
  readonly argument: string;
  constructor(argument: string, message: string) {
    super(message);
    this.name = "ArgumentError";
    this.argument = argument;
  }
}

/** Short description of a received value, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") return `"${value}" of type string`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return `${String(value)} of type ${typeof value}`;
  }
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map((x) => (typeof x === "string" ? `"${x}"` : String(x)));
    return `[${shown.join(", ")}${value.length > 8 ? ", ..." : ""}] (array of length ${value.length})`;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = value as unknown as ArrayLike<number>;
    return `${value.constructor.name} of length ${arr.length}`;
  }
  if (typeof value === "object") {
    const ctor = (value as object).constructor?.name;
    const text = typeof (value as { toString?: unknown }).toString === "function" ? String(value) : "";
    if (text && text !== "[object Object]") return text;
    return ctor && ctor !== "Object" ? `an instance of ${ctor}` : "an object";
  }
  return `a ${typeof value}`;
}

export function fail(name: string, expected: string, received: unknown, detail?: string): never {
  throw new ArgumentError(name, `Expected ${expected} for ${name} but received ${describe(received)}${detail ? `: ${detail}` : ""}`);
}

/** Like fail, with the received part already written (e.g. a shape). */
export function failWith(name: string, expected: string, receivedText: string): never {
  throw new ArgumentError(name, `Expected ${expected} for ${name} but received ${receivedText}`);
}

export function isPositiveInteger(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 1;
}

export function checkPositiveInteger(name: string, x: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (!isPositiveInteger(x) || x > max) fail(name, `an integer between 1 and ${max}`, x);
  return x;
}

export function checkOneOf<T extends string>(name: string, x: unknown, allowed: readonly T[]): T {
  if (typeof x !== "string" || !allowed.includes(x as T)) fail(name, `one of ${allowed.join(", ")}`, x);
  return x as T;
}

export function checkFinite(name: string, x: unknown): number {
  if (typeof x !== "number" || !Number.isFinite(x)) fail(name, "a finite number", x);
  return x;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Checks a shape: an array of positive integers. */
export function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every(isPositiveInteger)) {
    fail(name, "a non-empty array of positive integers", shape);
  }
  return [...shape];
}

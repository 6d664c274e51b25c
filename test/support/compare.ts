// Error measures used by the tests.

/** ‖a − b‖₂ / ‖b‖₂; NaN anywhere in a gives Infinity (an unwritten, poisoned element). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) return Infinity;
    const e = a[i] - b[i];
    num += e * e;
    den += b[i] * b[i];
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

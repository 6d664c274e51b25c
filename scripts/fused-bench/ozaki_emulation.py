"""Would an exact float32 path from int8 slices (Ozaki-style) meet the issue's accuracy bar?

Emulates, in numpy on the CPU, the chunked operator (chunks of 32 tokens, r = d = 128, one
head, scale 1) with every product A @ B computed as a GPU kernel would from int8 slices:
  - each row of A (and column of B) along the contraction is scaled by a power of two to
    its largest element and cut into `nsl` signed slices (the first of 7 bits, each later one
    of 8: |slice| <= 64);
  - only the slice pairs with s + t <= keep are multiplied, accumulated exactly in integers
    (int32 on the GPU; the script asserts that they fit), the pairs of one level s + t summed
    in one accumulator, smallest level first;
  - levels recombined, scaled and accumulated in float64 (the state S too), as version 4 keeps
    them; the output rounded once to float32.
The state is re-sliced every chunk (Q S), the masked, decayed P = Q K^T too (P V).
Prints the relative error (L2, against the float64 chunked form) of this, of the float64
chunked form rounded to float32 (version 4's arithmetic) and of a float32 recurrence.
Then the variants a kernel would take (the thirty-second session's prototype state pass,
scripts/fused-bench/ozaki_state.cu): 8-bit balanced digits of a value truncated to 30 bits
(the prototype's slicing), and the operands that are float64 in the exact arithmetic (the
decayed K, the masked and decayed P, the state) rounded to float32 before they are sliced,
which would let a kernel slice them in float32 and integer arithmetic.
  python3 scripts/fused-bench/ozaki_emulation.py [N]        (N = 1024 takes seconds)
"""
import sys

import numpy as np


def slices(A, axis, nsl):
    """A (float64) cut into nsl int slices along the contraction axis; returns (slices, exponents)."""
    m = np.max(np.abs(A), axis=axis, keepdims=True)
    e = np.where(m > 0, np.ceil(np.log2(np.where(m > 0, m, 1))), 0)
    x = A / np.exp2(e) * 64.0  # |x| <= 64
    out = []
    for _ in range(nsl):
        s = np.rint(x)
        assert np.max(np.abs(s)) <= 127
        out.append(s.astype(np.int64))
        x = (x - s) * 128.0  # the remainder is at most 1/2: the next slice is at most 64
    return out, e


def slices8(A, axis):
    """The prototype's slicing: X = trunc(|a| 2^(30 - e)) with its sign, four balanced 8-bit digits."""
    m = np.max(np.abs(A), axis=axis, keepdims=True)
    e = np.where(m > 0, np.floor(np.log2(np.where(m > 0, m, 1))) + 1, 0)  # |a| < 2^e
    X = (np.sign(A) * np.floor(np.abs(A) * np.exp2(30 - e))).astype(np.int64)
    Y = X + 128 * (2**16 + 2**8 + 1)
    out = [Y >> 24] + [((Y >> (16 - 8 * i)) & 255) - 128 for i in range(3)]
    assert all(np.max(np.abs(d)) <= 128 for d in out)
    return out, e - 6  # sum_s out[s] 2^(-8 s) 2^(e - 6) = a up to the truncation


def levels_mm(As, ea, Bs, eb, keep, level_shift):
    """sum over slice pairs s + t <= keep of As[s] @ Bs[t] 2^(-level_shift(s + t)), exact integer
    sums per level (asserted to fit int32), smallest level first, recombined in float64."""
    res = np.zeros((As[0].shape[0], Bs[0].shape[1]))
    for level in range(keep, -1, -1):
        acc = np.zeros(res.shape, dtype=np.int64)
        for s in range(len(As)):
            if 0 <= level - s < len(Bs):
                acc += As[s] @ Bs[level - s]
        assert np.max(np.abs(acc)) < 2**31  # an int32 accumulator holds it
        res += acc.astype(np.float64) * 2.0 ** (-level_shift(level))
    return res * np.exp2(ea) * np.exp2(eb)


def sliced_mm8(A, B):
    """A @ B from the prototype's 8-bit digits: pairs s + t <= 3."""
    return levels_mm(*slices8(A, 1), *slices8(B, 0), 3, lambda level: 8 * level)


def sliced_mm(A, B, keep, nsl):
    """A @ B from int8 slices: pairs s + t <= keep, exact integer sums, float64 recombination."""
    return levels_mm(*slices(A, 1, nsl), *slices(B, 0, nsl), keep, lambda level: 12 + 7 * level)


def chunked(q, k, v, g, C, mm, f32=()):
    """The chunked operator; the operands named in f32 ("K", "P", "S") are rounded to float32
    before the products that take them."""
    rnd = lambda x, name: x.astype(np.float32).astype(np.float64) if name in f32 else x
    N, r = q.shape
    S = np.zeros((r, v.shape[1]))
    o = np.zeros((N, v.shape[1]))
    for c0 in range(0, N, C):
        Q, K, V = q[c0:c0 + C], k[c0:c0 + C], v[c0:c0 + C]
        n = Q.shape[0]
        i = np.arange(n)
        D = np.where(i[:, None] >= i[None, :], g ** np.clip(i[:, None] - i[None, :], 0, None), 0.0)
        o[c0:c0 + n] = mm(Q, rnd(S, "S")) * (g ** (i + 1))[:, None] + mm(rnd(mm(Q, K.T) * D, "P"), V)
        S = g ** n * S + mm(rnd(K * (g ** (n - 1 - i))[:, None], "K").T, V)
    return o


def recurrent32(q, k, v, g):
    q, k, v, g = q.astype(np.float32), k.astype(np.float32), v.astype(np.float32), np.float32(g)
    S = np.zeros((q.shape[1], v.shape[1]), np.float32)
    o = np.zeros((q.shape[0], v.shape[1]), np.float32)
    for t in range(q.shape[0]):
        S = g * S + np.outer(k[t], v[t])
        o[t] = q[t] @ S
    return o


def rel(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


def main():
    N = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    r = d = 128
    rng = np.random.default_rng(1)
    f64 = lambda a, b: a @ b
    for g in [0.96875, 0.999, 0.99998]:
        q = rng.standard_normal((N, r)).astype(np.float32).astype(np.float64)
        k = (rng.standard_normal((N, r)) / np.sqrt(r)).astype(np.float32).astype(np.float64)
        v = rng.standard_normal((N, d)).astype(np.float32).astype(np.float64)
        ref = chunked(q, k, v, g, 64, f64)
        line = (f"N={N} decay={g}: float32 recurrence {rel(recurrent32(q, k, v, g), ref):.2e}, "
                f"float64 products {rel(chunked(q, k, v, g, 32, f64).astype(np.float32), ref):.2e}")
        for keep, nsl, pairs in [(2, 3, 6), (3, 4, 10), (4, 5, 15)]:
            oz = chunked(q, k, v, g, 32, lambda a, b: sliced_mm(a, b, keep, nsl)).astype(np.float32)
            line += f", {nsl} slices {pairs} pairs {rel(oz, ref):.2e}"
        print(line, flush=True)
        line = f"  8-bit digits, 64-token chunks: float64 operands {rel(chunked(q, k, v, g, 64, sliced_mm8).astype(np.float32), ref):.2e}"
        for f32 in [("K",), ("P",), ("S",), ("K", "P"), ("K", "P", "S")]:
            oz = chunked(q, k, v, g, 64, sliced_mm8, f32).astype(np.float32)
            line += f", {'+'.join(f32)} in float32 {rel(oz, ref):.2e}"
        print(line, flush=True)


if __name__ == "__main__":
    main()

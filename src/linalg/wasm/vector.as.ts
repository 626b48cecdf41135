// Vector helpers shared by the AssemblyScript modules (linalg.as.ts, ../../ntk/wasm/network.as.ts). No binary of
// its own: every function is @inline, so each module compiles it into its own loops.

/**
 * y[0..len) += alpha·x[0..len), two adjacent entries per f64x2 lane pair: each entry receives one product and
 * one sum, rounded exactly as the scalar loop `y[j] += alpha * x[j]`. With alpha = −a this is `y[j] −= a·x[j]`
 * to the bit (rounding to nearest is symmetric: fl(−a·x) = −fl(a·x), and y + (−p) = y − p).
 */
@inline export function axpy(y: usize, x: usize, alpha: f64, len: i32): void {
  const av = f64x2.splat(alpha);
  let j = 0;
  for (; j + 1 < len; j += 2) {
    const o = <usize>j << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(av, v128.load(x + o))));
  }
  if (j < len) { const o = <usize>j << 3; store<f64>(y + o, load<f64>(y + o) + alpha * load<f64>(x + o)); }
}

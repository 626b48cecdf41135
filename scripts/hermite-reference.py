"""50-digit Hermite coefficients mu_r(sigma) = E[sigma(g) h_r(g)], h_r = He_r/sqrt(r!), g ~ N(0, 1), r = 0..80, and
kappa = E[sigma(g)^2], for the activation records of src/ntk/activations/ (docs/activations.md#hermite-coefficients).

Independent of the TypeScript code (a certified trapezoidal rule and closed forms): 60-point Gauss-Legendre on each
unit interval [k, k + 1], -24 <= k < 24, at 70 working digits (mpmath). The integrands are analytic on each piece
(ReLU's kink is at a break point) with singularities at distance >= pi/2 from the real axis, so the Gauss-Legendre
error is far below 1e-60; the dropped tails are below e^{-24^2/4} ~ 1e-62 (|h_r(x)| <= 1.09 e^{x^2/4}).
Usage: python3 scripts/hermite-reference.py > test/fixtures/hermite/reference.json
"""
import json
import sys
import mpmath as mp

mp.mp.dps = 70
R = 80
X, W = mp.gauss_quadrature(60, 'legendre')

acts = {
    'tanh': mp.tanh,
    'sigmoid': lambda t: 1 / (1 + mp.exp(-t)),
    'softplus': lambda t: mp.log1p(mp.exp(t)) if t < 0 else t + mp.log1p(mp.exp(-t)),
    'erf': mp.erf,
    'gelu': lambda t: t * mp.ncdf(t),
    'relu': lambda t: t if t > 0 else mp.mpf(0),
}

nodes = []
for k in range(-24, 24):
    for x, w in zip(X, W):
        t = k + (x + 1) / 2
        nodes.append((t, w / 2 * mp.exp(-t * t / 2) / mp.sqrt(2 * mp.pi)))
hs = []
for t, _ in nodes:
    h = [mp.mpf(1), t]
    for k in range(1, R):
        h.append((t * h[k] - mp.sqrt(k) * h[k - 1]) / mp.sqrt(k + 1))
    hs.append(h)

out = {'R': R, 'digits': 50, 'method': '60-point Gauss-Legendre on unit intervals of [-24, 24], 70 digits (mpmath)', 'values': {}}
for name, f in acts.items():
    fv = [f(t) * w for t, w in nodes]
    mus = [mp.fsum(fv[i] * hs[i][r] for i in range(len(nodes))) for r in range(R + 1)]
    kappa = mp.fsum(f(t) ** 2 * w for t, w in nodes)
    # coefficients that vanish by symmetry come out below 1e-60 (the rule's own error): written as exact 0
    out['values'][name] = {'mu': ['0' if abs(v) < mp.mpf(10) ** -60 else mp.nstr(v, 50) for v in mus], 'kappa': mp.nstr(kappa, 50)}
    print(name, 'done', file=sys.stderr)
print(json.dumps(out, indent=1))

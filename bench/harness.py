"""NumPy "careful notebook" counterpart of bench/throughput.ts.

    python3 bench/harness.py INSTANCES.json [REPEATS]     (normally invoked by bench/throughput.ts)

INSTANCES.json lists, per claim id, the descriptors of every instance ntk-audit's search evaluated
(N, d, depth, r, R, rho, family, shift, point geometry, delta, ...). For each one this script draws
data of the same size and distribution with numpy's own RNG (the values differ from ntk-audit's,
the sizes and operations do not) and performs the same check the way a careful notebook would:
arccos formulas for K^(L) / H-infinity, np.linalg.eigvalsh for lambda_min, np.linalg.solve for
y^T H^-1 y, closed forms for the Hermite facts, with plain float64 tolerances -- no certified error
bounds. Threads: the caller sets OMP/OPENBLAS/MKL_NUM_THREADS=1 before numpy is imported (printed).
With REPEATS > 1 each claim's instances are checked that many times and the fastest time is kept.
Output: one JSON object {info, claims: {id: {instances, seconds, replicated}}} on stdout.
"""
import json
import math
import os
import sys
import time
import zlib
from fractions import Fraction

import numpy as np
import warnings

warnings.simplefilter("ignore")  # singular probes (duplicate points) warn; the check result is what counts

U = 2.0 ** -53
TOL = 1e-9  # notebook tolerance for the '==' identities


def rng_for(seed):
    return np.random.default_rng(zlib.crc32(str(seed).encode()))


def sample(rng, family, n, d, shift=0.0):
    if family == "gaussian":
        x = rng.standard_normal((n, d))
    elif family == "gaussian-scaled":
        x = rng.standard_normal((n, d)) / math.sqrt(d)
    elif family in ("unit-sphere", "sqrt-d-sphere"):
        x = rng.standard_normal((n, d))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        if family == "sqrt-d-sphere":
            x *= math.sqrt(d)
    elif family == "rademacher":
        x = rng.choice([-1.0, 1.0], size=(n, d))
    else:
        raise ValueError(family)
    if shift:
        x = x + shift / math.sqrt(d)
    return x


def data_of(desc):
    return sample(rng_for(desc["seed"]), desc["family"], desc["n"], desc["d"], desc.get("shift", 0) or 0)


def point_set(p):
    x = np.array(p["points"], dtype=np.float64)
    n = x.shape[0]
    eps = 10.0 ** -p["exponent"]
    j = min(p["j"], n - 1)
    if n >= 2:
        g = p["geometry"]
        if g == "near-parallel":
            x[j] = x[0] + eps * x[j]
        elif g == "antipodal":
            x[j] = -x[0] + eps * x[j]
        elif g == "clustered":
            x[1:] = x[0] + eps * x[1:]
        elif g == "duplicate":
            x[j] = x[0]
    if p.get("unitNorm"):
        nrm = np.linalg.norm(x, axis=1, keepdims=True)
        x = np.where(nrm > 0, x / np.where(nrm > 0, nrm, 1), x)
    return x


# ---------------------------------------------------------------------------------------------
# H-infinity (Du et al. 2019), unit-norm data

def hinf_setup(desc):
    x = point_set(desc["points"]) if desc["source"] == "points" else data_of(desc["data"])
    y = rng_for(desc["labelSeed"]).standard_normal(x.shape[0])
    G = x @ x.T
    th = np.arccos(np.clip(G, -1.0, 1.0))
    H = G * (np.pi - th) / (2 * np.pi)
    n = x.shape[0]
    unit = n >= 2 and bool(np.all(np.abs(np.einsum("ij,ij->i", x, x) - 1) <= 16 * x.shape[1] * U))
    off = ~np.eye(n, dtype=bool)
    nonparallel = bool(np.all((th[off] != 0) & (th[off] != np.pi))) if n >= 2 else False
    rho = float(np.max(np.abs(G[off]))) if n >= 2 else 0.0
    return x, y, G, H, off, unit, nonparallel, rho


def env(rho):
    return rho * (np.pi - np.arccos(min(1.0, max(-1.0, rho)))) / (2 * np.pi)


def hinf_check(claim):
    def run(desc):
        x, y, G, H, off, unit, nonpar, rho = hinf_setup(desc)
        n = x.shape[0]
        ok_assume = unit and (nonpar or claim not in ("thm3.1", "quad-corrected", "quad-presentation", "quad-doubled"))
        if claim == "diagonal":
            return ok_assume, np.max(np.abs(np.diag(H) - 0.5)) <= TOL
        if claim == "offdiag":
            return ok_assume, np.max(np.abs(H[off])) <= env(rho) + TOL
        lam = np.linalg.eigvalsh(H)[0]
        if claim == "thm3.1":
            return ok_assume, lam > 0
        if claim == "merge":
            d = np.diag(H)
            pair = (d[:, None] + d[None, :]) / 2 - H
            return ok_assume, lam <= np.min(pair[off]) + TOL
        if claim == "gershgorin":
            return ok_assume, abs(lam - 0.5) <= (n - 1) * env(rho) + TOL
        if claim == "gershgorin-reversed":
            return ok_assume, abs(lam - 0.5) >= (n - 1) * env(rho) - TOL
        q = float(y @ np.linalg.solve(H, y))
        y2 = float(y @ y)
        if claim == "quad-presentation":
            return ok_assume, q <= lam * math.sqrt(y2)
        return ok_assume, q <= y2 / ((2 if claim == "quad-doubled" else 1) * lam)
    return run


# ---------------------------------------------------------------------------------------------
# Concentration of max inner products (high probability: Monte Carlo + exact binomial test)

def conc_check(family, c, valid_up_to=None):
    def run(desc):
        x = sample(rng_for(desc["seed"]), family, desc["n"], desc["d"])
        rhs = c * math.sqrt(math.log(desc["n"] / desc["delta"]) / desc["d"])
        ok = desc["n"] >= 2 and 0 < desc["delta"] < 1 and (valid_up_to is None or rhs <= valid_up_to)
        G = x @ x.T
        np.fill_diagonal(G, 0)
        return ok, float(np.max(np.abs(G))) <= rhs
    return run


try:  # imported once, outside the timed region (scipy.stats takes ~1 s to import)
    from scipy.stats import beta as _BETA
except ImportError:
    _BETA = None


def binomial_tests(results):
    """Per configuration (N, d, delta): exact one-sided test of failure rate > delta (scipy if present)."""
    beta = _BETA
    cfg = {}
    for desc, (ok, holds) in results:
        if not ok:
            continue
        k = (desc["n"], desc["d"], desc["delta"])
        f, v = cfg.get(k, (0, 0))
        cfg[k] = (f + (0 if holds else 1), v + 1)
    for (n, d, delta), (f, v) in cfg.items():
        if beta is not None and f > 0:
            beta.ppf(0.05, f, v - f + 1)
        else:
            sum(math.comb(v, i) * delta ** i * (1 - delta) ** (v - i) for i in range(f, v + 1))


# ---------------------------------------------------------------------------------------------
# Hermite facts for ReLU (normalised probabilists' Hermite h_r = He_r / sqrt(r!))

def mu_closed(r):
    """Closed form (eq. (8)) by its stable ratio recurrence mu_{k+2} = -(k-1) mu_k / sqrt((k+1)(k+2))."""
    if r == 0:
        return 1 / math.sqrt(2 * math.pi)
    if r == 1:
        return 0.5
    if r % 2 == 1:
        return 0.0
    mu = 1 / (2 * math.sqrt(math.pi))
    for k in range(2, r, 2):
        mu = -(k - 1) * mu / math.sqrt((k + 1) * (k + 2))
    return mu


def mu_closed_all(R):
    """mu_0..mu_R in one pass (what a notebook would vectorise)."""
    mus = np.zeros(R + 1)
    mus[0] = 1 / math.sqrt(2 * math.pi)
    if R >= 1:
        mus[1] = 0.5
    mu = 1 / (2 * math.sqrt(math.pi))
    for k in range(2, R + 1, 2):
        mus[k] = mu
        mu = -(k - 1) * mu / math.sqrt((k + 1) * (k + 2))
    return mus


def half_moment(m):
    """int_0^inf t^m phi(t) dt as (exact rational coefficient, kind): kind 'g' means times 1/sqrt(2 pi)."""
    if m % 2 == 1:
        return Fraction(2 ** ((m - 1) // 2) * math.factorial((m - 1) // 2)), "g"
    df = 1
    for k in range(m - 1, 0, -2):
        df *= k
    return Fraction(df, 2), "h"


def mu_exact(a, r):
    """mu_r(t^a 1{t>0}) by the exact moment expansion of He_r (Python integers), then float64."""
    s = {"g": Fraction(0), "h": Fraction(0)}
    for k in range(r // 2 + 1):
        c = Fraction((-1) ** k * math.factorial(r), math.factorial(k) * math.factorial(r - 2 * k) * 2 ** k)
        v, kind = half_moment(r - 2 * k + a)
        s[kind] += c * v
    sf = math.sqrt(math.factorial(r))
    return float(s["g"]) / (sf * math.sqrt(2 * math.pi)) + float(s["h"]) / sf


_GL = np.polynomial.legendre.leggauss(80)


def mu_quadrature(r):
    """Notebook cross-check for r <= 20: Gauss-Legendre on [0, 12] of t h_r(t) phi(t)."""
    t = 6.0 * (_GL[0] + 1)
    w = 6.0 * _GL[1]
    c = np.zeros(r + 1)
    c[r] = 1.0
    he = np.polynomial.hermite_e.hermeval(t, c) / math.sqrt(math.factorial(r))
    return float(np.sum(w * t * he * np.exp(-t * t / 2) / math.sqrt(2 * math.pi)))


def hermite_check(claim):
    def run(desc):
        if claim == "closed-form":
            r = desc["r"]
            if r <= 20:
                mu_quadrature(r)
            a, b = mu_closed(r), mu_exact(1, r)
            return True, abs(a - b) <= TOL * max(1e-300, abs(b)) + 1e-300
        if claim == "derivative":
            r = desc["r"]
            a, b = mu_exact(0, r), math.sqrt(r + 1) * mu_closed(r + 1)
            return True, abs(a - b) <= TOL * max(abs(a), abs(b)) + 1e-300
        R = desc["R"]
        mus = mu_closed_all(R)
        if claim == "sum-rule":
            return True, float(np.sum(mus ** 2)) <= 0.5
        tail = mus[R] ** 2 * R / 3
        if claim == "tail":
            return True, 0.5 - float(np.sum(mus ** 2)) <= tail + TOL
        rho = desc["rho"]
        s = float(np.sum(mus ** 2 * rho ** np.arange(R + 1)))
        closed = (math.sqrt(max(0.0, 1 - rho * rho)) + (math.pi - math.acos(rho)) * rho) / (2 * math.pi)
        return True, abs(s - closed) <= tail + TOL
    return run


# ---------------------------------------------------------------------------------------------
# Limiting NTK (nmm parameterisation, ReLU, c_sigma = 2) and the Theorem 3.2 proof chain

def ntk_layers(x, depth):
    G = x @ x.T
    K = G.copy()
    Gs = [G]
    for _ in range(1, depth):
        nrm = np.sqrt(np.diag(G))
        outer = np.outer(nrm, nrm)
        c = np.clip(G / outer, -1.0, 1.0)
        th = np.arccos(c)
        Gdot = (np.pi - th) / np.pi
        G = outer / np.pi * (np.sin(th) + (np.pi - th) * c)
        K = K * Gdot + G
        Gs.append(G)
    return K, Gs


def lam_min(m):
    return np.linalg.eigvalsh(m)[0]


def limiting_check(claim):
    def run(desc):
        d = desc["data"]
        x = data_of(d)
        n2 = np.einsum("ij,ij->i", x, x)
        ok = x.shape[0] >= 2 and bool(np.all(n2 > 0))
        L = desc["depth"]
        if claim in ("lower", "upper"):
            ok = ok and not d.get("shift") and d["family"] in ("gaussian", "sqrt-d-sphere") and x.shape[1] >= 16 and x.shape[0] <= x.shape[1]
            K, _ = ntk_layers(x, L)
            lam = lam_min(K)
            mu2sq = mu_closed(2) ** 2
            return ok, lam >= mu2sq * x.shape[1] if claim == "lower" else lam <= 3 * L * x.shape[1]
        if claim in ("diagonal", "diagonal-dropped"):
            K, _ = ntk_layers(x, L)
            f = L - 1 if claim == "diagonal-dropped" else L
            return ok, np.max(np.abs(np.diag(K) - f * n2)) <= TOL * np.max(np.abs(K))
        if claim == "chain-a":
            K, Gs = ntk_layers(x, L)
            return ok, lam_min(K) >= sum(lam_min(G) for G in Gs) - TOL
        r = desc["r"]
        if claim == "chain-b":
            _, Gs = ntk_layers(x, 2)
            Hr = (x @ x.T) ** r
            return ok, lam_min(Gs[1]) >= 2 * mu_closed(r) ** 2 * lam_min(Hr) / np.max(n2) ** (r - 1) - TOL
        if claim == "chain-c":
            Hr = (x @ x.T) ** r
            off = ~np.eye(x.shape[0], dtype=bool)
            g = np.min(np.diag(Hr)) - (x.shape[0] - 1) * np.max(np.abs(Hr[off]))
            return ok, lam_min(Hr) >= g - TOL
        if claim in ("chain-e", "chain-e-halved"):
            K, _ = ntk_layers(x, L)
            return ok, lam_min(K) <= (0.5 if claim == "chain-e-halved" else 1) * L * float(np.sum(n2)) / x.shape[0]
        raise ValueError(claim)
    return run


CHECKS = {
    "du2019.thm3.1.lambda0-positive": hinf_check("thm3.1"),
    "du2019.hinf.merge-upper": hinf_check("merge"),
    "du2019.hinf.diagonal-half": hinf_check("diagonal"),
    "du2019.hinf.offdiagonal-envelope": hinf_check("offdiag"),
    "du2019.hinf.gershgorin": hinf_check("gershgorin"),
    "du2019.hinf.inverse-quadform": hinf_check("quad-corrected"),
    "presentation.hinf.inverse-quadform-as-written": hinf_check("quad-presentation"),
    "planted.hinf.inverse-quadform-doubled": hinf_check("quad-doubled"),
    "planted.hinf.gershgorin-reversed": hinf_check("gershgorin-reversed"),
    "concentration.sphere.max-inner-product": conc_check("unit-sphere", 2.0),
    "concentration.gaussian.max-inner-product": conc_check("gaussian-scaled", 2 * math.sqrt(2), math.sqrt(2)),
    "planted.concentration.sphere-constant-halved": conc_check("unit-sphere", 1.0),
    "nguyen2021.hermite.closed-form": hermite_check("closed-form"),
    "nguyen2021.hermite.derivative": hermite_check("derivative"),
    "nguyen2021.hermite.sum-rule-partial": hermite_check("sum-rule"),
    "nguyen2021.hermite.tail-bound": hermite_check("tail"),
    "nguyen2021.hermite.series-arccos": hermite_check("series"),
    "nguyen2021.limiting.diagonal": limiting_check("diagonal"),
    "planted.nguyen2021.limiting.diagonal-dropped-layer": limiting_check("diagonal-dropped"),
    "nguyen2021.thm3.2.chain-a": limiting_check("chain-a"),
    "nguyen2021.thm3.2.chain-b": limiting_check("chain-b"),
    "nguyen2021.thm3.2.chain-c": limiting_check("chain-c"),
    "nguyen2021.thm3.2.chain-e": limiting_check("chain-e"),
    "planted.nguyen2021.thm3.2.chain-e-halved": limiting_check("chain-e-halved"),
    "nguyen2021.thm3.2.lower": limiting_check("lower"),
    "nguyen2021.thm3.2.upper": limiting_check("upper"),
}
HIGH_PROBABILITY = {"concentration.sphere.max-inner-product", "concentration.gaussian.max-inner-product", "planted.concentration.sphere-constant-halved"}


def main():
    with open(sys.argv[1]) as f:
        claims = json.load(f)
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    threads = {k: os.environ.get(k, "unset") for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    info = f"numpy {np.__version__}, Python {sys.version.split()[0]}, threads " + ", ".join(f"{k}={v}" for k, v in threads.items())
    # warm-up (imports, BLAS initialisation, leggauss), not timed
    lam_min(np.eye(4) + 0.1)
    np.linalg.solve(np.eye(4), np.ones(4))
    mu_quadrature(4)
    if _BETA is not None:
        _BETA.ppf(0.05, 1, 10)
    out = {}
    for c in claims:
        check = CHECKS.get(c["id"])
        if check is None:
            out[c["id"]] = {"instances": 0, "seconds": 0.0, "replicated": False}
            continue
        best = math.inf
        for _ in range(repeats):  # the same work each time; the fastest repeat is kept (as on the ntk-audit side)
            t0 = time.perf_counter()
            results = []
            for s in c["specs"]:
                try:
                    r = check(s["descriptor"])
                except (np.linalg.LinAlgError, ZeroDivisionError, ValueError):
                    r = (False, False)  # singular H (duplicate points) etc.: the notebook's check fails there
                results.append((s["descriptor"], r))
            if c["id"] in HIGH_PROBABILITY:
                binomial_tests(results)
            best = min(best, time.perf_counter() - t0)
        out[c["id"]] = {"instances": len(results), "seconds": best, "replicated": True,
                         "failed": sum(1 for _, (ok, holds) in results if ok and not holds)}
    print(json.dumps({"info": info, "claims": out}))


if __name__ == "__main__":
    main()

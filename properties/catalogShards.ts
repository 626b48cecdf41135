/**
 * The catalog's search tests run in SHARDS files (properties/catalog.search-K.test.ts, one shard each).
 * A claim and its planted twins (twinOf) always share a shard, the true claim first: the scaling claims
 * of properties/nguyen2021WideScaling.ts and properties/nguyen2021Lipschitz.ts keep their evaluations in a
 * per-process cache that a twin running the true claim's sweep reads instead of recomputing it (a family
 * split across test files, i.e. across processes, computes its sweep once per file). Families are dealt to
 * the shards longest first, each to the shard with the least cost so far (LPT), by FAMILY_COST.
 */
export const SHARDS = 4;

/**
 * Seconds per family (true claim + twins; the twins of a cached sweep cost nearly nothing) from the Vitest
 * JSON report of a CI=true `npm test` (`--reporter=json`) on 2 cores at load ≈ 12, families of 5 s and
 * more; only the ratios matter. A family not listed counts DEFAULT_FAMILY_COST (the mean of the others).
 */
export const FAMILY_COST: Readonly<Record<string, number>> = {
  'nguyen2021.thm4.1.scaling': 93,
  'nguyen2021.thm5.1.scaling': 73,
  'arora2019.thm4.1.trajectory': 54,
  'nguyen2021.thm5.1.upper-scaling': 28,
  'arora2019.thm5.1.generalization-term-decay': 25,
  'nguyen2021.eq4.normalisation-rate': 21,
  'nguyen2021.thm6.2.lipschitz-upper': 17,
  'nguyen2021.thm4.1.upper-certificate': 16,
  'du2019.train.gd-rate': 15,
  'du2019.hinf.gershgorin': 10,
  'du2019.train.pattern-changes': 10,
  'du2019.hinf.merge-upper': 9,
  'nguyen2021.lemma4.3.product-scaling': 9,
  'nguyen2021.arccos.kernel-monte-carlo': 8,
  'du2019.train.hinf-monte-carlo': 8,
  'nguyen2021.lemma6.1.lipschitz-lower-vs-product': 8,
  'nguyen2021.thm3.2.chain-b': 8,
  'du2019.hinf.inverse-quadform': 8,
  'nguyen2021.lemma4.3.scaling': 8,
  'nguyen2021.cor4.2.full-rank': 7,
  'concentration.subgaussian.max-inner-product-norm-factor': 7,
  'nguyen2021.thm3.2.chain-c': 7,
  'nguyen2021.thm3.2.scaling': 6,
  'murray2022.series-vs-closed-form': 6,
  'arora2019.nondegenerate-sphere': 6,
  'nguyen2021.arccos.derivative-monte-carlo': 6,
  'nguyen2021.lemma5.4': 5,
  'du2019.train.hoeffding-frobenius': 5,
};
const DEFAULT_FAMILY_COST = 2.5;

/** The family of a claim: the true claim it is a planted twin of, or itself. */
export function familyOf(t: { id: string; twinOf?: string }): string {
  return t.twinOf ?? t.id;
}

/**
 * The claims of shard `shard` (1-based) of `count`, in catalog order with each family's true claim first:
 * whole families, dealt longest first (ties in catalog order) to the shard with the least cost so far.
 */
export function shardClaims<T extends { id: string; twinOf?: string }>(claims: readonly T[], shard: number, count: number = SHARDS): T[] {
  const families = new Map<string, T[]>();
  for (const t of claims) {
    const f = familyOf(t);
    const members = families.get(f) ?? [];
    if (t.id === f) members.unshift(t);
    else members.push(t);
    families.set(f, members);
  }
  const cost = (f: string): number => FAMILY_COST[f] ?? DEFAULT_FAMILY_COST;
  const order = [...families.keys()].map((f, k) => ({ f, k })).sort((a, b) => cost(b.f) - cost(a.f) || a.k - b.k);
  const load = new Array<number>(count).fill(0);
  const owner = new Map<string, number>();
  for (const { f } of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[best]) best = s;
    load[best] += cost(f);
    owner.set(f, best + 1);
  }
  return [...families].filter(([f]) => owner.get(f) === shard).flatMap(([, members]) => members);
}

import type { Descriptor, ScalingLaw, Theorem } from '../../src/theorem/types.ts';

/**
 * A toy claim for tests of the search, the reports and the example database: source 'toy', no conventions and
 * no constants, every instance inside the assumptions unless `assumptions` is given; the title is the statement.
 */
export function toyClaim<D extends Descriptor, I>(
  t: Pick<Theorem<D, I>, 'id' | 'kind' | 'statement' | 'descriptors' | 'materialize' | 'conclude'> & Partial<Theorem<D, I>>,
): Theorem<D, I> {
  return { title: t.statement, source: { paper: 'toy', statement: 'toy' }, conventions: {}, constants: [], assumptions: () => null, ...t };
}

/**
 * A toy asymptotic claim y = Θ(x): the law's sweep over x = 10, 100, 1000 (tolerance 0.1 on the exponent) in the
 * given regimes; the descriptor is the instance.
 */
export function toyThetaClaim<D extends Descriptor>(
  id: string,
  t: Pick<Theorem<D, D>, 'descriptors' | 'conclude'> & Partial<Pick<Theorem<D, D>, 'assumptions' | 'conventions'>> & Pick<ScalingLaw<D>, 'regimes' | 'design'>,
): Theorem<D, D> {
  const { regimes, design, ...claim } = t;
  return toyClaim({
    id,
    kind: 'asymptotic',
    statement: 'y = Θ(x)',
    materialize: (d) => d,
    ...claim,
    scalingLaw: { variable: 'x', quantity: 'y', relation: 'Theta', exponent: 1, tolerance: 0.1, sizes: [10, 100, 1000], regimes, design },
  });
}

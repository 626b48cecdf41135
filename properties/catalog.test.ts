import { describe, expect, it } from 'vitest';
import { FAMILY_COST, SHARDS, familyOf, shardClaims } from './catalogShards.ts';
import { catalog } from './index.ts';

/**
 * The catalog's metadata: ids, sources, conventions, constants' provenance, planted twins and scaling sweeps.
 * Every claim also runs as a property test and through the full search in catalog.search-K.test.ts
 * (properties/catalogSearch.ts).
 */
describe('catalog', () => {
  it('has unique ids and complete metadata', () => {
    const ids = new Set<string>();
    for (const t of catalog) {
      expect(ids.has(t.id), `duplicate id ${t.id}`).toBe(false);
      ids.add(t.id);
      expect(t.source.statement.length).toBeGreaterThan(0);
      expect(Object.keys(t.conventions).length).toBeGreaterThan(0);
      for (const c of t.constants) expect(['paper', 'derived', 'user', 'fitted']).toContain(c.provenance);
    }
  });

  it('every true claim has a planted twin naming it (twinOf), and every twin names a true claim', () => {
    const trueIds = new Set(catalog.filter((t) => !t.expectRefuted).map((t) => t.id));
    const twinned = new Set<string>();
    for (const t of catalog) {
      if (t.twinOf === undefined) continue;
      expect(t.expectRefuted, `${t.id} names a twin but is not expected to be refuted`).toBe(true);
      expect(trueIds.has(t.twinOf), `${t.id}: twinOf ${t.twinOf} is not a true claim of the catalog`).toBe(true);
      twinned.add(t.twinOf);
    }
    expect([...trueIds].filter((id) => !twinned.has(id))).toEqual([]);
  });

  it('asymptotic claims with a scaling law state a sweep of at least a decade and a tolerance', () => {
    for (const t of catalog.filter((x) => x.scalingLaw)) {
      const l = t.scalingLaw!;
      expect(Math.max(...l.sizes) / Math.min(...l.sizes), t.id).toBeGreaterThanOrEqual(10);
      expect(l.tolerance ?? 0.1, t.id).toBeLessThanOrEqual(0.15);
    }
  });
  it('the search shards partition the catalog, a claim and its twins in one shard with the true claim first', () => {
    const seen = new Map<string, number>();
    for (let k = 1; k <= SHARDS; k++) {
      const claims = shardClaims(catalog, k);
      expect(claims.length, `shard ${k} is empty`).toBeGreaterThan(0);
      for (const [i, t] of claims.entries()) {
        expect(seen.has(t.id), `${t.id} is in shards ${seen.get(t.id)} and ${k}`).toBe(false);
        seen.set(t.id, k);
        // the twins of a cached sweep read the true claim's evaluations in the same process
        if (t.twinOf)
          expect(
            claims.findIndex((c) => c.id === t.twinOf),
            `${t.id} runs before or without ${t.twinOf}`,
          ).toBeGreaterThanOrEqual(0);
        if (t.twinOf) expect(claims.findIndex((c) => c.id === t.twinOf)).toBeLessThan(i);
      }
    }
    expect([...seen.keys()].sort()).toEqual(catalog.map((t) => t.id).sort());
    const families = new Set(catalog.map(familyOf));
    for (const f of Object.keys(FAMILY_COST)) expect(families.has(f), `FAMILY_COST names ${f}, not a family of the catalog`).toBe(true);
  });
});

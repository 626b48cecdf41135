import fc from 'fast-check';

/**
 * One seed for every property test of a run. Locally each run draws a new seed (each property prints it:
 * "(with seed=…)"), so repeated runs keep exploring; FC_SEED=<integer> replays a run. Under CI=true the seed
 * is fixed, so a CI verdict on a commit is reproducible and does not depend on the draw of the day — a
 * failure found locally under some seed is turned into an `examples` entry of its property.
 */
const fromEnv = process.env.FC_SEED;
const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : process.env.CI ? 20_261_203 : undefined;
if (seed !== undefined) {
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(fromEnv)}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}

// `node --import ./test/support/forbidHeavyImports.mjs …`: any import that resolves into zod, vega, vega-lite
// or katex throws, so a command that must not load them (the one-shot `kernel`) fails loudly if it does.
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (/[\\\\/]node_modules[\\\\/](zod|vega|vega-lite|katex)[\\\\/]/.test(r.url)) throw new Error('forbidden import: ' + r.url);
  return r;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

#!/usr/bin/env node
// Entry point of the `ntk-audit` command: registers the tsx loader (TypeScript at run time) and
// runs the CLI. Kept in plain JS so that `npm ci` needs no build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');

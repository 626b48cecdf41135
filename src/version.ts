import { readFileSync } from 'node:fs';

/** The package version, read from package.json (recorded in every artifact and report). */
export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

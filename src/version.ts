import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from './packagePaths.ts';

/** The package version, read from package.json (recorded in every artifact and report). */
export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as { version: string }).version;

// The package's name and version, read from package.json (one place to bump): `twofold --version`
// and the CLI's User-Agent say the same as `npm ls`. The file sits two levels up from both
// src/runtime/ and dist/runtime/.
import { readFileSync } from 'node:fs';

interface PackageInfo {
  name: string;
  version: string;
  engines: { node: string };
}

export const PACKAGE: Readonly<PackageInfo> = Object.freeze(
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageInfo,
);

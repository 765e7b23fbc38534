import { randomBytes } from 'node:crypto';
import type { Random } from '../core/ports/random.js';

/** The operating system's CSPRNG. */
export const cryptoRandom: Random = { bytes: (n) => new Uint8Array(randomBytes(n)) };

import { randomBytes, randomFillSync } from 'node:crypto';
import type { Random } from '../core/ports/random.js';

const POOL_BYTES = 4096;
const SMALL = 256;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * The operating system's CSPRNG (OpenSSL's RAND_bytes through node:crypto). Small requests — a
 * sign-in takes a 32-byte token and a 16-byte id — are cut from a 4 KiB block filled at once:
 * each call into the CSPRNG has a fixed cost several times that of copying the bytes (4% of a
 * TOTP verify in the bench profile). Every byte is handed out once, then zeroed in the block.
 */
export const cryptoRandom: Random = {
  bytes(n: number): Uint8Array {
    if (n > SMALL) return new Uint8Array(randomBytes(n));
    if (offset + n > pool.length) {
      pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
      offset = 0;
    }
    const out = new Uint8Array(n);
    out.set(pool.subarray(offset, offset + n));
    pool.fill(0, offset, offset + n);
    offset += n;
    return out;
  },
};

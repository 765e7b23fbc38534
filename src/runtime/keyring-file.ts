// The keyring for encryption at rest. From TWOFOLD_SECRET_KEYS when set; otherwise one key is
// generated once into DATA_DIR/secret.key (mode 0600) with a warning, and reused after — losing
// that file makes every encrypted secret unreadable, so operators should set the variable.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseKeyring, type Keyring } from '../core/envelope.js';
import { ensurePrivateDir } from '../storage/private-files.js';
import type { Logger } from '../core/ports/logger.js';
import { ConfigError, type Config } from './config.js';

export function resolveKeyring(config: Pick<Config, 'secretKeys' | 'dataDir'>, logger: Logger): Keyring {
  if (config.secretKeys) {
    try {
      return parseKeyring(config.secretKeys);
    } catch (e) {
      throw new ConfigError(`TWOFOLD_SECRET_KEYS: ${(e as Error).message}`);
    }
  }
  const file = join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    ensurePrivateDir(config.dataDir);
    const spec = `k1:${randomBytes(32).toString('base64')}`;
    writeFileSync(file, spec + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    logger.warn(
      { file },
      'TWOFOLD_SECRET_KEYS is not set: generated a key into this file. Back it up, or set TWOFOLD_SECRET_KEYS.',
    );
  }
  try {
    return parseKeyring(readFileSync(file, 'utf8').trim());
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message}`);
  }
}

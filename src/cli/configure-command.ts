// `twofold configure`: writes an access key into ~/.twofold/credentials. Values not given as
// options are asked on a terminal (the secret without echo; Enter keeps the saved value); off a
// terminal a missing value is a usage error. Nothing is sent to the server.
import { UsageError } from './client-context.js';
import {
  DEFAULT_PROFILE,
  ID_NAME,
  SECRET_NAME,
  credentialsPath,
  isAccessKeyId,
  isAccessKeySecret,
  isProfileName,
  loadCredentialsFile,
  readProfile,
  saveProfile,
} from './credentials-file.js';
import { ask, isInteractive } from './prompt.js';

export interface ConfigureOptions {
  profile?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

const ID_RULE = '20 characters A-Z and 2-7';
const SECRET_RULE = '40 characters of base64, as shown when the key was created';

/** Asks until the value is valid (3 tries); Enter keeps `current` when there is one. */
async function askValue(
  label: string,
  current: string | undefined,
  valid: (v: string) => boolean,
  rule: string,
  hidden: boolean,
): Promise<string> {
  const shown = current ? ` [${hidden ? `****${current.slice(-4)}` : current}]` : '';
  for (let attempt = 1; ; attempt++) {
    const answer = (await ask(`${label}${shown}: `, { hidden })) || current || '';
    if (valid(answer)) return answer;
    if (attempt === 3) throw new UsageError(`the ${label.toLowerCase()} must be ${rule}`);
    process.stderr.write(`That is not a valid ${label.toLowerCase()} (${rule}); try again.\n`);
  }
}

export async function configureAction(opts: ConfigureOptions): Promise<void> {
  const profile = opts.profile?.trim() || DEFAULT_PROFILE;
  if (!isProfileName(profile))
    throw new UsageError(`"${opts.profile}" is not a profile name (letters, digits, "_", "-", ".", "@"; at most 64)`);
  const path = credentialsPath();
  const existing = readProfile((await loadCredentialsFile(path)) ?? '', profile) ?? {};
  const interactive = isInteractive();

  let keyId = opts.accessKeyId?.trim();
  if (keyId !== undefined) {
    keyId = keyId.toUpperCase();
    if (!isAccessKeyId(keyId)) throw new UsageError(`--access-key-id must be ${ID_RULE}`);
  } else if (interactive) {
    keyId = await askValue('Access key ID', existing.keyId, isAccessKeyId, ID_RULE, false);
  } else {
    throw new UsageError('--access-key-id is required when not on a terminal');
  }

  let secret = opts.secretAccessKey?.trim();
  if (secret !== undefined) {
    if (!isAccessKeySecret(secret)) throw new UsageError(`--secret-access-key must be ${SECRET_RULE}`);
  } else if (interactive) {
    // The saved secret belongs to the saved id: offer it only when the id is unchanged.
    secret = await askValue(
      'Secret access key',
      existing.keyId === keyId ? existing.secret : undefined,
      isAccessKeySecret,
      SECRET_RULE,
      true,
    );
  } else {
    throw new UsageError('--secret-access-key is required when not on a terminal');
  }

  await saveProfile(path, profile, { keyId, secret });
  process.stdout.write(`Saved access key ${keyId} as profile "${profile}" in ${path}.\n`);
  if (process.env[ID_NAME] || process.env[SECRET_NAME] || process.env.R3_ACCESS_KEY_ID) {
    process.stderr.write(
      `twofold: note: ${ID_NAME}/${SECRET_NAME} (or R3_…) set in the environment win over this file.\n`,
    );
  }
}

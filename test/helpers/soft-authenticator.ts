// A software WebAuthn authenticator for tests: ES256 (P-256) keys from node:crypto, "none"
// attestation, discoverable credentials. It builds what a browser hands the server
// (RegistrationResponseJSON / AuthenticationResponseJSON) with a CBOR encoder for the few shapes
// needed (RFC 8949: unsigned/negative integers, byte and text strings, maps). Test-only code.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

export function cbor(v: Cbor): Buffer {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') {
    const t = Buffer.from(v, 'utf8');
    return Buffer.concat([head(3, t.length), t]);
  }
  if (v instanceof Uint8Array) return Buffer.concat([head(2, v.length), v]);
  const parts = [head(5, v.size)];
  for (const [k, val] of v) parts.push(cbor(k), cbor(val));
  return Buffer.concat(parts);
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();
const b64url = (b: Buffer | Uint8Array) => Buffer.from(b).toString('base64url');

interface Credential {
  id: Buffer;
  privateKey: KeyObject;
  userHandle: string;
  counter: number;
}

/** What a test can falsify in a ceremony (the attacks the server must refuse). */
export interface Tamper {
  origin?: string;
  rpId?: string;
  /** The counter to sign (default: one more than the last). */
  counter?: number;
  /** User verification flag (default on). */
  uv?: boolean;
  /** Sign with another challenge than the options'. */
  challenge?: string;
}

export class SoftAuthenticator {
  readonly credentials: Credential[] = [];

  constructor(
    readonly origin: string,
    readonly rpId: string,
  ) {}

  private authData(rpId: string, flags: number, counter: number, attested?: Buffer): Buffer {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter >>> 0);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), c, ...(attested ? [attested] : [])]);
  }

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  }

  /** navigator.credentials.create(): a new ES256 credential for the options' user. */
  register(options: { challenge: string; user?: { id?: string } }, t: Tamper = {}): Record<string, unknown> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const id = randomBytes(16);
    const cose = cbor(
      new Map<Cbor, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLen, id, cose]);
    // UP | UV | AT (WebAuthn §6.1 flags)
    const flags = 0x01 | (t.uv === false ? 0 : 0x04) | 0x40;
    const authData = this.authData(t.rpId ?? this.rpId, flags, 0, attested);
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    const clientDataJSON = this.clientData(
      'webauthn.create',
      t.challenge ?? options.challenge,
      t.origin ?? this.origin,
    );
    this.credentials.push({ id, privateKey, userHandle: options.user?.id ?? '', counter: 0 });
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get(): an assertion by `credentialId` (default: the newest credential). */
  assert(options: { challenge: string }, credentialId?: string, t: Tamper = {}): Record<string, unknown> {
    const cred = credentialId
      ? this.credentials.find((c) => b64url(c.id) === credentialId)
      : this.credentials[this.credentials.length - 1];
    if (!cred) throw new Error('no such credential on this authenticator');
    const counter = t.counter ?? cred.counter + 1;
    cred.counter = Math.max(cred.counter, counter);
    const flags = 0x01 | (t.uv === false ? 0 : 0x04);
    const authData = this.authData(t.rpId ?? this.rpId, flags, counter);
    const clientDataJSON = this.clientData('webauthn.get', t.challenge ?? options.challenge, t.origin ?? this.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), cred.privateKey);
    return {
      id: b64url(cred.id),
      rawId: b64url(cred.id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: cred.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  idOf(index = this.credentials.length - 1): string {
    return b64url(this.credentials[index]!.id);
  }
}

// The WebAuthn relying party (W3C WebAuthn Level 3 §5.1.3, §13.4.9): its id is a domain, never
// an IP address (browsers refuse one), and must be the origin's host or a registrable suffix of it.

export type RelyingParty =
  { available: true; rpId: string; origin: string; name: string } | { available: false; reason: string };

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function isIpAddress(host: string): boolean {
  return IPV4.test(host) || host.includes(':') || host.startsWith('[');
}

/** Why an rpId cannot serve `host`, or null when it can. */
export function rpIdProblem(rpId: string, host: string): string | null {
  if (!/^[a-z0-9.-]+$/i.test(rpId) || rpId.startsWith('.') || rpId.endsWith('.'))
    return 'must be a domain name such as example.com';
  if (isIpAddress(rpId)) return 'must be a domain name, not an IP address (browsers refuse one)';
  const h = host.toLowerCase();
  const id = rpId.toLowerCase();
  if (h !== id && !h.endsWith(`.${id}`)) return `must be the host of TWOFOLD_PUBLIC_URL (${host}) or a suffix of it`;
  return null;
}

/**
 * From the public URL: rpId = its host (or the override), origin = its origin. With no public URL
 * configured (development), passkeys are served at http://localhost:PORT, the one loopback name
 * browsers accept as an rpId.
 */
export function relyingParty(input: {
  publicUrl: string;
  publicUrlSet: boolean;
  rpIdOverride: string | undefined;
  port: number;
  name: string;
}): RelyingParty {
  if (!input.publicUrlSet) {
    return {
      available: true,
      rpId: input.rpIdOverride ?? 'localhost',
      origin: `http://localhost:${input.port}`,
      name: input.name,
    };
  }
  const url = new URL(input.publicUrl);
  const rpId = input.rpIdOverride ?? url.hostname;
  if (isIpAddress(rpId)) {
    return {
      available: false,
      reason: `Passkeys need a domain name: browsers refuse an IP address (${url.hostname}) as the relying party. Open the portal at a name such as http://localhost:${url.port || (url.protocol === 'https:' ? 443 : 80)}, with TWOFOLD_PUBLIC_URL set to it.`,
    };
  }
  return { available: true, rpId, origin: url.origin, name: input.name };
}

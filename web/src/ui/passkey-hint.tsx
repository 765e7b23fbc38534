// The one line shown in place of the passkey buttons when this page cannot use passkeys: on an IP
// address (browsers refuse one as the relying party id) it links to the same page on localhost.
import { BLOCK_TEXT, localhostHref, type PasskeyBlock } from '../lib/webauthn';

export function PasskeyHint({ block, id }: { block: PasskeyBlock; id?: string }) {
  if (block === 'ip-host') {
    const href = localhostHref();
    return (
      <p className="passkey-hint" id={id}>
        {BLOCK_TEXT[block]} <a href={href}>{href.replace(/[?#].*$/, '')}</a> to use them.
      </p>
    );
  }
  return (
    <p className="passkey-hint" id={id}>
      {BLOCK_TEXT[block]}
    </p>
  );
}

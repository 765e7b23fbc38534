// "Resend code" under a text-message code field: disabled, counting down, while the server's wait lasts.
import { formatCountdown } from '../lib/format';
import type { useResendCode } from '../lib/use-code-form';
import { Button } from './button';

export function ResendButton({ resend, resending, resendIn }: ReturnType<typeof useResendCode>) {
  return (
    <Button variant="link" onClick={resend} loading={resending} disabled={resendIn > 0}>
      {resendIn > 0 ? `Resend code in ${formatCountdown(resendIn)}` : 'Resend code'}
    </Button>
  );
}

// pino with secrets redacted. Request URLs are logged without their query string, because a
// reset link's token travels there. `code` is not redacted: it is a refusal's problem code
// (invalid_code, too_many_attempts), the reason an operator needs; typed codes are never logged.
import pino from 'pino';
import type { Config } from './config.js';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.signature',
  'res.headers["set-cookie"]',
  'password',
  'token',
  'secret',
  'recovery_code',
  '*.password',
  '*.token',
  '*.secret',
  '*.recovery_code',
];

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
          ip: req.ip,
        }),
      },
    },
    destination,
  );
}

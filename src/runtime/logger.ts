// pino with secrets redacted. Request URLs are logged without their query string, because a
// reset link's token travels there. `code` is not redacted: it is a refusal's problem code
// (invalid_code, too_many_attempts), the reason an operator needs; typed codes are never logged.
// In a terminal outside production the lines are pretty-printed (pino-pretty, loaded only then);
// piped or in production they stay one JSON object a line, for log collectors. Redaction happens
// before either format.
import { createRequire } from 'node:module';
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

/** Pretty lines for a person at a terminal; JSON for everything else (files, pipes, production). */
export function usePrettyLogs(opts: { isTTY: boolean | undefined; production: boolean }): boolean {
  return opts.isTTY === true && !opts.production;
}

type PrettyFactory = (options: Record<string, unknown>) => pino.DestinationStream;

function prettyStream(destination: pino.DestinationStream | undefined): pino.DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as PrettyFactory;
  return pretty({
    sync: true,
    colorize: destination === undefined && Boolean(process.stdout.isTTY),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    ...(destination ? { destination } : {}),
  });
}

export function createLogger(
  config: Pick<Config, 'logLevel'> & Partial<Pick<Config, 'production'>>,
  destination?: pino.DestinationStream,
  options: { pretty?: boolean } = {},
): pino.Logger {
  // A caller that passes its own stream gets JSON unless it asks; stdout is judged by itself.
  const pretty =
    options.pretty ??
    (destination === undefined &&
      usePrettyLogs({ isTTY: process.stdout.isTTY, production: config.production ?? false }));
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
    pretty ? prettyStream(destination) : destination,
  );
}

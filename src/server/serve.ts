// `twofold serve`: check what can be checked before touching the disk (the SQLite folder, the
// port), take the embedded database's lock, start, listen, and shut down gracefully on
// SIGTERM/SIGINT (finish in-flight requests within 10 s, then close the pools, release the lock).
import { buildApp } from './app.js';
import type { Config } from '../runtime/config.js';
import { createRuntime } from './container.js';
import { createLogger } from '../runtime/logger.js';
import { acquireInstanceLock, type InstanceLock } from '../runtime/instance-lock.js';
import { checkPortFree, checkSqliteFolder, productionWarnings, sqliteFile } from '../runtime/preflight.js';
import { ensurePrivateDir } from '../storage/private-files.js';
import { loadSqlite } from '../storage/sqlite-driver.js';
import { dirname } from 'node:path';

const DRAIN_MS = 10_000;

/** The lock beside the embedded database (none for PostgreSQL), released however the process ends. */
function lockDatabase(config: Readonly<Config>, logger: ReturnType<typeof createLogger>): InstanceLock | null {
  const file = sqliteFile(config.databaseUrl);
  if (file === null) return null;
  ensurePrivateDir(dirname(file));
  const lock = acquireInstanceLock(file, logger);
  process.once('exit', () => lock.release());
  return lock;
}

export async function serve(config: Readonly<Config>): Promise<void> {
  const logger = createLogger(config);
  checkSqliteFolder(config);
  // A driver built for another Node (installed under another version) stops start-up here,
  // before the data folder or its lock is created.
  if (sqliteFile(config.databaseUrl) !== null) loadSqlite();
  await checkPortFree(config);
  const lock = lockDatabase(config, logger);
  for (const warning of productionWarnings(config)) logger.warn(warning);
  const runtime = await createRuntime(config, logger);
  const { app, startDraining } = await buildApp(runtime, {
    logRequests: config.logLevel === 'debug' || config.logLevel === 'trace',
  });
  const sweep = setInterval(() => {
    runtime.services.sessions.sweep().catch((err: unknown) => logger.warn({ err }, 'session sweep failed'));
    runtime.services.deviceGrants.sweep().catch((err: unknown) => logger.warn({ err }, 'device grant sweep failed'));
    runtime.services.webauthnChallenges
      .sweep()
      .catch((err: unknown) => logger.warn({ err }, 'WebAuthn challenge sweep failed'));
  }, 15 * 60_000);
  sweep.unref();
  // Support resets (docs/admin.md): every instance sweeps; a conditional UPDATE picks who acts.
  const resets = setInterval(() => {
    runtime.services.admin.supportResets
      .sweep()
      .catch((err: unknown) => logger.warn({ err }, 'support reset sweep failed'));
  }, 60_000);
  resets.unref();
  // Security webhooks (docs/admin.md): every instance delivers; a leased claim keeps rows apart.
  const deliverer = runtime.webhooks;
  const webhooks = deliverer
    ? setInterval(() => {
        deliverer.deliverDue().catch((err: unknown) => logger.warn({ err }, 'security webhook round failed'));
      }, 5_000)
    : null;
  webhooks?.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    startDraining();
    clearInterval(sweep);
    clearInterval(resets);
    if (webhooks) clearInterval(webhooks);
    const timer = setTimeout(() => {
      logger.error('drain took longer than 10 s; exiting');
      process.exit(1);
    }, DRAIN_MS);
    timer.unref();
    try {
      await app.close();
      await runtime.close();
      lock?.release();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { url: config.publicUrl, database: config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'postgres' },
    `Twofold is listening on http://${config.host}:${config.port}`,
  );
}

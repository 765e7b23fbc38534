// The outside services some tests need, and the `skip` option that says so when one is missing:
// a suite that cannot run is reported as skipped with its reason, never silently left out
// (scripts/run-tests.mjs lists the reasons, and fails on any skip when CI_REQUIRE_SERVICES=1).
export const postgresUrl = process.env.TWOFOLD_TEST_DATABASE_URL || undefined;
export const redisUrl = process.env.TWOFOLD_TEST_REDIS_URL || undefined;

/** `skip` for a test that needs PostgreSQL: false when it is configured, else the reason. */
export const needsPostgres: string | false = postgresUrl ? false : 'needs TWOFOLD_TEST_DATABASE_URL (PostgreSQL)';
/** `skip` for a test that needs Redis. */
export const needsRedis: string | false = redisUrl ? false : 'needs TWOFOLD_TEST_REDIS_URL (Redis)';
/** `skip` for a test that needs both (a cluster). */
export const needsPostgresAndRedis: string | false =
  postgresUrl && redisUrl ? false : 'needs TWOFOLD_TEST_DATABASE_URL and TWOFOLD_TEST_REDIS_URL (PostgreSQL and Redis)';

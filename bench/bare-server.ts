// The ceiling: a bare Fastify 5 server with one JSON route, no plugins, no logger, answering the
// same path with a body of the same shape as Twofold's GET /v1/me. Run as its own process by
// bench/run.ts (PORT in the environment); it exits when the parent goes away.
import Fastify from 'fastify';

const port = Number(process.env.PORT);
const app = Fastify({ logger: false });
const body = {
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  email: 'bench0000000.bare@example.test',
  created_at: new Date(0).toISOString(),
  mfa: { enabled: true, method: 'totp' },
  google_linked: false,
};
app.get('/v1/me', async () => body);

const stop = () => void app.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);
await app.listen({ port, host: '127.0.0.1' });
process.send?.({ ready: true });

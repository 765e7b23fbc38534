// What the portal's end-to-end suite runs on: a real `twofold serve` process on a free port with
// its own data folder, Debian's Chromium driven by playwright-core, axe-core for accessibility,
// and a phone that computes TOTP codes the way an authenticator app does.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import jsQRModule from 'jsqr';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { verifyTokenIn } from '../helpers/verify-email.js';
import { freePort, LISTENING, outputLine } from '../cluster/processes.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: Decode = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export { freePort } from '../cluster/processes.js';

export interface ServerProcess {
  url: string;
  port: number;
  logs: string[];
  stop(): Promise<void>;
}

/** `node bin/twofold.js serve` as a user runs it, on a fresh data folder. Needs `npm run build`. */
export async function startServer(env: Record<string, string> = {}, port?: number): Promise<ServerProcess> {
  if (!existsSync(join(ROOT, 'dist', 'web', 'index.html')) || !existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('the build is missing: run `npm run build` first (npm run test:e2e does)');
  }
  port ??= await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'twofold-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  // The server reads its configuration from the environment: start from a clean one.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('TWOFOLD_') && k !== 'PORT' && k !== 'HOST' && k !== 'NODE_ENV',
    ),
  );
  const child: ChildProcess = spawn(process.execPath, ['bin/twofold.js', 'serve'], {
    cwd: ROOT,
    env: {
      ...inherited,
      PORT: String(port),
      HOST: '127.0.0.1',
      TWOFOLD_DATA_DIR: dataDir,
      TWOFOLD_PUBLIC_URL: url,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  child.stdout?.on('data', (d: Buffer) => logs.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await outputLine({ child }, LISTENING, 'the server listening', 30_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`the server did not start: ${(e as Error).message}`);
  }
  return {
    url,
    port,
    logs,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(12_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Problems the browser saw: script errors, CSP refusals, failed requests to our origin. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|403|404|409|410|422|429)/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  return problems;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core on the page as it is (injected through the debugger, so the CSP stays on). */
export async function axe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate<
    AxeViolation[]
  >(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  })))`);
}

export const shots: string[] = [];

/**
 * Checks the page with axe-core (no serious or critical violation) and saves a full-page
 * screenshot at 390 px and at 1280 px, each width checked on its own layout.
 */
export async function capture(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate('document.fonts.ready.then(() => true)');
  const original = page.viewportSize() ?? { width: 1280, height: 800 };
  const failures: string[] = [];
  for (const [width, height] of [
    [390, 844],
    [1280, 800],
  ] as const) {
    await page.setViewportSize({ width, height });
    // The layout at the new width: two animation frames after the resize, the page has re-rendered.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))');
    const violations = await axe(page);
    for (const v of violations) {
      if (v.impact === 'serious' || v.impact === 'critical')
        failures.push(`${name} @${width}px: ${v.id} (${v.impact}) ${v.help} → ${v.nodes.join(', ')}`);
    }
    const horizontal = await page.evaluate<boolean>(
      'document.documentElement.scrollWidth > document.documentElement.clientWidth',
    );
    if (horizontal) failures.push(`${name} @${width}px: the page scrolls sideways`);
    const file = `${name}-${width}.png`;
    await page.screenshot({ path: join(SHOTS, file), fullPage: true });
    shots.push(file);
  }
  await page.setViewportSize(original);
  if (failures.length) throw new Error(`accessibility/layout problems:\n${failures.join('\n')}`);
}

/** Reads the QR code on screen like a phone camera: the image drawn to a canvas, decoded by jsQR. */
export async function readQr(page: Page, selector: string): Promise<string> {
  const size = 360;
  const pixels = await page.evaluate<number[]>(`(async () => {
    const img = document.querySelector(${JSON.stringify(selector)});
    await img.decode();
    const c = document.createElement('canvas');
    c.width = ${size}; c.height = ${size};
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, ${size}, ${size});
    g.drawImage(img, 30, 30, ${size - 60}, ${size - 60});
    return Array.from(g.getImageData(0, 0, ${size}, ${size}).data);
  })()`);
  const found = jsQR(new Uint8ClampedArray(pixels), size, size);
  if (!found) throw new Error('no QR code could be read from the page');
  return found.data;
}

/** An authenticator app: codes for the current 30 s step, never reusing a step (the server refuses replays). */
export class Phone {
  private lastStep = -1;
  private readonly key: Uint8Array;
  constructor(readonly secret: string) {
    this.key = base32Decode(secret);
  }
  async code(): Promise<string> {
    const now = Date.now();
    const nowStep = Math.floor(now / 30_000);
    // The server accepts the previous, current and next step (one step of drift, RFC 6238 §5.2),
    // each once and in increasing order. A phone's first code is the previous step's, so three
    // codes fit in one step and no test waits out a 30 s boundary; in the last 5 s of a step the
    // previous one is about to leave the window, so the first code is then the current step's.
    const earliest = now - nowStep * 30_000 < 25_000 ? nowStep - 1 : nowStep;
    const step = Math.max(earliest, this.lastStep + 1);
    // Only a third code within those last 5 s (or a fourth within one step) needs a step the
    // server does not accept yet: then, and only then, the phone waits for that step to begin
    // (at most 5 s in the first case).
    if (step > nowStep + 1) await sleep((step - 1) * 30_000 - Date.now() + 50);
    this.lastStep = step;
    return totpAt(this.key, step * 30_000);
  }
  /** A code that is certainly wrong now. */
  wrongCode(): string {
    const now = Date.now();
    const valid = new Set([-1, 0, 1].map((d) => totpAt(this.key, now + d * 30_000)));
    for (let n = 123456; ; n = (n + 111111) % 1_000_000) {
      const c = String(n).padStart(6, '0');
      if (!valid.has(c)) return c;
    }
  }
}

/** Presses Tab (at most `max` times) until the focused element matches `test` (a JS predicate on `el`). */
export async function tabTo(page: Page, test: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate<boolean>(`((el) => Boolean(el) && (${test}))(document.activeElement)`)) return;
  }
  throw new Error(`Tab never reached an element where ${test}`);
}

export async function focusedText(page: Page): Promise<string> {
  return page.evaluate<string>(
    '(document.activeElement && (document.activeElement.getAttribute("aria-label") || document.activeElement.textContent || document.activeElement.id)) || ""',
  );
}

/**
 * Proves a mailbox as its confirmation link would (issue 13): 2FA set-up and access keys answer
 * 403 email_unverified until then. Takes the newest link mailed to `email` and posts its token.
 */
export async function proveMailbox(
  messages: ReadonlyArray<{ to: string[]; text: string }>,
  url: string,
  email: string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  let token: string | undefined;
  while (!(token = verifyTokenIn(messages.filter((m) => m.to.includes(email)).map((m) => m.text)))) {
    if (Date.now() > deadline) throw new Error(`no confirmation link was mailed to ${email}`);
    await sleep(50);
  }
  const r = await fetch(`${url}/v1/auth/email/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (r.status !== 200) throw new Error(`the confirmation link answered ${r.status}: ${await r.text()}`);
}

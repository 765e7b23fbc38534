// What `twofold login` draws in the terminal: a QR code of the verification link, a spinner
// while it waits (on a terminal only), and the browser it opens when there is one.
import { spawn } from 'node:child_process';

/** The link as a QR code of block characters (scan it with a phone). */
export async function terminalQr(text: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(text, { type: 'terminal', small: true });
}

/** Opens the URL with the desktop's opener when there seems to be a desktop; false otherwise. Failures are ignored. */
export function openBrowser(url: string): boolean {
  const platform = process.platform;
  const command =
    platform === 'darwin'
      ? 'open'
      : platform === 'win32'
        ? 'explorer'
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? 'xdg-open'
          : null;
  if (!command) return false;
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner on stderr when it is a terminal; nothing otherwise (logs and pipes stay clean). */
export function startSpinner(text: string): { stop(): void } {
  const err = process.stderr;
  if (!err.isTTY) return { stop: () => undefined };
  let i = 0;
  const timer = setInterval(() => err.write(`\r${FRAMES[i++ % FRAMES.length]} ${text}…`), 100);
  return {
    stop: () => {
      clearInterval(timer);
      err.write('\r\x1b[2K');
    },
  };
}

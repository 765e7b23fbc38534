// From Node 22 (V8 12) the young generation grows past SEMI_SPACE_CAP_MIB during start-up whatever
// --semi-space-growth-factor says (seen: 64 MiB of new space after `serve` starts on Node 24,
// 8 MiB on Node 20, about 45 MiB more resident memory). Only --max-semi-space-size bounds it, and
// V8 reads it once, at start. Where Node can replace its own process image (process.execve, Node
// 22.15+ on POSIX), `twofold serve` starts again with that flag before anything else loads: the
// same pid, stdio, environment and arguments. Why the cap: docs/design.md, "V8 heap settings".
import { SEMI_SPACE_CAP_MIB, startupFlags, youngGenerationFlagGiven } from './heap-tuning.js';

export interface RelaunchInput {
  /** process.versions.node's major. */
  nodeMajor: number;
  /** Whether process.execve exists here. */
  canExec: boolean;
  /** The flags Node was started with (command line and NODE_OPTIONS). */
  nodeFlags: readonly string[];
  execArgv: readonly string[];
  /** process.argv: the node binary, the script, then the program's arguments. */
  argv: readonly string[];
}

/** The argv to start again with, or null when this process should go on as it is. */
export function relaunchArgv(input: RelaunchInput): string[] | null {
  // Node 20's V8 honours the growth factor, which ./heap-tuning.ts sets in-process.
  if (input.nodeMajor < 22 || !input.canExec) return null;
  // The operator's own setting wins, and a relaunched process has the flag: no second relaunch.
  if (youngGenerationFlagGiven(input.nodeFlags)) return null;
  const [node, ...rest] = input.argv;
  return [node!, `--max-semi-space-size=${SEMI_SPACE_CAP_MIB}`, ...input.execArgv, ...rest];
}

type Execve = (file: string, args: string[], env: NodeJS.ProcessEnv) => never;

/** Starts this process again with the young-generation cap when that is needed and possible. */
export function relaunchWithYoungGenerationCap(): void {
  const execve = (process as unknown as { execve?: Execve }).execve;
  const argv = relaunchArgv({
    nodeMajor: Number.parseInt(process.versions.node, 10),
    canExec: typeof execve === 'function',
    nodeFlags: startupFlags(),
    execArgv: process.execArgv,
    argv: process.argv,
  });
  if (!argv) return;
  try {
    execve!.call(process, process.execPath, argv, process.env);
  } catch {
    // Not replaced (a sandbox refusing execve): go on; the in-process settings still apply.
  }
}

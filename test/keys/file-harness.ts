// One harness per test file, for the files whose tests share it: useFileHarness() registers the
// hooks that open it before the file's tests and close it after; `h` is read inside the tests.
import { after, before } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness.js';

// A live binding: set by the before hook useFileHarness registers.
export let h: Harness;

/** Registers the file's before/after: one harness for all its tests. */
export function useFileHarness(): void {
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });
}

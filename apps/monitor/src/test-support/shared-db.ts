import { backends, type TestDatabase } from './app.js';

let opened: Promise<TestDatabase> | undefined;

/** One PGlite database shared by the suites of one test file (opening one costs seconds). */
export function sharedDatabase(): Promise<TestDatabase> {
  opened ??= backends[0]!.open();
  return opened;
}

/** Disposes the shared database; call from the file's top-level `after`. */
export async function disposeSharedDatabase(): Promise<void> {
  const db = opened;
  opened = undefined;
  await (await db)?.dispose();
}

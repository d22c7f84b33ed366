// Test helper for file-store.test.ts: appends (and removes) until it is killed, printing what each
// call returned only after it returned, so the parent knows what was acknowledged.
// Usage: node --import tsx crash-child.ts <dir> <batchWrites 0|1>

import { FileStore } from './file-store.js';
import { UNLIMITED } from './indexed-store.js';

const [dir, batch] = process.argv.slice(2);
const store = await FileStore.open(dir!, UNLIMITED, {
  fsync: 'never',
  blockSize: 64 * 1024,
  batchWrites: batch === '1',
});
let n = store.state().lastSeq;
const tick = (): void => {
  for (let i = 0; i < 200; i++) {
    n++;
    const { seq } = store.append(`crash.${n % 7}`, undefined, Buffer.from(`payload-${seq0(n)}`));
    process.stdout.write(`A ${seq}\n`);
    if (n % 11 === 0) {
      const victim = seq - 3;
      if (store.remove(victim)) process.stdout.write(`D ${victim}\n`);
    }
  }
  if (batch === '1') void store.flush().then(() => process.stdout.write(`F ${store.state().lastSeq}\n`));
  setImmediate(tick);
};
function seq0(x: number): string {
  return String(x).padStart(8, '0');
}
tick();

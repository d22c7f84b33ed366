import { runStoreConformance } from './conformance.js';
import { MemoryStore, memStoreMsgSize } from './memory-store.js';

runStoreConformance('MemoryStore', async (limits) => new MemoryStore(limits), { msgSize: memStoreMsgSize });

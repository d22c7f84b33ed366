// The store package's public surface (the conformance suite is test-only: import conformance.ts).
export { FileStore, type FileStoreOptions, fileStoreMsgSize } from './file-store.js';
export { nowNs, UNLIMITED } from './indexed-store.js';
export { MemoryStore, memStoreMsgSize } from './memory-store.js';
export { isAllFilter, isLiteralSubject, subjectMatches } from './subject-match.js';
export * from './types.js';

export * from './audit.js';
export * from './auth.js';
export * from './common.js';
export * from './servers.js';
export * from './targets.js';

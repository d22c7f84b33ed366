export * from './admin.js';
export * from './audit.js';
export * from './auth.js';
export * from './common.js';
export * from './observability.js';
export * from './servers.js';
export * from './targets.js';
export * from './messages.js';

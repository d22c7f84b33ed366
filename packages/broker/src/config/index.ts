export { ConfigError, isUsedVariable, positionOf, type SourcePosition } from './errors.js';
export { type ConfigMap, type ConfigValue, loadConfigFile, type ParseOptions, parseConfig } from './parse.js';
export {
  type AuthorizationBlock,
  type FileConfig,
  type JetStreamFileConfig,
  type ResponsePermission,
  type SubjectPermission,
  toServerConfig,
  type UserEntry,
  type UserPermissions,
} from './server-config.js';
export { parseGoDuration, parseStorageSize, splitHostPort } from './values.js';

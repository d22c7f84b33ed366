export {
  Account,
  type AccountCounters,
  AccountRegistry,
  type AccountRegistryOptions,
  DEFAULT_RESPONSE_THRESHOLD_MS,
  type Delivery,
  implicitSystemImports,
  type LimitError,
  type ResponseMapping,
  SERVICE_REPLY_PREFIX,
  type ServiceImport,
  type StreamImport,
} from './account.js';
export {
  type AccountAuth,
  type AccountConfig,
  type AccountJetStreamConfig,
  type AccountLimitsConfig,
  type AccountsConfig,
  type AccountUserEntry,
  buildAccountAuth,
  DEFAULT_SYSTEM_ACCOUNT,
  GLOBAL_ACCOUNT,
  importAuthorized,
  parseAccountsConfig,
  type ResponseType,
  type ServiceExportConfig,
  type ServiceImportConfig,
  type StreamExportConfig,
  type StreamImportConfig,
  unlimitedAccountLimits,
  unlimitedJetStreamConfig,
  validateAccountsForStartup,
} from './config.js';
export * from './jwt.js';
export * from './resolver.js';
export { isSubsetMatch, transformSubject, wildcardCaptures } from './subjects.js';
export * from './sys.js';

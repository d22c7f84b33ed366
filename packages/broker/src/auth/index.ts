export {
  type AuthCliOptions,
  type AuthConfig,
  type AuthNkey,
  type AuthUser,
  authConfigFromCli,
  authConfigFromFile,
  DEFAULT_AUTH_TIMEOUT_MS,
  validateAuthConfig,
} from './auth-config.js';
export {
  Authenticator,
  type AuthResult,
  type ConnectCredentials,
  constantTimeEqual,
  generateNonce,
  isBcrypt,
  secretMatches,
  verifyNonceSignature,
} from './authenticator.js';
export {
  AUTHENTICATION_TIMEOUT,
  AUTHORIZATION_VIOLATION,
  pubPermissionViolation,
  replyPermissionViolation,
  subPermissionViolation,
} from './errors.js';
export {
  normalizePermissions,
  PermissionChecker,
  type PermissionCheckerOptions,
  type Permissions,
  type ResponsePermission,
  type SubjectPermission,
} from './permissions.js';
export {
  goQuote,
  isValidSubject,
  type SubjectValidationOptions,
  subjectHasWildcard,
  subjectIsSubsetMatch,
  subjectMatches,
  subjectsCollide,
} from './subject.js';

import {
  type Authenticator,
  type ConnectionOptions,
  credsAuthenticator,
  nkeyAuthenticator,
} from '@nats-io/transport-node';
import type { TargetCredentials } from '@tern/contracts';

/**
 * Connection options of the official NATS client for a target's decrypted credentials: a token,
 * user/password, an NKey seed (signs the server's nonce) or the contents of a `.creds` file (user
 * JWT plus seed). Several may be combined, as the client allows.
 */
export function natsAuthOptions(creds: TargetCredentials | undefined): Partial<ConnectionOptions> {
  if (!creds) return {};
  const out: Partial<ConnectionOptions> = {};
  const enc = new TextEncoder();
  const authenticators: Authenticator[] = [];
  if (creds.creds) authenticators.push(credsAuthenticator(enc.encode(creds.creds)));
  else if (creds.nkeySeed) authenticators.push(nkeyAuthenticator(enc.encode(creds.nkeySeed.trim())));
  if (authenticators.length) out.authenticator = authenticators;
  if (creds.token) out.token = creds.token;
  if (creds.user) {
    out.user = creds.user;
    out.pass = creds.pass ?? '';
  }
  return out;
}

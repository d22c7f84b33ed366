/** `-ERR` texts exactly as nats-server sends them; clients classify errors by these strings. */
export const ERR = {
  unknownOp: 'Unknown Protocol Operation',
  maxPayload: 'Maximum Payload Violation',
  maxControlLine: 'maximum control line exceeded',
  invalidPubSubject: 'Invalid Publish Subject',
  invalidSubject: 'Invalid Subject',
  authViolation: 'Authorization Violation',
  authTimeout: 'Authentication Timeout',
  authExpired: 'User Authentication Expired',
  authRevoked: 'User Authentication Revoked',
  staleConnection: 'Stale Connection',
  maxSubs: 'maximum subscriptions exceeded',
  maxConns: 'maximum connections exceeded',
  invalidProtocol: 'invalid client protocol',
  noRespondersNeedsHeaders: 'no responders requires headers support',
  slowConsumer: 'Slow Consumer',
} as const;

/** Frames an `-ERR` line. */
export function errLine(text: string): string {
  return `-ERR '${text}'\r\n`;
}

import { type Static, Type } from '@sinclair/typebox';

export const ServerStatus = Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('unknown')]);
export type ServerStatus = Static<typeof ServerStatus>;

/** One monitored server as last scraped from its `/varz`. Numbers are absent until the first scrape succeeds. */
export const ServerSummary = Type.Object({
  targetId: Type.String(),
  targetName: Type.String(),
  monitorUrl: Type.String(),
  embedded: Type.Boolean(),
  status: ServerStatus,
  error: Type.Optional(Type.String()),
  lastScrape: Type.Optional(Type.String({ format: 'date-time' })),
  serverId: Type.Optional(Type.String()),
  serverName: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  uptime: Type.Optional(Type.String()),
  start: Type.Optional(Type.String()),
  connections: Type.Optional(Type.Integer()),
  totalConnections: Type.Optional(Type.Integer()),
  subscriptions: Type.Optional(Type.Integer()),
  inMsgs: Type.Optional(Type.Number()),
  outMsgs: Type.Optional(Type.Number()),
  inBytes: Type.Optional(Type.Number()),
  outBytes: Type.Optional(Type.Number()),
  slowConsumers: Type.Optional(Type.Integer()),
  jetstream: Type.Optional(Type.Boolean()),
});
export type ServerSummary = Static<typeof ServerSummary>;

export const ServersResponse = Type.Object({ servers: Type.Array(ServerSummary) });
export type ServersResponse = Static<typeof ServersResponse>;

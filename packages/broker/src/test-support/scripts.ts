import type { CommonConfig, RunningServer } from './servers.js';
import { Wire } from './wire.js';

/** One wire-level scenario: steps sent on numbered connections; transcripts compared per connection. */
export interface WireScript {
  name: string;
  cfg?: CommonConfig;
  /** `[connection index, bytes]`; each step is followed by a PING/PONG barrier on that connection. */
  steps: [number, string][];
  /** Connections the server is expected to close (their transcript is taken at close). */
  closes?: number[];
  /** Expected transcripts (without INFO, without server PINGs), by connection. */
  expect?: Record<number, string>;
}

/** Runs a script; returns each connection's transcript and whether the server closed it. */
export async function runScript(
  server: RunningServer,
  script: WireScript,
): Promise<{ out: string[]; closed: boolean[] }> {
  const n = Math.max(...script.steps.map((s) => s[0])) + 1;
  const wires: Wire[] = [];
  for (let i = 0; i < n; i++) wires.push((await Wire.handshake(server.port)).wire);
  const out = wires.map(() => '');
  const closes = new Set(script.closes ?? []);
  try {
    for (const [i, data] of script.steps) {
      const w = wires[i]!;
      w.send(data);
      if (!closes.has(i)) out[i] += await w.sync();
    }
    for (let i = 0; i < n; i++) {
      if (closes.has(i)) out[i] += await wires[i]!.closedByServer();
      else out[i] += await wires[i]!.sync();
    }
  } finally {
    for (const w of wires) w.close();
  }
  return { out, closed: wires.map((w) => w.closed) };
}

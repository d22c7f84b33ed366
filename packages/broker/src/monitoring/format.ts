/** nats-server's `myUptime`: `1y2d3h4m5s`, dropping leading zero units. */
export function uptime(ms: number): string {
  const tsecs = Math.max(0, Math.floor(ms / 1000));
  const tmins = Math.floor(tsecs / 60);
  const thrs = Math.floor(tmins / 60);
  const tdays = Math.floor(thrs / 24);
  const tyrs = Math.floor(tdays / 365);
  if (tyrs > 0) return `${tyrs}y${tdays % 365}d${thrs % 24}h${tmins % 60}m${tsecs % 60}s`;
  if (tdays > 0) return `${tdays}d${thrs % 24}h${tmins % 60}m${tsecs % 60}s`;
  if (thrs > 0) return `${thrs}h${tmins % 60}m${tsecs % 60}s`;
  if (tmins > 0) return `${tmins}m${tsecs % 60}s`;
  return `${tsecs}s`;
}

function trimFrac(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

/** Go's `time.Duration.String()` for a duration given in milliseconds (ns resolution). */
export function goDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const neg = ns < 0;
  const a = Math.abs(ns);
  let s: string;
  if (a < 1000) s = `${a}ns`;
  else if (a < 1e6) s = `${trimFrac(a / 1e3, 3)}µs`;
  else if (a < 1e9) s = `${trimFrac(a / 1e6, 6)}ms`;
  else {
    let secs = a / 1e9;
    const h = Math.floor(secs / 3600);
    secs -= h * 3600;
    const m = Math.floor(secs / 60);
    secs -= m * 60;
    const sec = `${trimFrac(secs, 9)}s`;
    s = h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec;
  }
  return neg ? `-${s}` : s;
}

/** RFC 3339 UTC timestamp as Go's JSON encoding writes `time.Time`. */
export function rfc3339(d: Date | number): string {
  return new Date(d).toISOString();
}

/** Subjects are carried as latin1 strings internally; monitoring shows them as UTF-8. */
export function displaySubject(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 127) return Buffer.from(s, 'latin1').toString('utf8');
  }
  return s;
}

/**
 * nats-server's command line (Go `flag` package rules): one or two leading dashes, values as the next
 * argument or after `=`, booleans as bare flags or `-flag=false`.
 */

export interface Flags {
  host?: string;
  port?: number;
  serverName?: string;
  pidFile?: string;
  httpPort?: number;
  httpsPort?: number;
  config?: string;
  testConfig?: boolean;
  signal?: string;
  clientAdvertise?: string;
  portsFileDir?: string;
  logFile?: string;
  logtime?: boolean;
  syslog?: boolean;
  remoteSyslog?: string;
  debug?: boolean;
  trace?: boolean;
  traceVerbose?: boolean;
  logSizeLimit?: string;
  maxTracedMsgLen?: number;
  jetstream?: boolean;
  storeDir?: string;
  user?: string;
  pass?: string;
  auth?: string;
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsVerify?: boolean;
  tlsCaCert?: string;
  routes?: string;
  cluster?: string;
  clusterName?: string;
  noAdvertise?: boolean;
  clusterAdvertise?: string;
  connectRetries?: number;
  profile?: number;
  help?: boolean;
  helpTls?: boolean;
  version?: boolean;
}

type Kind = 'string' | 'int' | 'bool';
interface Spec {
  key: keyof Flags;
  kind: Kind;
  /** Extra settings of the combined -DV style flags. */
  set?: Partial<Flags>;
}

const SPECS = new Map<string, Spec>();
function def(names: string[], key: keyof Flags, kind: Kind, set?: Partial<Flags>): void {
  for (const n of names) SPECS.set(n, { key, kind, set });
}
def(['a', 'addr', 'net'], 'host', 'string');
def(['p', 'port'], 'port', 'int');
def(['n', 'name', 'server_name'], 'serverName', 'string');
def(['P', 'pid'], 'pidFile', 'string');
def(['m', 'http_port'], 'httpPort', 'int');
def(['ms', 'https_port'], 'httpsPort', 'int');
def(['c', 'config'], 'config', 'string');
def(['t'], 'testConfig', 'bool');
def(['sl', 'signal'], 'signal', 'string');
def(['client_advertise'], 'clientAdvertise', 'string');
def(['ports_file_dir'], 'portsFileDir', 'string');
def(['l', 'log'], 'logFile', 'string');
def(['T', 'logtime'], 'logtime', 'bool');
def(['s', 'syslog'], 'syslog', 'bool');
def(['r', 'remote_syslog'], 'remoteSyslog', 'string');
def(['D', 'debug'], 'debug', 'bool');
def(['V', 'trace'], 'trace', 'bool');
def(['VV'], 'traceVerbose', 'bool', { trace: true });
def(['DV'], 'debug', 'bool', { trace: true });
def(['DVV'], 'debug', 'bool', { trace: true, traceVerbose: true });
def(['log_size_limit'], 'logSizeLimit', 'string');
def(['max_traced_msg_len'], 'maxTracedMsgLen', 'int');
def(['js', 'jetstream'], 'jetstream', 'bool');
def(['sd', 'store_dir'], 'storeDir', 'string');
def(['user'], 'user', 'string');
def(['pass'], 'pass', 'string');
def(['auth'], 'auth', 'string');
def(['tls'], 'tls', 'bool');
def(['tlscert'], 'tlsCert', 'string');
def(['tlskey'], 'tlsKey', 'string');
def(['tlsverify'], 'tlsVerify', 'bool');
def(['tlscacert'], 'tlsCaCert', 'string');
def(['routes'], 'routes', 'string');
def(['cluster', 'cluster_listen'], 'cluster', 'string');
def(['cluster_name'], 'clusterName', 'string');
def(['no_advertise'], 'noAdvertise', 'bool');
def(['cluster_advertise'], 'clusterAdvertise', 'string');
def(['connect_retries'], 'connectRetries', 'int');
def(['profile'], 'profile', 'int');
def(['h', 'help'], 'help', 'bool');
def(['help_tls'], 'helpTls', 'bool');
def(['v', 'version'], 'version', 'bool');

/** A bad command line; the message is shown to the user before exiting with status 1. */
export class FlagError extends Error {}

const TRUE_RE = /^(1|t|T|true|TRUE|True)$/;
const FALSE_RE = /^(0|f|F|false|FALSE|False)$/;

/** Parses argv (without node and the script). Throws FlagError with Go-flag-like wording. */
export function parseFlags(argv: string[]): { flags: Flags; rest: string[] } {
  const flags: Flags = {};
  const rec = flags as Record<string, unknown>;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const spec = SPECS.get(name);
    if (!spec) throw new FlagError(`flag provided but not defined: ${arg.split('=')[0]}`);
    let value: string | undefined = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (spec.kind === 'bool') {
      let b = true;
      if (value !== undefined) {
        if (TRUE_RE.test(value)) b = true;
        else if (FALSE_RE.test(value)) b = false;
        else throw new FlagError(`invalid boolean value "${value}" for -${name}: parse error`);
      }
      rec[spec.key] = b;
      if (spec.set && b) Object.assign(flags, spec.set);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
      value = argv[++i]!;
    }
    if (spec.kind === 'int') {
      if (!/^[+-]?\d+$/.test(value))
        throw new FlagError(`invalid value "${value}" for flag -${name}: parse error`);
      const n = Number.parseInt(value, 10);
      if (name === 'p' || name === 'port' || name === 'm' || name === 'http_port') {
        if (n < -1 || n > 65535)
          throw new FlagError(`invalid value "${value}" for flag -${name}: port out of range`);
      }
      rec[spec.key] = n;
    } else rec[spec.key] = value;
  }
  return { flags, rest: argv.slice(i) };
}

export const USAGE = `
Usage: tern-server [options]

Server Options:
    -a, --addr, --net <host>         Bind to host address (default: 0.0.0.0)
    -p, --port <port>                Use port for clients (default: 4222, -1 for a free port)
    -n, --name
        --server_name <server_name>  Server name (default: auto)
    -P, --pid <file>                 File to store PID
    -m, --http_port <port>           Use port for http monitoring (-1 for a free port)
    -c, --config <file>              Configuration file
    -t                               Test configuration and exit
    -sl,--signal <signal>=<pid>      Send signal to a tern-server process (stop, quit, term, reopen, reload, ldm);
                                     <pid> can be a PID or the path to a PID file
        --ports_file_dir <dir>       Creates a ports file in the specified directory (<executable_name>_<pid>.ports).

Logging Options:
    -l, --log <file>                 File to redirect log output
    -T, --logtime                    Timestamp log entries (default: true)
    -D, --debug                      Enable debugging output
    -V, --trace                      Trace the raw protocol
    -DV                              Debug and trace

JetStream Options:
    -js, --jetstream                 Enable JetStream functionality
    -sd, --store_dir <dir>           Set the storage directory

Authorization Options:
        --user <user>                User required for connections
        --pass <password>            Password required for connections
        --auth <token>               Authorization token required for connections

Common Options:
    -h, --help                       Show this message
    -v, --version                    Show version

Accepted for compatibility but not supported (a warning is logged): -ms, -s, -r, TLS and cluster flags.
`;

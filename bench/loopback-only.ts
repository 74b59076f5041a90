/**
 * `node --import` preload for servers the bench does not own (Portkey, the gateway under test):
 * every TCP listen() that names no host, or a wildcard host, binds to 127.0.0.1 instead, so
 * nothing the bench starts is reachable from outside the machine.
 *
 * With BENCH_PARENT_PID set, the process also exits once that process is gone, so an interrupted
 * bench leaves nothing running.
 *
 * Self-contained (node: imports only): the bench transpiles it to plain JS.
 */
import net from 'node:net';

const LOOPBACK = '127.0.0.1';
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

type Listen = (this: net.Server, ...args: unknown[]) => net.Server;
const originalListen = net.Server.prototype.listen as Listen;

function isPort(value: unknown): boolean {
  return typeof value === 'number' || (typeof value === 'string' && value !== '' && Number.isInteger(Number(value)));
}

function listenLocally(this: net.Server, ...args: unknown[]): net.Server {
  const [first, second] = args;
  if (isPort(first)) {
    // listen(port[, host][, backlog][, callback])
    if (typeof second === 'string' && !WILDCARDS.has(second)) return originalListen.apply(this, args);
    const rest = (typeof second === 'string' ? args.slice(2) : args.slice(1)).filter((arg) => arg !== undefined);
    return originalListen.call(this, Number(first), LOOPBACK, ...rest);
  }
  if (first !== null && typeof first === 'object') {
    const options = first as net.ListenOptions;
    if (options.path === undefined && (options.host === undefined || WILDCARDS.has(options.host))) {
      return originalListen.call(this, { ...options, host: LOOPBACK, ipv6Only: false }, ...args.slice(1));
    }
  }
  return originalListen.apply(this, args);
}

net.Server.prototype.listen = listenLocally as typeof net.Server.prototype.listen;

const parentPid = Number(process.env.BENCH_PARENT_PID);
if (Number.isInteger(parentPid) && parentPid > 0) {
  setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      process.exit(0);
    }
  }, 1000).unref();
}

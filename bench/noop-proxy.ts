/**
 * A do-nothing reverse proxy: node:http in, node:http out through a keep-alive Agent, bodies piped
 * both ways, path and headers forwarded unchanged. It is the floor any Node gateway sits on: what
 * remains after removing every bit of gateway logic.
 *
 * Self-contained (node: imports only) so the bench runs it without a TS loader. Exits when its
 * parent process dies.
 *
 *   node noop-proxy.mjs --port 9002 --upstream http://127.0.0.1:9001
 */
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string', default: '9002' },
    upstream: { type: 'string', default: 'http://127.0.0.1:9001' },
  },
});

const PORT = Number(flags.port);
const upstream = new URL(flags.upstream);
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

// Connection-level headers describe one hop; node:http sets its own on each side.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer']);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (!HOP_BY_HOP.has(name) && name !== 'host') out[name] = headers[name];
  }
  return out;
}

const server = http.createServer((req, res) => {
  const upstreamReq = http.request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: forwardable(req.headers),
      agent,
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, forwardable(upstreamRes.headers));
      upstreamRes.pipe(res);
    },
  );
  upstreamReq.on('error', (error) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `upstream: ${error.message}` } }));
  });
  req.pipe(upstreamReq);
});

server.keepAliveTimeout = 65_000;
server.listen(PORT, '127.0.0.1', () => {
  console.log(`noop-proxy listening on http://127.0.0.1:${PORT} -> ${upstream.origin}`);
});

const parentPid = process.ppid;
setInterval(() => {
  try {
    process.kill(parentPid, 0);
  } catch {
    process.exit(0);
  }
}, 1000).unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));

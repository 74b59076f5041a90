/**
 * `node --import` preload for the soak test: appends `process.memoryUsage()` as one JSON line to
 * HEAP_PROBE_FILE every HEAP_PROBE_MS (default 5000), because the gateway itself has no endpoint
 * that reports its heap. The timer is unref'd and the write is asynchronous, so the probe neither
 * keeps the process alive nor blocks its event loop.
 *
 * Self-contained (node: imports only): the bench transpiles it to plain JS.
 */
import { appendFile } from 'node:fs/promises';
import cluster from 'node:cluster';

const file = process.env.HEAP_PROBE_FILE;
const everyMs = Number(process.env.HEAP_PROBE_MS ?? 5000);

if (file && cluster.isPrimary && everyMs > 0) {
  setInterval(() => {
    const usage = process.memoryUsage();
    const line = JSON.stringify({
      t: Date.now(),
      rss: usage.rss,
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
    });
    appendFile(file, line + '\n').catch(() => undefined);
  }, everyMs).unref();
}

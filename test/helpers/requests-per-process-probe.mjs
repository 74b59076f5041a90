/**
 * `--import` preload for cluster tests: each cluster worker counts the HTTP requests its server
 * received on paths containing REQUESTS_PER_PROCESS_MATCH and, when it exits, writes the count
 * to REQUESTS_PER_PROCESS_DIR/requests-<pid>.txt. Plain JS: the gateway under test runs on node.
 */
import cluster from 'node:cluster';
import { writeFileSync } from 'node:fs';
import http from 'node:http';

const dir = process.env.REQUESTS_PER_PROCESS_DIR;
const match = process.env.REQUESTS_PER_PROCESS_MATCH ?? '';

if (dir && cluster.isWorker) {
  let count = 0;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, ...args) {
    if (event === 'request' && String(args[0]?.url).includes(match)) count++;
    return emit.call(this, event, ...args);
  };
  process.on('exit', () => writeFileSync(`${dir}/requests-${process.pid}.txt`, String(count)));
}

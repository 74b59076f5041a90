/**
 * Slow and hostile clients: headers or bodies that never finish arriving, many large uploads
 * held open at once, and a client that stops reading its response. In process against src,
 * plus the real gateway process for its resident memory.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import { openConnection, startInProcess, rawRequest, type InProcessGateway, type OpenConnection } from '../helpers/in-process.js';
import { startGateway } from '../helpers/gateway.js';
import { startFloodUpstream, type FloodUpstream } from '../helpers/flood-upstream.js';
import { inflightBodies } from '../../src/server/body-budget.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(25);
  }
  return check();
}

describe('header and body timeouts', () => {
  let gw: InProcessGateway;
  before(async () => {
    gw = await startInProcess({ config: 'server:\n  header-timeout: 1s\n  body-timeout: 2s\n' });
  });
  after(() => gw?.close());

  test('the header timeout is on by default (20 s), whatever the body timeout', async () => {
    const dflt = await startInProcess();
    const noBodyLimit = await startInProcess({ config: 'server:\n  body-timeout: 0\n' });
    try {
      assert.equal(dflt.server.headersTimeout, 20_000);
      assert.equal(dflt.server.requestTimeout, 60_000);
      assert.equal(noBodyLimit.server.headersTimeout, 20_000);
      assert.equal(noBodyLimit.server.requestTimeout, 0);
    } finally {
      await dflt.close();
      await noBodyLimit.close();
    }
  });

  test('1,000 clients sending their headers slowly are all answered 408 and dropped', async () => {
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => rawRequest(gw.port, ['POST /ai/chat/completions HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', 'X-Slow: 1\r\n', 'X-Slower: 1\r\n', 'X-Slowest: 1\r\n', 'X-Never: 1\r\n'], { gapMs: 400, waitMs: 8000 })),
    );
    for (const r of results) {
      assert.ok(r.closed, 'dropped by the gateway');
      assert.equal(r.status, 408);
      assert.equal(r.json?.error?.code, 'request_timeout');
    }
    assert.ok(Date.now() - started < 6000, `took ${Date.now() - started} ms`);
  });

  test('a body that trickles in is cut at the body timeout, with an info line', async () => {
    const parts = ['POST /ai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n', ...Array.from({ length: 40 }, () => ' ')];
    const r = await rawRequest(gw.port, parts, { gapMs: 200, waitMs: 8000 });
    assert.ok(r.closed);
    assert.equal(r.status, 408);
    assert.equal(r.json?.error?.code, 'request_timeout');
    assert.ok(await until(() => gw.logs().includes('request body did not arrive within server.body-timeout'), 1000), gw.logs());
    assert.doesNotMatch(gw.logs(), /unexpected error/);
  });
});

describe('the bytes of bodies being received are bounded in total', () => {
  let gw: InProcessGateway;
  before(async () => {
    gw = await startInProcess({ config: 'server:\n  max-body-size: 1572864\n  max-inflight-body-bytes: 2097152\n' });
  });
  after(() => gw?.close());

  /** Sends `bytes` of a body declared as 1.4 MiB and holds the connection. */
  function holdUpload(bytes: number): OpenConnection {
    const upload = openConnection(gw.port);
    upload.socket.write(`POST /ai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${1434 * 1024}\r\n\r\n`);
    upload.socket.write(Buffer.alloc(bytes, ' '));
    return upload;
  }

  test('a declared length over max-body-size is refused before any body is read', async () => {
    const r = await rawRequest(gw.port, ['POST /ai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 99999999\r\n\r\n'], { waitMs: 2000 });
    assert.equal(r.status, 413);
    assert.equal(r.json?.error?.code, 'request_too_large');
    assert.ok(r.closed, 'connection closed: the body is not read');
  });

  test('a chunked body that never ends stops at max-body-size: 413, connection closed', async () => {
    const endless = openConnection(gw.port);
    endless.socket.write('POST /ai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
    const chunk = `10000\r\n${' '.repeat(0x10000)}\r\n`;
    const pump = setInterval(() => {
      if (!endless.closed()) for (let i = 0; i < 8; i++) endless.socket.write(chunk);
    }, 5);
    try {
      assert.ok(await until(endless.closed, 5000), 'the gateway closed the connection');
    } finally {
      clearInterval(pump);
    }
    assert.match(endless.answer(), /^HTTP\/1\.1 413/);
    assert.match(endless.answer(), /request_too_large/);
    assert.equal(inflightBodies.inUse, 0);
  });

  test('a body larger than the whole budget is 413 naming the budget, not 503', async () => {
    const small = await startInProcess({ config: 'server:\n  max-inflight-body-bytes: 1000\n' });
    try {
      const r = await rawRequest(small.port, [`POST /ai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2000\r\n\r\n${' '.repeat(2000)}`], { waitMs: 2000 });
      assert.equal(r.status, 413);
      assert.match(r.json?.error?.message ?? '', /server\.max-inflight-body-bytes/);
    } finally {
      await small.close();
      // The budget is one per process: give it back the size of this suite's gateway.
      inflightBodies.resize(2097152);
    }
  });

  test('an upload that would go over the budget gets 503 and its connection closed; the budget frees when uploads end', async () => {
    const first = holdUpload(1100 * 1024);
    assert.ok(await until(() => inflightBodies.inUse >= 1100 * 1024, 3000), `in use: ${inflightBodies.inUse}`);
    const second = holdUpload(1100 * 1024);
    assert.ok(await until(second.closed, 3000), 'the over-budget upload is closed');
    assert.match(second.answer(), /^HTTP\/1\.1 503/);
    assert.match(second.answer(), /request_bodies_over_capacity/);
    assert.match(second.answer(), /retry-after: 1/i);
    assert.ok(!first.closed(), 'the upload within the budget goes on');
    assert.ok(inflightBodies.inUse <= 2048 * 1024);
    first.socket.destroy();
    assert.ok(await until(() => inflightBodies.inUse === 0, 3000), `in use after both ended: ${inflightBodies.inUse}`);
    const ok = await rawRequest(gw.port, ['POST /ai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}'], { waitMs: 1000 });
    assert.equal(ok.status, 400, 'served again (400: the body lacks a model)');
    assert.equal(inflightBodies.inUse, 0);
  });
});

describe('a client that stops reading', () => {
  let upstream: FloodUpstream;
  let gw: InProcessGateway;
  before(async () => {
    upstream = await startFloodUpstream();
    gw = await startInProcess({
      config: `server:\n  write-stall-timeout: 1s\nproviders:\n  flood:\n    base-url: "${upstream.url}"\n`,
      env: { FLOOD_API_KEY: 'flood-key' },
    });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  test('is dropped after the write-stall timeout, and the upstream request with it', async () => {
    const socket = connect(gw.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET /flood/flood HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    socket.pause();
    const started = Date.now();
    assert.ok(await until(() => upstream.floodClosed === 1, 8000), 'the upstream response was cancelled');
    const took = Date.now() - started;
    assert.ok(took >= 900, `not before the timeout (${took} ms)`);
    assert.ok(await until(() => gw.logs().includes('client stopped reading its response'), 1000), gw.logs());
    socket.destroy();
  });

  test('a slow provider does not trip it: silence is not backpressure', async () => {
    const res = await fetch(`${gw.url}/flood/slow`);
    assert.equal(res.status, 200);
    assert.equal((await res.arrayBuffer()).byteLength, 1024 * 1024);
  });
});

/** Resident memory of a process, from /proc (Linux). */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

describe('resident memory under held uploads (the gateway process)', () => {
  test('20 clients holding 30 MiB uploads: the gateway stays within its body budget', async () => {
    const gw = await startGateway({ config: 'server:\n  max-inflight-body-bytes: 67108864\n' });
    try {
      const pid = gw.child.pid as number;
      await fetch(`${gw.url}/health`);
      const baseline = await rssMb(pid);
      let peak = baseline;
      const body = Buffer.alloc(29 * 1024 * 1024, ' ');
      const clients = Array.from({ length: 20 }, () => {
        const upload = openConnection(gw.port);
        upload.socket.write(`POST /ai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${30 * 1024 * 1024}\r\n\r\n`);
        upload.socket.write(body);
        return upload;
      });
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        peak = Math.max(peak, await rssMb(pid));
        const refused = clients.filter((c) => c.answer().startsWith('HTTP/1.1 503')).length;
        if (refused >= 17) break;
        await sleep(100);
      }
      for (let i = 0; i < 10; i++) {
        peak = Math.max(peak, await rssMb(pid));
        await sleep(100);
      }
      const refused = clients.filter((c) => c.answer().startsWith('HTTP/1.1 503')).length;
      for (const c of clients) c.socket.destroy();
      await sleep(1500);
      const afterwards = await rssMb(pid);
      process.stdout.write(`# rss baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, after the clients left ${afterwards.toFixed(0)} MB; ${refused}/20 refused\n`);
      assert.ok(refused >= 17, `${refused} of 20 uploads refused (64 MiB budget / 29 MiB each)`);
      // Without the budget the 20 bodies take ~600 MB; with it, the accepted bytes plus garbage not yet collected.
      assert.ok(peak - baseline < 250, `grew by ${(peak - baseline).toFixed(0)} MB`);
      const ok = await fetch(`${gw.url}/health`);
      assert.equal(ok.status, 200);
    } finally {
      await gw.stop();
    }
  });
});

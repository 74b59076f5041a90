// `node --import` preload (via NODE_OPTIONS): records the largest young generation (V8's
// new_space) of the main thread — the one serving requests — seen after any GC and writes it to
// HEAP_SPACES_FILE at exit, as JSON. Preloads also run in worker threads (the audit log's
// writer), which keep their own heaps: they record nothing.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { getHeapSpaceStatistics } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';

const file = process.env.HEAP_SPACES_FILE;
if (file && isMainThread) {
  let maxNewSpace = 0;
  const sample = () => {
    for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') maxNewSpace = Math.max(maxNewSpace, space.space_size);
  };
  new PerformanceObserver(sample).observe({ entryTypes: ['gc'] });
  process.once('exit', () => {
    sample();
    writeFileSync(file, JSON.stringify({ maxNewSpace }));
  });
}

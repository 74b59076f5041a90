/**
 * Under npm (`npx …`, `npm exec`, an `npm start` without `exec`) the gateway's parent is npm's
 * shell, and a SIGTERM to npm ends that shell without passing the signal on: the gateway would
 * be left running, reparented, still holding its port. So when started by npm, a gateway whose
 * parent has gone stops as if it had been signalled. (Outside npm the parent going away means
 * nothing: `nohup`, a shell that started it in the background and exited.)
 */
const CHECK_MS = 500;

export function stopWhenOrphaned(stop: () => void, env: NodeJS.ProcessEnv = process.env): void {
  if (env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, CHECK_MS);
  timer.unref();
}

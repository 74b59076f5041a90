/**
 * SIGTERM / SIGINT: the first asks for a graceful stop, a second one for an immediate exit.
 *
 * A signal that arrives again within DUPLICATE_MS of the first is the same request delivered
 * twice, not a second one: Ctrl-C signals the terminal's whole process group, and `npm start`
 * (or another wrapper in that group) forwards it to the gateway once more.
 */
const DUPLICATE_MS = 500;

export function onStopSignals(stop: () => void, exitNow: () => void): void {
  let firstAt: number | undefined;
  const handle = (): void => {
    const now = performance.now();
    if (firstAt === undefined) {
      firstAt = now;
      stop();
    } else if (now - firstAt >= DUPLICATE_MS) {
      exitNow();
    }
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

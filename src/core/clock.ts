/**
 * Time as the routing core sees it: milliseconds from a monotonic source. Injected everywhere
 * health, latency and retries read the time, so tests drive a manual clock.
 */
export type Clock = () => number;

export const systemClock: Clock = () => performance.now();

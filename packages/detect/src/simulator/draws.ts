import type { Random } from '@vigil/ml';

/** Standard normal draw (Box–Muller); 1 − next() keeps the log away from zero. */
export function normal(rng: Random): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** Log-normal draw around a median: sizes and durations of real traffic are heavy-tailed. */
export function logNormal(rng: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rng));
}

/** Uniform integer in [lo, hi]. */
export function between(rng: Random, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

export function pick<T>(rng: Random, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

/** Exponential gap (ms) of a Poisson process with `perSecond` events per second. */
export function exponentialGapMs(rng: Random, perSecond: number): number {
  return (-Math.log(1 - rng.next()) / perSecond) * 1000;
}

// Addresses are text in records only; the documentation (RFC 5737) and shared (RFC 6598) ranges
// keep simulated traffic from naming anyone's real hosts.

/** A host of the monitored network (10.0.0.0/16). */
export function internalHost(rng: Random): string {
  return `10.0.${1 + rng.int(20)}.${10 + rng.int(200)}`;
}

/** One of a few internal servers (DNS, SSH, file servers) in 10.0.0.0/24. */
export function internalServer(rng: Random): string {
  return `10.0.0.${2 + rng.int(30)}`;
}

/** A popular external service: a small pool, as most traffic goes to a few destinations. */
export function externalServer(rng: Random): string {
  return `203.0.113.${1 + rng.int(60)}`;
}

/** An external attacker or attacker-controlled host. */
export function externalHost(rng: Random): string {
  return `198.51.100.${1 + rng.int(254)}`;
}

/** A bot or spoofed source address. */
export function botAddress(rng: Random): string {
  return `100.${64 + rng.int(64)}.${rng.int(256)}.${1 + rng.int(254)}`;
}

/** A client's ephemeral source port (Linux default range). */
export function ephemeralPort(rng: Random): number {
  return 32768 + rng.int(28232);
}

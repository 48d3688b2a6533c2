/**
 * The V8 flags of `npm start` (package.json; keep the two in step), for benchmarks that run the
 * server in a child process as `npm start` would. A 3 MB semi-space (young generation ~9 MB instead
 * of ~48 MB) makes each scavenge shorter, so fewer requests wait behind one (bench:api measured p99
 * at 10k req/s 2.06–2.42 ms without, 1.50–1.81 ms with, for ~5 % less peak throughput).
 * BENCH_NODE_FLAGS="" measures without them.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=3'];

/** The server's Node flags for this run: BENCH_NODE_FLAGS when set, else SERVER_NODE_FLAGS. */
export function serverNodeFlags() {
  return process.env.BENCH_NODE_FLAGS !== undefined
    ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean)
    : SERVER_NODE_FLAGS;
}

import cliProgress from 'cli-progress';

/** A progress reporter for long CLI work: a live bar on a terminal, sparse log lines otherwise. */
export interface Progress {
  update(done: number, detail?: string): void;
  stop(): void;
}

/**
 * On a TTY this draws a cli-progress bar on stderr; in CI logs and pipes, where a redrawn bar
 * turns into thousands of lines, it prints one line per 10 % instead.
 */
export function startProgress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} | {detail}`, stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail: '' });
    return {
      update: (done, detail = '') => bar.update(done, { detail }),
      stop: () => bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update(done, detail = '') {
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(
          `${label}: ${Math.min(100, decile * 10)}% (${done}/${total})${detail ? ` ${detail}` : ''}\n`,
        );
      }
    },
    stop() {},
  };
}

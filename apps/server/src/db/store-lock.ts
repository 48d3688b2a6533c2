import { open, readFile, rm } from 'node:fs/promises';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An embedded (PGlite) store is one Postgres instance inside one process: a second process opening
 * the same folder would corrupt it. The lock file holds the owner's pid; a lock left behind by a
 * process that died (kill -9) is taken over. Returns the release function.
 */
export async function lockEmbeddedStore(dir: string): Promise<() => Promise<void>> {
  const path = `${dir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new Error(
          `the embedded store ${dir} is in use by process ${pid} (a running Vigil server?). ` +
            'Stop it first, use the HTTP API, or run Vigil on PostgreSQL (DATABASE_URL) to share a store between processes.',
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not lock the embedded store ${dir}`);
}

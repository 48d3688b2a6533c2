import { sql, type UpdateObject } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { JobInfo } from './job-queue.js';

export interface ClaimedJob {
  id: string;
  name: string;
  payload: unknown;
  attempt: number;
  max_attempts: number;
}

/**
 * The embedded queue's statements on the `jobs` table. Each is one short autocommit statement
 * (PGlite has one connection); leases use the database clock, shared by every worker process.
 * Statements that end a run match `lease_owner` and `state = 'running'`, so a worker that lost its
 * job (cancelled, or reclaimed after its lease ran out) changes nothing.
 */
export class JobsRepo {
  constructor(
    private readonly db: Db,
    private readonly leaseSeconds: number,
  ) {}

  /** Inserts the job unless its id exists (idempotent enqueue). */
  async insert(id: string, name: string, payload: unknown, maxAttempts: number): Promise<void> {
    await this.db
      .insertInto('jobs')
      .values({ id, name, payload: JSON.stringify(payload ?? null), max_attempts: maxAttempts })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async get(jobId: string): Promise<JobInfo | undefined> {
    const row = await this.db
      .selectFrom('jobs')
      .select(['id', 'name', 'state', 'attempt', 'error'])
      .where('id', '=', jobId)
      .executeTakeFirst();
    return row && { id: row.id, name: row.name, state: row.state, attempts: row.attempt, error: row.error };
  }

  /** Queued or running → cancelled; false for any other state. */
  async cancel(jobId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({
        state: 'cancelled',
        lease_owner: null,
        lease_until: null,
        finished_at: sql`now()`,
        updated_at: sql`now()`,
      })
      .where('id', '=', jobId)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Failed or cancelled → queued with attempts reset; false for any other state. */
  async retry(jobId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({
        state: 'queued',
        attempt: 0,
        error: null,
        lease_owner: null,
        lease_until: null,
        finished_at: null,
        run_after: sql`now()`,
        updated_at: sql`now()`,
      })
      .where('id', '=', jobId)
      .where('state', 'in', ['failed', 'cancelled'])
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Takes the oldest runnable job with one of `names` for `owner`: a queued one whose backoff is
   * over, or a running one whose lease ran out (its worker died). `exclude`: jobs this worker runs.
   */
  async claim(owner: string, names: string[], exclude: string[]): Promise<ClaimedJob | undefined> {
    const notExcluded = exclude.length > 0 ? sql`and id not in (${sql.join(exclude)})` : sql``;
    const { rows } = await sql<ClaimedJob>`
      update jobs
      set state = 'running', attempt = attempt + 1, lease_owner = ${owner},
          lease_until = now() + make_interval(secs => ${this.leaseSeconds}), updated_at = now()
      where id = (
        select id from jobs
        where name in (${sql.join(names)})
          and ((state = 'queued' and run_after <= now()) or (state = 'running' and lease_until < now()))
          ${notExcluded}
        order by created_at, id
        limit 1
        for update skip locked)
      returning id, name, payload, attempt, max_attempts`.execute(this.db);
    return rows[0];
  }

  /** Extends the lease; false when the job is no longer this owner's running job. */
  async extendLease(jobId: string, owner: string): Promise<boolean> {
    const held = await this.db
      .updateTable('jobs')
      .set({
        lease_until: sql`now() + make_interval(secs => ${this.leaseSeconds})`,
        updated_at: sql`now()`,
      })
      .where('id', '=', jobId)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'running')
      .returning('id')
      .executeTakeFirst();
    return held !== undefined;
  }

  async markDone(jobId: string, owner: string): Promise<void> {
    await this.endRun(jobId, owner, { state: 'done', error: null, finished_at: sql`now()` });
  }

  async markFailed(jobId: string, owner: string, error: string): Promise<void> {
    await this.endRun(jobId, owner, { state: 'failed', error, finished_at: sql`now()` });
  }

  /** Back to the queue after `delaySeconds`, keeping the error for `get` meanwhile. */
  async requeueAfterError(jobId: string, owner: string, error: string, delaySeconds: number): Promise<void> {
    await this.endRun(jobId, owner, {
      state: 'queued',
      error,
      run_after: sql`now() + make_interval(secs => ${delaySeconds})`,
    });
  }

  /** Back to the queue at once, without using up an attempt (the worker is shutting down). */
  async release(jobId: string, owner: string): Promise<void> {
    await this.endRun(jobId, owner, {
      state: 'queued',
      attempt: sql`greatest(attempt - 1, 0)`,
      run_after: sql`now()`,
    });
  }

  private async endRun(jobId: string, owner: string, values: UpdateObject<Database, 'jobs'>): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ ...values, lease_owner: null, lease_until: null, updated_at: sql`now()` })
      .where('id', '=', jobId)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'running')
      .execute();
  }
}

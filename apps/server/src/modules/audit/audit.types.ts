/** One entry to append to the audit log. `actor` is `principalName(...)` or `system`/`cli:<user>`. */
export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  outcome: 'success' | 'denied' | 'failure';
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** Appends to the hash-chained audit log (implemented by AuditService, `app.audit`). */
export interface AuditRecorder {
  record(entry: AuditEntry): Promise<void>;
}

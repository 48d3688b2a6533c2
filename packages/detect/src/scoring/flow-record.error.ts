/** Stable codes of {@link FlowRecordError}. */
export type FlowRecordErrorCode =
  | 'not-an-object'
  | 'unknown-field'
  | 'missing-field'
  | 'duplicate-field'
  | 'not-a-number'
  | 'not-a-category'
  | 'bad-address'
  | 'bad-port'
  | 'bad-protocol';

/**
 * A flow record that cannot be scored as sent. `index` is the record's position in the batch and
 * `field` the field as the caller spelled it (the model's name for a missing field), so an API can
 * point at `records.<index>.<field>`; the message says the same in words with what was expected.
 */
export class FlowRecordError extends Error {
  override readonly name = 'FlowRecordError';

  constructor(
    readonly code: FlowRecordErrorCode,
    message: string,
    readonly index: number,
    readonly field: string | undefined,
    readonly expected: string,
    readonly got?: string,
  ) {
    super(message);
  }

  /** True for errors that mean "another schema's record" rather than "a bad value". */
  get isSchemaMismatch(): boolean {
    return this.code === 'unknown-field' || this.code === 'missing-field';
  }
}

/** A value as an error message shows it: JSON, shortened. */
export function showValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * The one error catalogue of the server. Services throw `AppError`s with a stable code; the HTTP
 * error handler maps them to the status below and a body `{ error: { code, message, path? } }`.
 * Clients switch on `code`, never on the message.
 */
export const ERROR_CATALOGUE = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SCHEMA_MISMATCH: 422,
  RATE_LIMITED: 429,
  NO_PRODUCTION_MODEL: 503,
  NOT_READY: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { path?: string; [key: string]: unknown } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = ERROR_CATALOGUE[code];
  }
}

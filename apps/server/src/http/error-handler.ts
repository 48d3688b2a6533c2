import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../errors/app-error.js';

/** The body of every error response. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    path?: string;
    requestId: string;
    issues?: { path: string; message: string }[];
  };
}

function fromFastify(err: FastifyError): AppError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', err.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', `${err.message}; send application/json`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON', `request body is not valid JSON: ${err.message}`);
  }
  // JSON.parse failures surface as a SyntaxError carrying statusCode 400.
  if (err instanceof SyntaxError && err.statusCode === 400) {
    return new AppError('MALFORMED_JSON', `request body is not valid JSON: ${err.message}`);
  }
  if (err.statusCode === 429) return new AppError('RATE_LIMITED', err.message);
  return undefined;
}

/**
 * Maps every error to `{ error: { code, message, path?, requestId } }`. Validation failures name the
 * bad field's path; anything unexpected becomes INTERNAL with the request id, logged in full and
 * never echoed to the client.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const requestId = String(request.id);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => {
        const where = v.instancePath ? v.instancePath.replace(/^\//, '').replaceAll('/', '.') : '';
        const path = [err.validationContext, where].filter(Boolean).join('.');
        return { path, message: v.message ?? 'invalid' };
      });
      const first = issues[0];
      const body: ErrorBody = {
        error: {
          code: 'VALIDATION_FAILED',
          message: `${first.path || 'request'}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
          path: first.path,
          requestId,
          issues: issues.slice(0, 50),
        },
      };
      return reply.status(400).send(body);
    }
    const known = err instanceof AppError ? err : fromFastify(err);
    if (known) {
      if (known.status >= 500) request.log.error({ err }, known.message);
      const retryAfter = reply.getHeader('retry-after');
      if (known.code === 'RATE_LIMITED' && retryAfter === undefined) reply.header('retry-after', '60');
      const body: ErrorBody = {
        error: {
          code: known.code,
          message: known.message,
          ...(known.details.path ? { path: known.details.path } : {}),
          requestId,
        },
      };
      return reply.status(known.status).send(body);
    }
    request.log.error({ err }, 'unhandled error');
    const body: ErrorBody = {
      error: {
        code: 'INTERNAL',
        message: `internal error; quote request id ${requestId} when reporting it`,
        requestId,
      },
    };
    return reply.status(500).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: {
        code: 'NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
        requestId: String(request.id),
      },
    };
    return reply.status(404).send(body);
  });
}

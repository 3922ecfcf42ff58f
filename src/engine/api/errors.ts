/**
 * Errors in OpenAI's shape. Every /v1 failure leaves as
 *   {"error": {"message": "...", "type": "invalid_request_error", "param": "training_file", "code": "..."}}
 * with the HTTP status the official clients map to their typed errors (400 BadRequestError,
 * 401 AuthenticationError, 404 NotFoundError, 409 ConflictError, 413, 422, 500 InternalServerError).
 * Engine code throws OpenAIError; the HTTP glue (src/lib/server/openai/handler.ts) renders it.
 */

export type OpenAIErrorType = 'invalid_request_error' | 'authentication_error' | 'not_found_error' | 'server_error';

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
}

export class OpenAIError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly opts: { type?: OpenAIErrorType; param?: string | null; code?: string | null } = {}
  ) {
    super(message);
    this.name = 'OpenAIError';
  }

  get type(): OpenAIErrorType {
    return this.opts.type ?? (this.status >= 500 ? 'server_error' : 'invalid_request_error');
  }

  get param(): string | null {
    return this.opts.param ?? null;
  }

  get code(): string | null {
    return this.opts.code ?? null;
  }

  body(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400 for a request field: `param` names it the way the request spelled it (method.supervised.hyperparameters.n_epochs). */
export function badParam(param: string | null, message: string, code = 'invalid_value'): OpenAIError {
  return new OpenAIError(400, message, { param, code });
}

export function notFound(message: string, code: string, param: string | null = null): OpenAIError {
  return new OpenAIError(404, message, { code, param });
}

export function modelNotFound(model: string, param = 'model'): OpenAIError {
  return notFound(`The model '${model}' does not exist or you do not have access to it. List the models with GET /v1/models.`, 'model_not_found', param);
}

/** A request that is well formed but not possible in the object's current state (e.g. resuming a finished job). */
export function invalidState(message: string, code = 'invalid_state'): OpenAIError {
  return new OpenAIError(400, message, { code });
}

/** Any error as an OpenAIError (unknown errors become a 500 that keeps their message). */
export function asOpenAIError(e: unknown): OpenAIError {
  if (e instanceof OpenAIError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new OpenAIError(500, `internal error: ${message}`, { type: 'server_error', code: 'internal_error' });
}

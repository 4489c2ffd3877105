import { readStreamName } from './stream-name';

export type RequestId = number | string | null;

export type ControlRequest =
  | { method: 'SUBSCRIBE' | 'UNSUBSCRIBE'; id: RequestId; streams: string[] }
  | { method: 'LIST_SUBSCRIPTIONS'; id: RequestId }
  | { method: 'SET_PROPERTY'; id: RequestId; combined: boolean }
  | { method: 'GET_PROPERTY'; id: RequestId };

export interface ControlError {
  id: RequestId;
  code: number;
  msg: string;
}

export type ParsedControlRequest = { ok: true; request: ControlRequest } | { ok: false; error: ControlError };

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'] as const;
type Method = (typeof METHODS)[number];
/** Binance accepts a 64-bit signed integer, an alphanumeric string of at most 36 characters, or null. */
const STRING_ID = /^[A-Za-z0-9_-]{1,36}$/;

/**
 * One client text frame, checked in the order Binance's stream server checks it: JSON, `method`, `id`, `params`.
 * Texts are the documented ones (web-socket-streams.md, "Live Subscribing/Unsubscribing to streams" and "Error
 * Messages"); "invalid stream" (a stream name of an unknown type) and code 4 are the observed ones.
 */
export function parseControlRequest(text: string): ParsedControlRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return fail(null, 3, `Invalid JSON: expected value at ${jsonErrorLocation(text, error)}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(null, 2, 'Invalid request: expected a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const rawId = fields['id'];
  const id: RequestId = isValidId(rawId) ? rawId : null;
  const method = fields['method'];
  if (method === undefined) {
    return fail(id, 2, `Invalid request: missing field \`method\` at line 1 column ${text.length}`);
  }
  if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) {
    const expected = METHODS.map((name) => `\`${name}\``).join(', ');
    const column = columnAfter(text, JSON.stringify(method));
    return fail(id, 2, `Invalid request: unknown variant \`${String(method)}\`, expected one of ${expected} at line 1 column ${column}`);
  }
  if (!isValidId(rawId)) {
    return fail(null, 2, 'Invalid request: request ID must be an unsigned integer');
  }
  const params = fields['params'];
  switch (method as Method) {
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE':
      return parseStreams(method as 'SUBSCRIBE' | 'UNSUBSCRIBE', id, params);
    case 'LIST_SUBSCRIPTIONS':
      if (params !== undefined && !(Array.isArray(params) && params.length === 0)) {
        return fail(id, 2, 'Invalid request: too many parameters');
      }
      return { ok: true, request: { method: 'LIST_SUBSCRIPTIONS', id } };
    case 'SET_PROPERTY':
      return parseProperty(id, params, 2, (value) => {
        if (typeof value !== 'boolean') {
          return fail(id, 1, 'Invalid value type: expected Boolean');
        }
        return { ok: true, request: { method: 'SET_PROPERTY', id, combined: value } };
      });
    case 'GET_PROPERTY':
      return parseProperty(id, params, 1, () => ({ ok: true, request: { method: 'GET_PROPERTY', id } }));
  }
}

export function formatResult(id: RequestId, result: unknown): string {
  return `{"result":${JSON.stringify(result ?? null)},"id":${JSON.stringify(id)}}`;
}

/** The observed wire form: `{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":2}`. */
export function formatError({ id, code, msg }: ControlError): string {
  return `{"error":{"code":${code},"msg":${JSON.stringify(msg)}},"id":${JSON.stringify(id)}}`;
}

function parseStreams(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', id: RequestId, params: unknown): ParsedControlRequest {
  if (!Array.isArray(params)) {
    return fail(id, 2, 'Invalid request: missing field `params`');
  }
  if (!params.every((stream) => typeof stream === 'string' && readStreamName(stream) !== null)) {
    return fail(id, 2, 'Invalid request: invalid stream');
  }
  return { ok: true, request: { method, id, streams: params as string[] } };
}

function parseProperty(
  id: RequestId,
  params: unknown,
  arity: number,
  withValue: (value: unknown) => ParsedControlRequest,
): ParsedControlRequest {
  if (!Array.isArray(params) || typeof params[0] !== 'string') {
    return fail(id, 2, 'Invalid request: property name must be a string');
  }
  if (params.length > arity) {
    return fail(id, 2, 'Invalid request: too many parameters');
  }
  if (params[0] !== 'combined') {
    return fail(id, 0, 'Unknown property');
  }
  return withValue(params[1]);
}

function isValidId(id: unknown): id is RequestId {
  return id === null || (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && STRING_ID.test(id));
}

function fail(id: RequestId, code: number, msg: string): ParsedControlRequest {
  return { ok: false, error: { id, code, msg } };
}

function columnAfter(text: string, needle: string): number {
  const index = text.indexOf(needle);
  return index < 0 ? text.length : index + needle.length;
}

/** V8's "at position N" in serde's "line L column C" wording, which Binance's server uses. */
function jsonErrorLocation(text: string, error: unknown): string {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  const offset = position ? Number(position[1]) : text.length;
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length} column ${offset - before.lastIndexOf('\n')}`;
}

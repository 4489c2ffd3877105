import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type ApiKeyVerdict = 'allowed' | 'missing' | 'invalid';

/**
 * Whether a request may change what is tracked: with no keys configured every request may; otherwise it must present
 * one of them as `Authorization: Bearer <key>` or `X-API-Key: <key>`. Keys are compared as SHA-256 digests with a
 * constant-time comparison, against every configured key, so the answer's timing says nothing about how much of a
 * guess was right or which key it matched.
 */
export class ApiKeyPolicy {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digestOf);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  verdict(headers: IncomingHttpHeaders): ApiKeyVerdict {
    if (!this.enabled) {
      return 'allowed';
    }
    const presented = presentedKey(headers);
    if (presented === null) {
      return 'missing';
    }
    const digest = digestOf(presented);
    let matched = false;
    for (const known of this.digests) {
      matched = timingSafeEqual(known, digest) || matched;
    }
    return matched ? 'allowed' : 'invalid';
  }
}

function presentedKey(headers: IncomingHttpHeaders): string | null {
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '');
  if (bearer) {
    return bearer[1];
  }
  const header = headers['x-api-key'];
  const key = (Array.isArray(header) ? header[0] : header)?.trim();
  return key ? key : null;
}

function digestOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

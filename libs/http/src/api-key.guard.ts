import { CanActivate, ExecutionContext, Injectable, UnauthorizedException, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeyPolicy } from './api-key.policy';
import { ErrorResponseDto } from './error-response.dto';

/** The OpenAPI security schemes `createApp` declares for the two ways of presenting a key. */
export const API_KEY_BEARER_SCHEME = 'api-key-bearer';
export const API_KEY_HEADER_SCHEME = 'api-key-header';

export class ApiKeyRejectedError extends UnauthorizedException {
  constructor(reason: 'missing' | 'invalid') {
    super(
      reason === 'missing'
        ? { code: 'API_KEY_REQUIRED', message: 'This route changes what is tracked and needs an API key: send Authorization: Bearer <key> or X-API-Key: <key>' }
        : { code: 'API_KEY_INVALID', message: 'The API key sent is not one of this service\'s keys (API_KEYS)' },
    );
  }
}

/** Refuses a request to a route marked with `RequiresApiKey()` unless the policy lets it through. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly policy: ApiKeyPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    const verdict = this.policy.verdict(context.switchToHttp().getRequest<FastifyRequest>().headers);
    if (verdict !== 'allowed') {
      throw new ApiKeyRejectedError(verdict);
    }
    return true;
  }
}

/** Marks a route that changes what is tracked: it needs one of `API_KEYS` when any is configured. */
export function RequiresApiKey(): MethodDecorator {
  return applyDecorators(
    UseGuards(ApiKeyGuard),
    ApiBearerAuth(API_KEY_BEARER_SCHEME),
    ApiSecurity(API_KEY_HEADER_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'API_KEYS is set and the request sent no key or a wrong one' }),
  );
}

import { ApiProperty, ApiPropertyOptional, ApiTooManyRequestsResponse } from '@nestjs/swagger';

export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({ example: 'BTCUSDT is not tracked' })
  message!: string;

  @ApiPropertyOptional({ example: 'SYMBOL_NOT_TRACKED', description: 'Stable machine-readable code' })
  code?: string;

  @ApiPropertyOptional({ type: [String], description: 'Every validation problem, when there were several' })
  details?: string[];
}

/** The 429 any API route may answer once a client is over RATE_LIMIT_PER_SECOND (see installClientRateLimit). */
export function ApiRateLimitedResponse(): ClassDecorator & MethodDecorator {
  return ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'This client (remote address) made more requests than RATE_LIMIT_PER_SECOND and RATE_LIMIT_BURST allow; code RATE_LIMITED',
    headers: { 'Retry-After': { description: 'Whole seconds until this client may ask again', schema: { type: 'integer', example: 1 } } },
  });
}

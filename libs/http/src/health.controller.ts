import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HealthService } from '@binance-rates/serving';
import type { HealthReport } from '@binance-rates/serving';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Ready when PostgreSQL, Redis and the Binance stream are; otherwise says which is not' })
  @ApiOkResponse({ description: 'Everything ready' })
  @ApiServiceUnavailableResponse({ description: 'Something is not ready; the body says what' })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport & { status: string }> {
    const report = await this.health.check();
    reply.status(report.healthy ? 200 : 503);
    return { status: report.healthy ? 'ok' : 'degraded', ...report };
  }
}

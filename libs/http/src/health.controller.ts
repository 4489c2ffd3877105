import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HealthService } from '@binance-rates/serving';
import type { HealthReport } from '@binance-rates/serving';
import { LivenessResponseDto, ReadinessResponseDto, mapHealthVerdict } from './health.dto';

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

  @Get('live')
  @ApiOperation({
    summary: 'Liveness: the process works (its loops end their steps, its event loop turns)',
    description: 'For restart decisions (a Kubernetes livenessProbe). Asks no store: a store outage never fails it.',
  })
  @ApiOkResponse({ type: LivenessResponseDto, description: 'Live' })
  @ApiServiceUnavailableResponse({ type: LivenessResponseDto, description: 'Something is hung; the failing checks say what and since when' })
  live(@Res({ passthrough: true }) reply: FastifyReply): LivenessResponseDto {
    const verdict = this.health.live();
    reply.status(verdict.ok ? 200 : 503);
    return mapHealthVerdict(verdict);
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: this instance can serve (stores answer, writes succeed, nothing shed, its streams live)',
    description: 'For traffic decisions (a Kubernetes readinessProbe, a load balancer). Warnings do not fail it.',
  })
  @ApiOkResponse({ type: ReadinessResponseDto, description: 'Ready; warnings may name what is degraded' })
  @ApiServiceUnavailableResponse({ type: ReadinessResponseDto, description: 'Not ready; the failing checks say why' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessResponseDto> {
    const verdict = await this.health.ready();
    reply.status(verdict.ok ? 200 : 503);
    return mapHealthVerdict(verdict);
  }
}

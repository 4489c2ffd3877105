import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { HealthCheckResult, HealthVerdict } from '@binance-rates/serving';

export class HealthCheckDto {
  @ApiProperty({ example: true })
  ok!: boolean;

  @ApiPropertyOptional({ example: 'PostgreSQL is unreachable (a ping failed)', description: 'Why the check fails; only when `ok` is false' })
  reason?: string;

  @ApiPropertyOptional({
    example: '1 of 6 symbols streamed here not live past their subscribe grace: FOOUSDT',
    description: 'What is degraded while the check still passes',
  })
  warning?: string;

  @ApiPropertyOptional({ example: '2026-11-26T00:00:00.000Z', description: 'When the failing or degraded condition began, when known' })
  since?: string;
}

export class LivenessChecksDto {
  @ApiProperty({ description: 'The event loop made no callback wait over 3 s in the last 10–20 s' })
  eventLoop!: HealthCheckDto;

  @ApiProperty({ description: 'Ownership rounds (leases, hand-overs) end, failed ones included' })
  ownershipRound!: HealthCheckDto;

  @ApiProperty({ description: 'Refreshes of the tracked list from PostgreSQL end' })
  trackedListRefresh!: HealthCheckDto;

  @ApiProperty({ description: 'No history lane has a write to PostgreSQL in flight or due for too long; the lane owing longest is named' })
  historyWrites!: HealthCheckDto;

  @ApiProperty({ description: 'No latest-price write to Redis in flight or due for too long' })
  latestPriceFlush!: HealthCheckDto;

  @ApiProperty({ description: 'No backfill REST page in flight longer than its timeouts, retries and any Binance pause' })
  backfillPage!: HealthCheckDto;
}

export class LivenessResponseDto {
  @ApiProperty({ enum: ['ok', 'fail'], example: 'ok' })
  status!: 'ok' | 'fail';

  @ApiProperty({ type: LivenessChecksDto })
  checks!: LivenessChecksDto;
}

export class ReadinessChecksDto {
  @ApiProperty({ description: 'PostgreSQL answers a ping within 2 s' })
  postgres!: HealthCheckDto;

  @ApiProperty({ description: 'Redis answers a ping within 2 s' })
  redis!: HealthCheckDto;

  @ApiProperty({ description: 'History writes to PostgreSQL succeed' })
  historyWrites!: HealthCheckDto;

  @ApiProperty({ description: 'Latest-price writes to Redis succeed' })
  latestPriceWrites!: HealthCheckDto;

  @ApiProperty({ description: 'The history buffer is below MAX_PENDING_TRADES: no trade is being shed' })
  historyBacklog!: HealthCheckDto;

  @ApiProperty({ description: 'Always ok; a warning while Binance has paused or banned our REST calls (the backfill waits)' })
  binanceRest!: HealthCheckDto;

  @ApiProperty({
    description:
      'Fails when more than half of the symbols streamed here, or all of them, are not live past their subscribe grace; ' +
      'fewer are a warning',
  })
  streams!: HealthCheckDto;
}

export class ReadinessResponseDto {
  @ApiProperty({ enum: ['ok', 'fail'], example: 'ok' })
  status!: 'ok' | 'fail';

  @ApiProperty({ type: ReadinessChecksDto })
  checks!: ReadinessChecksDto;
}

export function mapHealthVerdict<Name extends string>(verdict: HealthVerdict<Name>): { status: 'ok' | 'fail'; checks: Record<Name, HealthCheckResult> } {
  return { status: verdict.ok ? 'ok' : 'fail', checks: verdict.checks };
}

import { ApiProperty } from '@nestjs/swagger';

export class InstanceStatsDto {
  @ApiProperty({ example: 412.5, description: 'Trades taken in (stream and backfill) per second, over its last second' })
  tradesPerSecond!: number;

  @ApiProperty({ example: 0, description: 'History backlog: trades accepted and not yet in PostgreSQL' })
  pendingTrades!: number;

  @ApiProperty({ example: 12, description: 'Symbols it streams' })
  symbols!: number;

  @ApiProperty({ example: 12, description: 'Of those, how many are live' })
  liveSymbols!: number;

  @ApiProperty({ description: 'Its liveness verdict (GET /health/live): its loops end their steps' })
  live!: boolean;

  @ApiProperty({ description: 'History writes to PostgreSQL succeed' })
  historyWritesHealthy!: boolean;

  @ApiProperty({ description: 'Latest-price writes to Redis succeed' })
  latestPriceWritesHealthy!: boolean;

  @ApiProperty({ example: 3, description: 'Live-push clients it serves' })
  pushClients!: number;
}

export class StreamedSymbolDto {
  @ApiProperty({ example: 'BTCUSDT' })
  symbol!: string;

  @ApiProperty({ description: 'Whether its stream is live' })
  live!: boolean;
}

export class ClusterInstanceDto {
  @ApiProperty({ example: 'api-1-4242' })
  instanceId!: string;

  @ApiProperty({ description: 'The instance that answered this request' })
  self!: boolean;

  @ApiProperty({ type: InstanceStatsDto, nullable: true, description: 'Its own last report (once a second); null when none arrived within 3 s' })
  stats!: InstanceStatsDto | null;

  @ApiProperty({ type: [StreamedSymbolDto], description: 'The symbols it streams, by name' })
  symbols!: StreamedSymbolDto[];
}

export class ClusterResponseDto {
  @ApiProperty({ type: [ClusterInstanceDto], description: 'Every instance that heartbeated within LEASE_TTL_MS, by id' })
  instances!: ClusterInstanceDto[];

  @ApiProperty({ type: [String], example: [], description: 'Tracked symbols no instance reported streaming within LEASE_TTL_MS (being handed over or not yet taken)' })
  unassigned!: string[];
}

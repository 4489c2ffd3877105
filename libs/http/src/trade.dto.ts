import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AggTrade } from '@binance-rates/domain';
import type { OpenTradeGap } from '@binance-rates/storage';

/** The window of a history query, shared by trades and candles. */
export class TimeWindowQueryDto {
  @ApiPropertyOptional({ description: 'Epoch ms, inclusive', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'startTime must be an integer (epoch ms)' })
  @Min(0, { message: 'startTime must not be negative' })
  startTime?: number;

  @ApiPropertyOptional({ description: 'Epoch ms, inclusive', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'endTime must be an integer (epoch ms)' })
  @Min(0, { message: 'endTime must not be negative' })
  endTime?: number;

  @ApiPropertyOptional({ default: 500, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(1000, { message: 'limit must be at most 1000' })
  limit?: number;
}

export class TradesQueryDto extends TimeWindowQueryDto {
  @ApiPropertyOptional({ description: 'Return trades with tradeId >= fromId', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'fromId must be an integer' })
  @Min(0, { message: 'fromId must not be negative' })
  fromId?: number;
}

export class TradeResponseDto {
  @ApiProperty({ example: 3012345678 })
  tradeId!: number;

  @ApiProperty({ example: '37000.12000000' })
  price!: string;

  @ApiProperty({ example: '0.01500000' })
  quantity!: string;

  @ApiProperty()
  firstTradeId!: number;

  @ApiProperty()
  lastTradeId!: number;

  @ApiProperty({ description: 'Epoch ms' })
  tradeTime!: number;

  @ApiProperty()
  isBuyerMaker!: boolean;
}

export function mapTrade(trade: AggTrade): TradeResponseDto {
  return {
    tradeId: trade.tradeId,
    price: trade.price,
    quantity: trade.quantity,
    firstTradeId: trade.firstTradeId,
    lastTradeId: trade.lastTradeId,
    tradeTime: trade.tradeTime,
    isBuyerMaker: trade.isBuyerMaker,
  };
}

export class TradeGapResponseDto {
  @ApiProperty({ description: 'First missing aggregate trade id, inclusive' })
  fromId!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Last missing id, inclusive; null: up to the next stored trade' })
  toId!: number | null;

  @ApiProperty({ example: 'gap in live stream' })
  reason!: string;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;

  @ApiProperty({ description: 'When it was found (ISO 8601)' })
  createdAt!: string;

  @ApiProperty({ description: 'Next backfill attempt (ISO 8601)' })
  nextAttemptAt!: string;

  @ApiProperty({
    enum: ['rest', 'archive'],
    description:
      "Who fills it: `archive` while an import from Binance's public data archive (`importId`) is queued or running for it " +
      '(a gap of at least 1,000,000 ids on days already published and older than BACKFILL_WINDOW_MS), otherwise `rest`',
  })
  fillSource!: 'rest' | 'archive';

  @ApiProperty({ type: Number, nullable: true, description: 'The import filling it (GET …/imports/{importId}), when `fillSource` is `archive`' })
  importId!: number | null;
}

export function mapGap(gap: OpenTradeGap): TradeGapResponseDto {
  return {
    fromId: gap.fromId,
    toId: gap.toId,
    reason: gap.reason,
    attempts: gap.attempts,
    lastError: gap.lastError,
    createdAt: gap.createdAt.toISOString(),
    nextAttemptAt: gap.nextAttemptAt.toISOString(),
    fillSource: gap.archiveImportId === null ? 'rest' : 'archive',
    importId: gap.archiveImportId,
  };
}

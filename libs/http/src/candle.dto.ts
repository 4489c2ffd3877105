import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CANDLE_INTERVALS, Candle } from '@binance-rates/domain';
import type { CandleIntervalName } from '@binance-rates/domain';

const INTERVAL_NAMES = Object.keys(CANDLE_INTERVALS) as CandleIntervalName[];

export class CandlesQueryDto {
  @ApiProperty({ enum: INTERVAL_NAMES, example: '1m', description: 'Candle length; aligned to the Unix epoch (UTC), like Binance klines' })
  @IsIn(INTERVAL_NAMES, { message: `interval must be one of ${INTERVAL_NAMES.join(', ')}` })
  interval!: CandleIntervalName;

  @ApiPropertyOptional({ description: 'Epoch ms: candles from the one holding this time on', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'startTime must be an integer (epoch ms)' })
  @Min(0, { message: 'startTime must not be negative' })
  startTime?: number;

  @ApiPropertyOptional({ description: 'Epoch ms: candles up to the one holding this time (default: now)', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'endTime must be an integer (epoch ms)' })
  @Min(0, { message: 'endTime must not be negative' })
  endTime?: number;

  @ApiPropertyOptional({ default: 500, minimum: 1, maximum: 1000, description: 'Most intervals covered' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(1000, { message: 'limit must be at most 1000' })
  limit?: number;
}

export class CandleResponseDto {
  @ApiProperty({ description: 'Epoch ms, start of the interval' })
  openTime!: number;

  @ApiProperty({ description: 'Epoch ms, last millisecond of the interval' })
  closeTime!: number;

  @ApiProperty({ example: '37000.12000000', description: 'Price of the interval\'s first stored trade' })
  open!: string;

  @ApiProperty({ example: '37010.00000000' })
  high!: string;

  @ApiProperty({ example: '36990.50000000' })
  low!: string;

  @ApiProperty({ example: '37005.00000000', description: 'Price of the interval\'s last stored trade' })
  close!: string;

  @ApiProperty({ example: '12.5', description: 'Sum of quantities (base asset), exact' })
  volume!: string;

  @ApiProperty({ example: '462531.25', description: 'Sum of price × quantity (quote asset), exact' })
  quoteVolume!: string;

  @ApiProperty({ description: 'Aggregate trades in the interval' })
  trades!: number;

  @ApiProperty()
  firstTradeId!: number;

  @ApiProperty()
  lastTradeId!: number;
}

export function mapCandle(candle: Candle, intervalMs: number): CandleResponseDto {
  return { ...candle, closeTime: candle.openTime + intervalMs - 1 };
}

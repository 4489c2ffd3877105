import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CANDLE_INTERVALS, Candle } from '@binance-rates/domain';
import type { CandleIntervalName } from '@binance-rates/domain';
import { TimeWindowQueryDto } from './trade.dto';

const INTERVAL_NAMES = Object.keys(CANDLE_INTERVALS) as CandleIntervalName[];

/** startTime and endTime pick the intervals holding them, and limit counts intervals (see candleWindow). */
export class CandlesQueryDto extends TimeWindowQueryDto {
  @ApiProperty({ enum: INTERVAL_NAMES, example: '1m', description: 'Candle length; aligned to the Unix epoch (UTC), like Binance klines' })
  @IsIn(INTERVAL_NAMES, { message: `interval must be one of ${INTERVAL_NAMES.join(', ')}` })
  interval!: CandleIntervalName;
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

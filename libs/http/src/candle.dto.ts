import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CANDLE_INTERVAL_NAMES, Candle } from '@binance-rates/domain';
import type { CandleIntervalName } from '@binance-rates/domain';
import { TimeWindowQueryDto } from './trade.dto';

/** startTime and endTime pick the intervals holding them, and limit counts intervals (see candleWindow). */
export class CandlesQueryDto extends TimeWindowQueryDto {
  @ApiProperty({
    enum: CANDLE_INTERVAL_NAMES,
    example: '1m',
    description: 'Candle length, aligned like Binance klines (UTC): up to 1d on multiples of the length from the epoch, 3d every third day from the epoch, 1w from Monday 00:00, 1M on calendar months',
  })
  @IsIn(CANDLE_INTERVAL_NAMES, { message: `interval must be one of ${CANDLE_INTERVAL_NAMES.join(', ')}` })
  interval!: CandleIntervalName;
}

export class CandleResponseDto {
  @ApiProperty({ description: 'Epoch ms, start of the interval' })
  openTime!: number;

  @ApiProperty({ description: 'Epoch ms, last millisecond of the interval (the next one\'s open − 1)' })
  closeTime!: number;

  @ApiProperty({ example: '37000.12000000', description: 'Price of the interval\'s first stored trade (the previous close when it has none)' })
  open!: string;

  @ApiProperty({ example: '37010.00000000' })
  high!: string;

  @ApiProperty({ example: '36990.50000000' })
  low!: string;

  @ApiProperty({ example: '37005.00000000', description: 'Price of the interval\'s last stored trade (the previous close when it has none)' })
  close!: string;

  @ApiProperty({ example: '12.5', description: 'Sum of quantities (base asset), exact' })
  volume!: string;

  @ApiProperty({ example: '462531.25', description: 'Sum of price × quantity (quote asset), exact' })
  quoteVolume!: string;

  @ApiProperty({ example: 1480, description: 'Trades as Binance counts them: Σ (lastTradeId − firstTradeId + 1) over the aggregate trades' })
  trades!: number;

  @ApiProperty({ example: 312, description: 'Aggregate trades in the interval' })
  aggTrades!: number;

  @ApiProperty({ example: '7.25', description: 'Volume of the trades whose buyer was the taker (not the maker), exact' })
  takerBuyVolume!: string;

  @ApiProperty({ example: '268268.75', description: 'Quote volume of the trades whose buyer was the taker, exact' })
  takerBuyQuoteVolume!: string;

  @ApiProperty({ type: Number, nullable: true, description: 'Aggregate id of the interval\'s first stored trade; null when it has none' })
  firstTradeId!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Aggregate id of the interval\'s last stored trade; null when it has none' })
  lastTradeId!: number | null;
}

export function mapCandle(candle: Candle): CandleResponseDto {
  return { ...candle };
}

import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';
import { SYMBOL_PATTERN } from '@binance-rates/domain';
import { SymbolView } from '@binance-rates/serving';

export class CreateSymbolDto {
  @ApiProperty({ example: 'BTCUSDT', description: 'Binance symbol; lower case is accepted and upper-cased' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString({ message: 'symbol must be a string' })
  @Matches(SYMBOL_PATTERN, { message: 'symbol must be 2-20 letters or digits, e.g. BTCUSDT' })
  symbol!: string;
}

export class SymbolResponseDto {
  @ApiProperty({ example: 'BTCUSDT' })
  symbol!: string;

  @ApiProperty({ type: String, nullable: true, example: '37000.12000000', description: 'Exact decimal string; null until the first trade arrives' })
  price!: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 3012345678, description: 'Aggregate trade id of the price' })
  tradeId!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 1764115200123, description: 'Trade time, epoch ms' })
  tradeTime!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 35, description: 'How old the price is: now minus the trade time, ms' })
  ageMs!: number | null;

  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether the symbol\'s stream is live now, wherever in the cluster it is streamed; null while no instance has reported it' })
  streamLive!: boolean | null;

  @ApiProperty({ example: '2026-11-26T00:00:00.000Z', description: 'When the symbol was (last) added' })
  addedAt!: string;
}

/**
 * `Date#toISOString` costs about as much as building the rest of a price answer, and a symbol's `addedAt` is one Date
 * object for as long as it is tracked: each is formatted once.
 */
const isoByDate = new WeakMap<Date, string>();

function isoOf(date: Date): string {
  let iso = isoByDate.get(date);
  if (iso === undefined) {
    iso = date.toISOString();
    isoByDate.set(date, iso);
  }
  return iso;
}

export function mapSymbol(view: SymbolView, now = Date.now()): SymbolResponseDto {
  return {
    symbol: view.symbol,
    price: view.price?.price ?? null,
    tradeId: view.price?.tradeId ?? null,
    tradeTime: view.price?.tradeTime ?? null,
    ageMs: view.price ? Math.max(0, now - view.price.tradeTime) : null,
    streamLive: view.streamLive,
    addedAt: isoOf(view.addedAt),
  };
}

import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { normalizeSymbol } from '@binance-rates/domain';

/** Path parameter → normalised symbol, or 400 naming what was wrong. */
@Injectable()
export class ParseSymbolPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    const symbol = normalizeSymbol(value);
    if (!symbol) {
      throw new BadRequestException(`symbol must be 2-20 letters or digits, e.g. BTCUSDT; got "${String(value).slice(0, 40)}"`);
    }
    return symbol;
  }
}

import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PricePushService } from '@binance-rates/serving';
import { ApiRateLimitedResponse, ErrorResponseDto } from './error-response.dto';
import { PriceStreamQueryDto } from './price-stream.dto';
import { ServerSentPriceStream } from './price-stream';
import { ParseSymbolPipe } from './symbol.pipe';

@ApiTags('currencies')
@ApiRateLimitedResponse()
@Controller('api')
export class PriceStreamController {
  private readonly symbolPipe = new ParseSymbolPipe();

  constructor(private readonly push: PricePushService) {}

  @Get('currencies/stream')
  @ApiOperation({
    summary: 'Live prices as Server-Sent Events',
    description:
      'Held open. At once the current price of every followed symbol, then, at most once per PRICE_PUSH_INTERVAL_MS ' +
      '(100 ms by default), the newest price of each one that moved: `event: price`, `data: {symbol, price, tradeId, ' +
      'tradeTime}`. A followed symbol that stops being tracked gets `event: removed` (`data: {symbol}`); the stream ' +
      'closes with `event: end` (`data: {reason}`) when the instance stops, when every symbol followed by name is gone, ' +
      'or when the client falls more than 1 MiB behind; it opens with `retry: 1000`, so an EventSource reconnects a second ' +
      'after an end. A comment line every 15 s keeps proxies from closing it. A client ' +
      'costs one follow per symbol it names, or every tracked symbol when it names none (PRICE_PUSH_MAX_FOLLOWS).',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A symbol in the list is not a plausible symbol' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'A symbol in the list is not tracked' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description:
      'This instance already serves PRICE_PUSH_MAX_CLIENTS clients (code PUSH_CLIENTS_FULL), or the symbols this client would ' +
      'follow (every tracked one when `symbols` is omitted) would take it past PRICE_PUSH_MAX_FOLLOWS (code PUSH_FOLLOWS_FULL)',
  })
  stream(@Query() query: PriceStreamQueryDto, @Res() reply: FastifyReply): void {
    const symbols = query.symbols === undefined ? null : this.parseSymbols(query.symbols);
    let stop: () => void = () => undefined;
    stop = this.push.follow(symbols, () => {
      reply.hijack();
      return new ServerSentPriceStream(reply.raw, () => stop(), reply.getHeaders());
    });
  }

  private parseSymbols(list: string): string[] {
    const symbols = list.split(',').map((item) => item.trim());
    if (symbols.every((symbol) => symbol === '')) {
      throw new BadRequestException('symbols must name at least one symbol, e.g. BTCUSDT,ETHUSDT; omit it to follow every symbol');
    }
    return [...new Set(symbols.filter((symbol) => symbol !== '').map((symbol) => this.symbolPipe.transform(symbol)))];
  }
}

import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SymbolsService } from '@binance-rates/serving';
import { RequiresApiKey } from './api-key.guard';
import { CandleResponseDto, CandlesQueryDto, mapCandle } from './candle.dto';
import { CreateSymbolDto, SymbolResponseDto, mapSymbol } from './symbol.dto';
import { ApiRateLimitedResponse, ErrorResponseDto } from './error-response.dto';
import { ParseSymbolPipe } from './symbol.pipe';
import { TimeWindowQueryDto, TradeGapResponseDto, TradeResponseDto, TradesQueryDto, mapGap, mapTrade } from './trade.dto';

const symbolParam = { name: 'symbol', example: 'BTCUSDT', description: 'Binance symbol, any case' };
const HISTORY_READS_BUSY = 'Too many trade pages and gap lists being read or waiting on this instance (HISTORY_READ_CONCURRENCY); code HISTORY_READS_BUSY';

@ApiTags('currencies')
@ApiRateLimitedResponse()
@Controller('api')
export class SymbolsController {
  constructor(private readonly symbols: SymbolsService) {}

  @Post('currency')
  @RequiresApiKey()
  @ApiOperation({ summary: 'Track a symbol: stream its trades, keep its latest price and full history' })
  @ApiCreatedResponse({ type: SymbolResponseDto, description: 'Now tracked' })
  @ApiOkResponse({ type: SymbolResponseDto, description: 'Was already tracked (idempotent)' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed body or symbol' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Unknown at Binance or not TRADING' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Binance could not be asked' })
  async add(
    @Body() body: CreateSymbolDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SymbolResponseDto> {
    const { view, created } = await this.symbols.add(body.symbol);
    reply.status(created ? 201 : 200);
    return mapSymbol(view);
  }

  @Delete('currency/:symbol')
  @RequiresApiKey()
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop tracking a symbol; its stored history is kept' })
  @ApiParam(symbolParam)
  @ApiNoContentResponse({ description: 'No longer tracked' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Not tracked' })
  async remove(@Param('symbol', ParseSymbolPipe) symbol: string): Promise<void> {
    await this.symbols.remove(symbol);
  }

  @Get('currencies')
  @ApiOperation({ summary: 'Every tracked symbol with its latest price' })
  @ApiOkResponse({ type: [SymbolResponseDto] })
  list(): SymbolResponseDto[] {
    const now = Date.now();
    return this.symbols.list().map((view) => mapSymbol(view, now));
  }

  @Get('currency/:symbol')
  @ApiOperation({ summary: 'The latest price of a tracked symbol' })
  @ApiParam(symbolParam)
  @ApiOkResponse({ type: SymbolResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Not a plausible symbol' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Not tracked' })
  get(@Param('symbol', ParseSymbolPipe) symbol: string): SymbolResponseDto {
    return mapSymbol(this.symbols.get(symbol));
  }

  @Get('currency/:symbol/trades')
  @ApiOperation({ summary: 'Stored aggregate trades, ascending by trade id' })
  @ApiParam(symbolParam)
  @ApiOkResponse({ type: [TradeResponseDto] })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Bad query' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Never tracked' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: HISTORY_READS_BUSY })
  async trades(
    @Param('symbol', ParseSymbolPipe) symbol: string,
    @Query() query: TradesQueryDto,
  ): Promise<TradeResponseDto[]> {
    assertTimeOrder(query);
    const trades = await this.symbols.history({ symbol, ...query, limit: query.limit ?? 500 });
    return trades.map(mapTrade);
  }

  @Get('currency/:symbol/candles')
  @ApiOperation({
    summary: 'Candles of the stored trades, ascending, field for field like Binance klines',
    description:
      'At most `limit` whole intervals: from the one holding `startTime` on when it is given, otherwise the last ones up to the one holding `endTime` (default now). ' +
      'An interval without trades between two stored trades is a zero-volume candle at the previous close (open = high = low = close, ' +
      '`trades` 0, trade ids null), as Binance shows a quiet market; nothing is shown before the first stored trade or after the last one.',
  })
  @ApiParam(symbolParam)
  @ApiOkResponse({ type: [CandleResponseDto] })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Bad query' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Never tracked' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'The candles could not be read within CANDLES_TIMEOUT_MS (in practice only 1s candles of a very busy window)' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Too many candles queries running or waiting on this instance' })
  async candles(@Param('symbol', ParseSymbolPipe) symbol: string, @Query() query: CandlesQueryDto): Promise<CandleResponseDto[]> {
    assertTimeOrder(query);
    const candles = await this.symbols.candles({ symbol, interval: query.interval, startTime: query.startTime, endTime: query.endTime, limit: query.limit ?? 500 });
    return candles.map(mapCandle);
  }

  @Get('currency/:symbol/gaps')
  @ApiOperation({
    summary:
      'History ranges known to be missing: being backfilled (attempts 0) or failed so far and retried until filled; long, old ones from the archive (fillSource)',
  })
  @ApiParam(symbolParam)
  @ApiOkResponse({ type: [TradeGapResponseDto] })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Never tracked' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: HISTORY_READS_BUSY })
  async gaps(@Param('symbol', ParseSymbolPipe) symbol: string): Promise<TradeGapResponseDto[]> {
    return (await this.symbols.openGaps(symbol)).map(mapGap);
  }
}

/** The one check of a history window that spans two parameters (each alone is validated by the DTO). */
function assertTimeOrder({ startTime, endTime }: TimeWindowQueryDto): void {
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new BadRequestException('startTime must not be after endTime');
  }
}

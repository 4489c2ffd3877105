import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ImportsService } from '@binance-rates/serving';
import { RequiresApiKey } from './api-key.guard';
import { ApiRateLimitedResponse, ErrorResponseDto } from './error-response.dto';
import { CreateImportDto, ImportResponseDto, mapImport } from './import.dto';
import { ParseImportIdPipe } from './import-id.pipe';
import { ParseSymbolPipe } from './symbol.pipe';

const symbolParam = { name: 'symbol', example: 'BTCUSDT', description: 'Binance symbol, any case; must be tracked' };
const idParam = { name: 'id', example: 7, description: 'The id the import was created with' };
const NOT_FOUND = 'The symbol is not tracked (SYMBOL_NOT_TRACKED), or has no such import (IMPORT_NOT_FOUND)';

@ApiTags('imports')
@ApiRateLimitedResponse()
@Controller('api/currency/:symbol/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @RequiresApiKey()
  @HttpCode(202)
  @ApiOperation({
    summary: "Import a tracked symbol's history for UTC days from Binance's public data archive",
    description:
      'Queued at once and run by one instance of the cluster; trades already stored (live, backfilled, imported before) are kept and not stored twice. Follow it with GET …/imports/{id}.',
  })
  @ApiParam(symbolParam)
  @ApiAcceptedResponse({ type: ImportResponseDto, description: 'Queued' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed body, or days that are not real, out of order, in the future, before 2017 or more than 1096 (IMPORT_RANGE_INVALID)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'The symbol is not tracked' })
  async create(@Param('symbol', ParseSymbolPipe) symbol: string, @Body() body: CreateImportDto): Promise<ImportResponseDto> {
    return mapImport(await this.imports.create(symbol, body));
  }

  @Get()
  @ApiOperation({ summary: "A tracked symbol's imports, newest first (at most 100)" })
  @ApiParam(symbolParam)
  @ApiOkResponse({ type: [ImportResponseDto] })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Not a plausible symbol' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'The symbol is not tracked' })
  async list(@Param('symbol', ParseSymbolPipe) symbol: string): Promise<ImportResponseDto[]> {
    const now = Date.now();
    return (await this.imports.list(symbol)).map((record) => mapImport(record, now));
  }

  @Get(':id')
  @ApiOperation({ summary: 'How far an import got: status, files done and missing, trades stored, trades/s' })
  @ApiParam(symbolParam)
  @ApiParam(idParam)
  @ApiOkResponse({ type: ImportResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Not a plausible symbol or id' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: NOT_FOUND })
  async get(@Param('symbol', ParseSymbolPipe) symbol: string, @Param('id', ParseImportIdPipe) id: number): Promise<ImportResponseDto> {
    return mapImport(await this.imports.get(symbol, id));
  }

  @Delete(':id')
  @RequiresApiKey()
  @ApiOperation({ summary: 'Cancel an import; what it stored stays. One that has ended is answered as it is' })
  @ApiParam(symbolParam)
  @ApiParam(idParam)
  @ApiOkResponse({ type: ImportResponseDto, description: 'Cancelled (status cancelled), or already ended' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Not a plausible symbol or id' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: NOT_FOUND })
  async cancel(@Param('symbol', ParseSymbolPipe) symbol: string, @Param('id', ParseImportIdPipe) id: number): Promise<ImportResponseDto> {
    return mapImport(await this.imports.cancel(symbol, id));
  }
}

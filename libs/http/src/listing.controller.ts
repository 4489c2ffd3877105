import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { SymbolListingService } from '@binance-rates/serving';
import { ApiRateLimitedResponse, ErrorResponseDto } from './error-response.dto';
import { ListedSymbolDto, ListingQueryDto } from './listing.dto';

@ApiTags('currencies')
@ApiRateLimitedResponse()
@Controller('api')
export class ListingController {
  constructor(private readonly listing: SymbolListingService) {}

  @Get('listing')
  @ApiOperation({
    summary: 'Symbols Binance lists, for choosing one to track: names starting with `search` first, TRADING ones before the rest',
    description: 'From the exchangeInfo answer that adding a symbol checks against, fetched at most once per EXCHANGE_INFO_TTL_MS.',
  })
  @ApiOkResponse({ type: [ListedSymbolDto] })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Bad query' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Binance could not be asked (code EXCHANGE_UNAVAILABLE)' })
  search(@Query() query: ListingQueryDto): Promise<ListedSymbolDto[]> {
    return this.listing.search({ prefix: query.search ?? '', limit: query.limit ?? 20 });
  }
}

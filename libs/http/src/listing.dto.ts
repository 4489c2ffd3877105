import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export class ListingQueryDto {
  @ApiPropertyOptional({ example: 'BTC', description: 'Start (or part) of a symbol, any case; omitted: the first symbols listed' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString({ message: 'search must be given once' })
  @Matches(/^[A-Z0-9]{0,20}$/, { message: 'search must be up to 20 letters or digits, e.g. BTC' })
  search?: string;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(100, { message: 'limit must be at most 100' })
  limit?: number;
}

export class ListedSymbolDto {
  @ApiProperty({ example: 'BTCUSDT' })
  symbol!: string;

  @ApiProperty({ example: 'TRADING', description: 'Only TRADING symbols can be tracked' })
  status!: string;

  @ApiProperty({ example: 'BTC' })
  baseAsset!: string;

  @ApiProperty({ example: 'USDT' })
  quoteAsset!: string;
}

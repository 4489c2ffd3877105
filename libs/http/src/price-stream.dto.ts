import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

export class PriceStreamQueryDto {
  @ApiPropertyOptional({
    example: 'BTCUSDT,ETHUSDT',
    description: 'Comma-separated symbols to follow, any case; omitted: every tracked symbol, including ones added later',
  })
  @IsOptional()
  @IsString({ message: 'symbols must be given once, as a comma-separated list' })
  symbols?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({ example: 'BTCUSDT is not tracked' })
  message!: string;

  @ApiPropertyOptional({ example: 'SYMBOL_NOT_TRACKED', description: 'Stable machine-readable code' })
  code?: string;

  @ApiPropertyOptional({ type: [String], description: 'Every validation problem, when there were several' })
  details?: string[];
}

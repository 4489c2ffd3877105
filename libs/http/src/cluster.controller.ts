import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClusterViewService } from '@binance-rates/serving';
import { ClusterResponseDto } from './cluster.dto';
import { ApiRateLimitedResponse } from './error-response.dto';

@ApiTags('health')
@ApiRateLimitedResponse()
@Controller('api')
export class ClusterController {
  constructor(private readonly cluster: ClusterViewService) {}

  @Get('cluster')
  @ApiOperation({
    summary: 'Which instance streams which symbols, and how each is doing (trades/s, history backlog, write health)',
    description: 'From the instance registry, the stream reports and a report each instance makes once a second, all in Redis: any instance answers for the whole cluster.',
  })
  @ApiOkResponse({ type: ClusterResponseDto })
  view(): Promise<ClusterResponseDto> {
    return this.cluster.view();
  }
}

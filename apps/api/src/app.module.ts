import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { BinanceApiModule } from '@binance-rates/binance-api';
import { HttpModule } from '@binance-rates/http';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AppModule, imports: [ConfigModule.forRoot(config), HttpModule, BinanceApiModule] };
  }
}

import { Module } from '@nestjs/common';
import { StreamHub } from './stream-hub';
import { StreamsController } from './streams.controller';
import { StreamsRepository } from './streams.repository';
import { StreamsService } from './streams.service';

@Module({
  controllers: [StreamsController],
  providers: [StreamHub, StreamsService, StreamsRepository],
})
export class StreamsModule {}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DocsController } from './docs.controller';
import { OpenApiDocument } from './openapi-document';

/** The API describes itself: GET /api/openapi.json and GET /api/docs. Reads every other module; none reads it. */
@Module({
  imports: [AuthModule],
  controllers: [DocsController],
  providers: [OpenApiDocument],
  exports: [OpenApiDocument],
})
export class OpenApiModule {}

import { Controller, Get, Header, Param, Req, Res } from '@nestjs/common';
import { ApiParam, ApiResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../access/policy.decorator';
import { AppError } from '../http/app-error';
import { Summary } from '../validation/schema';
import { DOCS_ASSETS, DOCS_CSP, DOCS_PAGE } from './docs-assets';
import { OpenApiDocument } from './openapi-document';

const text = { schema: { type: 'string' } };

/**
 * The origin the client reached this server at (behind a proxy: what
 * TRUST_PROXY lets X-Forwarded-Proto / -Host say), or undefined when the
 * request names none (HTTP/1.0 without Host) or an unusable one.
 */
function originOf(req: Request): string | undefined {
  if (!req.host) return undefined;
  try {
    const origin = new URL(`${req.protocol}://${req.host}`).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

@Controller()
export class DocsController {
  constructor(private readonly openApi: OpenApiDocument) {}

  @Get('openapi.json')
  @Public()
  @Summary('Get this OpenAPI document')
  @ApiResponse({
    status: 200,
    description: 'This document (OpenAPI 3.1)',
    schema: {
      type: 'object',
      properties: {
        openapi: { type: 'string', enum: ['3.1.0'] },
        paths: { type: 'object' },
      },
      required: ['openapi', 'paths'],
    },
  })
  document(@Req() req: Request) {
    return this.openApi.servedAt(originOf(req));
  }

  @Get('docs')
  @Public()
  @Summary('Open the interactive API reference')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DOCS_CSP)
  @ApiResponse({
    status: 200,
    description: 'The interactive reference (Swagger UI)',
    content: { 'text/html': text },
  })
  page() {
    return DOCS_PAGE;
  }

  @Get('docs/:asset')
  @Public()
  @Summary('Get a file of the API reference')
  @ApiParam({ name: 'asset', enum: Object.keys(DOCS_ASSETS) })
  @ApiResponse({
    status: 200,
    description: 'A script, style sheet or image of the reference',
    content: {
      'text/javascript': text,
      'text/css': text,
      'image/png': {
        schema: { type: 'string', contentMediaType: 'image/png' } as object,
      },
    },
  })
  asset(@Param('asset') name: string, @Res() res: Response) {
    const asset = Object.hasOwn(DOCS_ASSETS, name)
      ? DOCS_ASSETS[name]
      : undefined;
    if (!asset) throw AppError.notFound(`No asset "${name}".`);
    res.setHeader('Content-Type', asset.type);
    // Public files, the same for everyone: they may be cached (the API's JSON may not).
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.send(asset.body());
  }
}

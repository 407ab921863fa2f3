import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEACON_VERSION } from './status.controller.js';

/** The OpenAPI document of /api/v1 only; the Nacos face is specified by Nacos. */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Beacon native API')
    .setDescription('Typed JSON API of the Beacon registry, used by the console and the SDK admin client.')
    .setVersion(BEACON_VERSION)
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith('/api/')));
  return document;
}

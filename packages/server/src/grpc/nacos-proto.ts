import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** packages/server/proto, from src/grpc (tests) and dist/grpc (the built server) alike. */
const PROTO_FILE = fileURLToPath(new URL('../../proto/nacos_grpc_service.proto', import.meta.url));

export interface NacosServices {
  readonly request: ServiceDefinition;
  readonly biRequestStream: ServiceDefinition;
}

/**
 * The two services of the Nacos 2.x wire. Field names are kept as written in the proto
 * (`type_url`, `clientIp`), and absent fields decode to their defaults, so handlers never meet
 * `undefined` metadata maps.
 */
export function loadNacosServices(): NacosServices {
  const definition = loadSync(PROTO_FILE, { keepCase: true, defaults: true });
  const root = loadPackageDefinition(definition) as unknown as Record<string, { service: ServiceDefinition }>;
  return { request: root['Request']!.service, biRequestStream: root['BiRequestStream']!.service };
}

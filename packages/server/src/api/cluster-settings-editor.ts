import {
  InvalidParameterError,
  parseHealthChecker,
  type Cluster,
  type ClusterSettings,
  type Registry,
  type Service,
} from '@beacon/core';
import { BodyReader } from './body.js';

const EDITABLE_CHECKERS = ['TCP', 'HTTP', 'NONE'];

/** An operator's edit of a cluster's health-check settings: validated whole, then applied at once. */
export class ClusterSettingsEditor {
  constructor(private readonly registry: Registry) {}

  update(service: Service, clusterName: string, body: unknown): Cluster {
    const b = new BodyReader(body);
    const patch: Partial<ClusterSettings> = {};
    const checker = (body as Record<string, unknown> | null | undefined)?.['healthChecker'];
    if (checker !== undefined && checker !== null) {
      if (typeof checker !== 'object' || Array.isArray(checker)) {
        throw new InvalidParameterError('healthChecker must be an object');
      }
      const type = (checker as Record<string, unknown>)['type'];
      if (typeof type !== 'string' || !EDITABLE_CHECKERS.includes(type.toUpperCase())) {
        throw new InvalidParameterError(`healthChecker.type must be one of ${EDITABLE_CHECKERS.join(', ')}`);
      }
      const parsed = parseHealthChecker(JSON.stringify(checker));
      if (parsed.type === 'HTTP' && !parsed.path.startsWith('/')) {
        throw new InvalidParameterError("healthChecker.path must start with '/'");
      }
      patch.healthChecker = parsed;
    }
    const checkPort = b.number('checkPort', 1, 65535);
    if (checkPort !== undefined) {
      if (!Number.isInteger(checkPort)) throw new InvalidParameterError('checkPort must be a whole number');
      patch.defaultCheckPort = checkPort;
    }
    const useInstancePort = b.boolean('useInstancePort');
    if (useInstancePort !== undefined) patch.useIPPort4Check = useInstancePort;
    return this.registry.updateCluster(service.namespaceId, service.name, clusterName, patch);
  }
}

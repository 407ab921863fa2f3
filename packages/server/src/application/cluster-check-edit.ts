import { InvalidParameterError, parseHealthChecker, type ClusterSettings } from '@beacon/core';

/** An operator's edit of how a cluster's persistent instances are checked. */
export interface ClusterCheckEdit {
  /** `{ type: 'TCP' | 'HTTP' | 'NONE', path? }` as sent; anything else is refused. */
  readonly healthChecker?: unknown;
  readonly checkPort?: number | undefined;
  readonly useInstancePort?: boolean | undefined;
}

const EDITABLE_CHECKERS = ['TCP', 'HTTP', 'NONE'];

/** The settings an edit changes, validated whole before anything is applied. */
export function clusterCheckPatch(edit: ClusterCheckEdit): Partial<ClusterSettings> {
  const patch: Partial<ClusterSettings> = {};
  const checker = edit.healthChecker;
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
  if (edit.checkPort !== undefined) {
    if (!Number.isInteger(edit.checkPort) || edit.checkPort < 1 || edit.checkPort > 65535) {
      throw new InvalidParameterError('checkPort must be a whole number from 1 to 65535');
    }
    patch.defaultCheckPort = edit.checkPort;
  }
  if (edit.useInstancePort !== undefined) patch.useIPPort4Check = edit.useInstancePort;
  return patch;
}

import type { GroupOption } from '@beacon/sdk';

export interface InstancesChangedTarget extends GroupOption {
  readonly serviceName: string;
}

// Kept beside the method itself rather than in reflect-metadata, so several decorators can stack.
const targets = new WeakMap<object, InstancesChangedTarget[]>();

/**
 * Calls the decorated method of a Nest provider or controller with a ServiceChangeEvent (the
 * whole list plus what was added, removed and modified) when the application starts and after
 * every change of the service. Stack it to follow several services with one method.
 */
export function OnInstancesChanged(serviceName: string, options: GroupOption = {}): MethodDecorator {
  if (typeof serviceName !== 'string' || serviceName.trim() === '') {
    throw new TypeError(`@OnInstancesChanged needs a service name, got ${JSON.stringify(serviceName)}`);
  }
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object | undefined;
    if (typeof method !== 'function') throw new TypeError('@OnInstancesChanged decorates methods only');
    const target: InstancesChangedTarget = { serviceName: serviceName.trim(), ...options };
    targets.set(method, [...(targets.get(method) ?? []), target]);
  };
}

/** The services a method follows (empty when it is not decorated). */
export function instancesChangedTargets(method: unknown): readonly InstancesChangedTarget[] {
  return (typeof method === 'function' && targets.get(method)) || [];
}

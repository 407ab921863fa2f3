/**
 * Nacos's preserved metadata keys, the ones that set an instance's beat timings and id.
 *
 * A copy of `PreservedKeys` in @beacon/core, kept here on purpose: the SDK is published on its own
 * with no dependency, and the browser-safe admin entry (which the console uses) must not pull in
 * the core. The names are Nacos's wire contract and do not change.
 */
export const PreservedKeys = {
  beatInterval: 'preserved.heart.beat.interval',
  beatTimeout: 'preserved.heart.beat.timeout',
  deleteTimeout: 'preserved.ip.delete.timeout',
  idGenerator: 'preserved.instance.id.generator',
  registerSource: 'preserved.register.source',
} as const;

import { describe, expect, it } from 'vitest';
import { ALL_NAMESPACES, PermissionPattern, namespaceResource, serviceResource } from './resource.js';

describe('PermissionPattern', () => {
  it('matches Nacos grants part by part', () => {
    const ns = PermissionPattern.parse('dev:*:*');
    expect(ns.matches(serviceResource('dev', 'G@@svc'))).toBe(true);
    expect(ns.matches(namespaceResource('dev'))).toBe(true);
    expect(ns.matches(serviceResource('dev2', 'G@@svc'))).toBe(false);
    expect(ns.matches(serviceResource('dev:x', 'G@@svc'))).toBe(false);
    expect(ns.matches(ALL_NAMESPACES)).toBe(false);
  });

  it('a group grant does not cover the whole namespace', () => {
    const group = PermissionPattern.parse('public:GROUP_A:*');
    expect(group.matches(serviceResource('public', 'GROUP_A@@x'))).toBe(true);
    expect(group.matches(namespaceResource('public'))).toBe(false);
  });

  it('treats regex characters literally and a blank namespace as public', () => {
    const svc = PermissionPattern.parse(':DEFAULT_GROUP:naming/a.b');
    expect(svc.text).toBe('public:DEFAULT_GROUP:naming/a.b');
    expect(svc.matches(serviceResource('public', 'DEFAULT_GROUP@@a.b'))).toBe(true);
    expect(svc.matches(serviceResource('public', 'DEFAULT_GROUP@@axb'))).toBe(false);
    expect(PermissionPattern.parse('*:*:*').matches(ALL_NAMESPACES)).toBe(true);
  });

  it('refuses resources it cannot read', () => {
    for (const bad of ['', 'dev', 'dev:*', 'dev::*', 'dev:*:config/x']) {
      expect(() => PermissionPattern.parse(bad)).toThrow(/must look like/);
    }
  });
});

import { BeatProcessor, MemoryStore, Registry } from '@beacon/core';
import { FakeClock, registerCommand } from '@beacon/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { pageOf, ServiceCatalog } from './service-catalog.js';
import { EmbeddedStateBackend } from './state-backend.js';

// The one service listing behind /nacos/v1/ns/service/list, /nacos/v1/ns/catalog/services and
// /api/v1/services: each face states its filter and page; the catalog filters, sorts and pages.

let registry: Registry;
let catalog: ServiceCatalog;

function register(serviceName: string, ip = '127.0.0.1', port = 8080): void {
  registry.registerInstance(registerCommand({ serviceName, ip, port }));
}

const names = (page: { services: { name: string }[] }) => page.services.map((s) => s.name);

beforeEach(() => {
  registry = new Registry({ clock: new FakeClock(0), store: new MemoryStore() });
  catalog = new ServiceCatalog(new EmbeddedStateBackend(registry, new BeatProcessor(registry)));
  register('DEFAULT_GROUP@@orders');
  register('DEFAULT_GROUP@@Billing', '127.0.0.2', 9090);
  register('shop@@cart');
  register('shop-eu@@orders-eu');
  registry.createService({
    namespaceId: 'public',
    serviceName: 'DEFAULT_GROUP@@empty',
    protectThreshold: 0,
    metadata: {},
    selector: { type: 'none' },
  });
});

describe('ServiceCatalog.list', () => {
  it('sorts by grouped name and counts every match before paging', () => {
    const page = catalog.list('public', {}, { pageNo: 1, pageSize: 2 });
    expect(names(page)).toEqual(['DEFAULT_GROUP@@Billing', 'DEFAULT_GROUP@@empty']);
    expect(page.total).toBe(5);
    expect(names(catalog.list('public', {}, { pageNo: 3, pageSize: 2 }))).toEqual(['shop@@cart']);
  });

  it('matches a group exactly or as a substring', () => {
    expect(names(catalog.list('public', { group: { equals: 'shop' } }, { pageNo: 1, pageSize: 10 }))).toEqual([
      'shop@@cart',
    ]);
    expect(names(catalog.list('public', { group: { contains: 'shop' } }, { pageNo: 1, pageSize: 10 }))).toEqual([
      'shop-eu@@orders-eu',
      'shop@@cart',
    ]);
  });

  it('matches the bare name as a substring, with or without regard to case', () => {
    const page = { pageNo: 1, pageSize: 10 };
    expect(names(catalog.list('public', { nameContains: 'order' }, page))).toEqual([
      'DEFAULT_GROUP@@orders',
      'shop-eu@@orders-eu',
    ]);
    expect(names(catalog.list('public', { nameContains: 'billing' }, page))).toEqual([]);
    expect(names(catalog.list('public', { nameContains: 'billing', ignoreCase: true }, page))).toEqual([
      'DEFAULT_GROUP@@Billing',
    ]);
  });

  it('keeps only services with instances, or with an instance at an ip or ip:port', () => {
    const page = { pageNo: 1, pageSize: 10 };
    expect(catalog.list('public', { withInstances: true }, page).total).toBe(4);
    expect(names(catalog.list('public', { hostedAt: '127.0.0.2' }, page))).toEqual(['DEFAULT_GROUP@@Billing']);
    expect(names(catalog.list('public', { hostedAt: '127.0.0.2:9090' }, page))).toEqual(['DEFAULT_GROUP@@Billing']);
    expect(names(catalog.list('public', { hostedAt: '127.0.0.2:8080' }, page))).toEqual([]);
  });

  it('lists nothing for a namespace without services', () => {
    expect(catalog.list('nowhere', {}, { pageNo: 1, pageSize: 10 })).toEqual({ services: [], total: 0 });
  });
});

describe('pageOf', () => {
  const items = [1, 2, 3, 4, 5];

  it('pages from 1; a page past the end is empty', () => {
    expect(pageOf(items, { pageNo: 2, pageSize: 2 })).toEqual([3, 4]);
    expect(pageOf(items, { pageNo: 4, pageSize: 2 })).toEqual([]);
  });

  it('treats a page number below 1 as the first page, and a size of 0 or less as an empty page', () => {
    expect(pageOf(items, { pageNo: 0, pageSize: 2 })).toEqual([1, 2]);
    expect(pageOf(items, { pageNo: 1, pageSize: 0 })).toEqual([]);
    expect(pageOf(items, { pageNo: 1, pageSize: -3 })).toEqual([]);
  });

  it('with the Nacos console quirk, a page as large as the result is the whole result, whatever its number', () => {
    expect(pageOf(items, { pageNo: 7, pageSize: 5, wholeWhenItFits: true })).toEqual(items);
    expect(pageOf(items, { pageNo: 2, pageSize: 4, wholeWhenItFits: true })).toEqual([5]);
  });
});

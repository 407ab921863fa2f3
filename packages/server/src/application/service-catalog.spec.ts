import { BeatProcessor, MemoryStore, Registry } from '@beacon/core';
import { FakeClock, registerCommand } from '@beacon/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { boundedPage, pageOf, ServiceCatalog } from './service-catalog.js';
import { EmbeddedStateBackend } from './state-backend.js';
import { AuditedWrites } from './audited-writes.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { SqliteAuditStore } from '../audit/sqlite-audit-store.js';
import { SqliteDatabase } from '../storage/sqlite-database.js';

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
  const backend = new EmbeddedStateBackend(registry, new BeatProcessor(registry));
  const trail = new AuditTrail(new SqliteAuditStore(new SqliteDatabase(':memory:')), Date.now, () => undefined);
  catalog = new ServiceCatalog(backend, new AuditedWrites(backend, trail));
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
    expect(catalog.list('nowhere', {}, { pageNo: 1, pageSize: 10 })).toEqual({ services: [], total: 0, pageNo: 1 });
  });
});

describe('ServiceCatalog.list by health (the console at scale)', () => {
  /** cart: one of its two instances down; orders-eu: its only instance down, so protection is reached. */
  beforeEach(() => {
    register('shop@@cart', '127.0.0.3', 8080);
    const at = (serviceName: string, ip: string) => ({
      namespaceId: 'public',
      serviceName,
      clusterName: 'DEFAULT',
      ip,
      port: 8080,
    });
    registry.setHealth(registry.findInstance(at('shop@@cart', '127.0.0.3'))!, false);
    registry.setHealth(registry.findInstance(at('shop-eu@@orders-eu', '127.0.0.1'))!, false);
  });

  it('puts protection reached first, then the most unhealthy, then the healthy, then the empty', () => {
    const page = catalog.list('public', {}, { pageNo: 1, pageSize: 10, order: 'health' });
    expect(names(page)).toEqual([
      'shop-eu@@orders-eu',
      'shop@@cart',
      'DEFAULT_GROUP@@Billing',
      'DEFAULT_GROUP@@orders',
      'DEFAULT_GROUP@@empty',
    ]);
  });

  it('keeps one state of health; unhealthy includes protection reached', () => {
    const page = { pageNo: 1, pageSize: 10 };
    expect(names(catalog.list('public', { health: 'unhealthy' }, page))).toEqual(['shop-eu@@orders-eu', 'shop@@cart']);
    expect(names(catalog.list('public', { health: 'protection' }, page))).toEqual(['shop-eu@@orders-eu']);
    expect(names(catalog.list('public', { health: 'empty' }, page))).toEqual(['DEFAULT_GROUP@@empty']);
    expect(catalog.list('public', { health: 'healthy' }, page).total).toBe(2);
  });

  it('clamps a page past the end to the last page when asked', () => {
    const clamped = catalog.list('public', {}, { pageNo: 99, pageSize: 2, clampToLastPage: true });
    expect(clamped.pageNo).toBe(3);
    expect(names(clamped)).toEqual(['shop@@cart']);
    expect(catalog.list('public', {}, { pageNo: 99, pageSize: 2 }).services).toEqual([]);
  });

  it('counts a service with no healthy instance as all down, and protection reached only while one is healthy', () => {
    // cart: one of two down; at threshold 0.6 its protection is reached with an instance still up.
    registry.updateService({
      namespaceId: 'public',
      serviceName: 'shop@@cart',
      protectThreshold: 0.6,
      metadata: {},
      selector: { type: 'none' },
    });
    expect(catalog.summarize('public', {})).toMatchObject({ allDown: 1, protectionReached: 1 });
  });

  it('summarizes the services search and group keep, whatever their health filter', () => {
    expect(catalog.summarize('public', { health: 'empty', withInstances: true })).toEqual({
      services: 5,
      withUnhealthy: 2,
      allDown: 1,
      protectionReached: 0,
      empty: 1,
      outages: 0,
    });
    expect(catalog.summarize('public', { group: { equals: 'shop' } })).toEqual({
      services: 1,
      withUnhealthy: 1,
      allDown: 0,
      protectionReached: 0,
      empty: 0,
      outages: 0,
    });
  });
});

describe('the listings each face asks for', () => {
  it('groupNames: one group by bare name; `*` every group, by grouped name', () => {
    const page = { pageNo: 1, pageSize: 10 };
    expect(catalog.groupNames('public', 'shop', undefined, page)).toEqual({ names: ['cart'], total: 1 });
    expect(catalog.groupNames('public', '*', undefined, { pageNo: 2, pageSize: 2 })).toEqual({
      names: ['DEFAULT_GROUP@@orders', 'shop-eu@@orders-eu'],
      total: 5,
    });
  });

  it('browse: the console pages from 0 when it lists the hosts too', () => {
    const query = { nameContains: undefined, groupContains: 'shop', hostedAt: undefined, withInstances: false };
    const page = { pageNo: 1, pageSize: 1 };
    expect(names(catalog.browse('public', query, page, false))).toEqual(['shop-eu@@orders-eu']);
    expect(names(catalog.browse('public', query, page, true))).toEqual(['shop@@cart']);
  });

  it('search: hiding the empty services gives way to asking for them, and the summary comes along', () => {
    const page = { pageNo: 1, pageSize: 10 };
    const empty = catalog.search('public', { search: undefined, group: ' ', health: 'empty', hideEmpty: true }, page);
    expect(names(empty)).toEqual(['DEFAULT_GROUP@@empty']);
    expect(empty.summary).toEqual({
      services: 5,
      withUnhealthy: 0,
      allDown: 0,
      protectionReached: 0,
      empty: 1,
      outages: 0,
    });
    const hidden = catalog.search(
      'public',
      { search: ' ORD ', group: undefined, health: 'all', hideEmpty: true },
      page,
    );
    expect(names(hidden)).toEqual(['DEFAULT_GROUP@@orders', 'shop-eu@@orders-eu']);
    expect(hidden.summary.services).toBe(2);
  });
});

describe('boundedPage', () => {
  it('starts at page 1 and holds the size within its bounds', () => {
    expect(boundedPage(0, 0, 1)).toEqual({ pageNo: 1, pageSize: 1 });
    expect(boundedPage(-4, -1, 0, 100)).toEqual({ pageNo: 1, pageSize: 0 });
    expect(boundedPage(3, 500, 0, 100)).toEqual({ pageNo: 3, pageSize: 100 });
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

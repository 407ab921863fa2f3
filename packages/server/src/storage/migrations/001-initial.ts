import type { Migration } from './migration.js';

/**
 * The schema as it was before versions existed. `IF NOT EXISTS` on purpose: a database written by
 * that code has these tables and user_version 0, and this step adopts it as version 1 untouched.
 */
export const initialSchema: Migration = {
  version: 1,
  description: 'initial schema: registry (namespaces, services, clusters, instances, overrides, meta) and auth',
  up(db) {
    db.exec(`
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS namespaces (id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS services (
  namespace_id TEXT NOT NULL, name TEXT NOT NULL, protect_threshold REAL NOT NULL,
  metadata TEXT NOT NULL, selector TEXT NOT NULL, PRIMARY KEY (namespace_id, name));
CREATE TABLE IF NOT EXISTS clusters (
  namespace_id TEXT NOT NULL, service_name TEXT NOT NULL, name TEXT NOT NULL, settings TEXT NOT NULL,
  PRIMARY KEY (namespace_id, service_name, name));
CREATE TABLE IF NOT EXISTS instances (
  namespace_id TEXT NOT NULL, service_name TEXT NOT NULL, cluster_name TEXT NOT NULL, ip TEXT NOT NULL,
  port INTEGER NOT NULL, instance_id TEXT NOT NULL, weight REAL NOT NULL, healthy INTEGER NOT NULL,
  enabled INTEGER NOT NULL, app TEXT NOT NULL, metadata TEXT NOT NULL,
  PRIMARY KEY (namespace_id, service_name, cluster_name, ip, port));
CREATE TABLE IF NOT EXISTS overrides (
  namespace_id TEXT NOT NULL, service_name TEXT NOT NULL, cluster_name TEXT NOT NULL, ip TEXT NOT NULL,
  port INTEGER NOT NULL, metadata TEXT NOT NULL,
  PRIMARY KEY (namespace_id, service_name, cluster_name, ip, port));
CREATE TABLE IF NOT EXISTS auth_users (
  username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, password_changed_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS auth_roles (role TEXT NOT NULL, username TEXT NOT NULL, PRIMARY KEY (role, username));
CREATE TABLE IF NOT EXISTS auth_permissions (
  role TEXT NOT NULL, resource TEXT NOT NULL, action TEXT NOT NULL, PRIMARY KEY (role, resource, action));
`);
  },
};

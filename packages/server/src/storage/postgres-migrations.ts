/**
 * The numbered steps of the PostgreSQL schema (cluster mode), applied in order, each exactly once,
 * by `migratePostgres`. A step that shipped is never edited: a change is a new step.
 *
 * Registry records are kept as JSONB under their natural keys: the registry reads them all at start
 * and writes them whole, so columns per field would buy nothing but a mapping to keep in step.
 */
export interface PostgresMigration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

const ADDRESS_COLUMNS = `namespace_id TEXT NOT NULL, service_name TEXT NOT NULL, cluster_name TEXT NOT NULL,
  ip TEXT NOT NULL, port INTEGER NOT NULL`;
const ADDRESS_KEY = 'PRIMARY KEY (namespace_id, service_name, cluster_name, ip, port)';

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'registry (namespaces, services, clusters, persistent instances, overrides, switches) and auth',
    sql: `
CREATE TABLE namespaces (id TEXT PRIMARY KEY, record JSONB NOT NULL);
CREATE TABLE services (namespace_id TEXT NOT NULL, name TEXT NOT NULL, record JSONB NOT NULL,
  PRIMARY KEY (namespace_id, name));
CREATE TABLE clusters (namespace_id TEXT NOT NULL, service_name TEXT NOT NULL, name TEXT NOT NULL,
  record JSONB NOT NULL, PRIMARY KEY (namespace_id, service_name, name));
CREATE TABLE instances (${ADDRESS_COLUMNS}, record JSONB NOT NULL, ${ADDRESS_KEY});
CREATE TABLE overrides (${ADDRESS_COLUMNS}, record JSONB NOT NULL, ${ADDRESS_KEY});
CREATE TABLE switches (id INTEGER PRIMARY KEY CHECK (id = 1), record JSONB NOT NULL);
CREATE TABLE auth_users (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL,
  password_changed_at BIGINT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE auth_roles (role TEXT NOT NULL, username TEXT NOT NULL, PRIMARY KEY (role, username));
CREATE TABLE auth_permissions (role TEXT NOT NULL, resource TEXT NOT NULL, action TEXT NOT NULL,
  PRIMARY KEY (role, resource, action));
`,
  },
  {
    version: 2,
    description: 'the token secret shared by every node',
    // One row, inserted by the first node to start (ON CONFLICT DO NOTHING): nodes starting together agree.
    sql: `CREATE TABLE token_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret TEXT NOT NULL);`,
  },
  {
    version: 3,
    description: 'audit_log: operator writes with who, from where, when, what, before and after',
    sql: `
CREATE TABLE audit_log (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL,
  address TEXT NOT NULL, action TEXT NOT NULL, target_type TEXT NOT NULL, target TEXT NOT NULL,
  before_json JSONB NOT NULL, after_json JSONB NOT NULL);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target);
`,
  },
];

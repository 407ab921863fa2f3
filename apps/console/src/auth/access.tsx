import { createContext, useContext, type ReactNode } from 'react';
import type { MeDto } from '@beacon/sdk/admin';

/** What the signed-in user may do in the namespace on screen. */
export interface Access {
  /** Until the server has said, write controls stay hidden and reads are attempted. */
  readonly known: boolean;
  readonly admin: boolean;
  readonly read: boolean;
  readonly write: boolean;
}

const UNKNOWN: Access = { known: false, admin: false, read: true, write: false };

/**
 * The server's own answer (GET /api/v1/auth/me computes each namespace's read and write with the
 * rule its guard applies), so the console shows a control exactly when the server would accept it:
 * write in a namespace lets one create, edit and delete its services.
 */
export function accessIn(me: MeDto | undefined, namespaceId: string): Access {
  if (!me) return UNKNOWN;
  const ns = me.namespaces.find((n) => n.namespaceId === namespaceId);
  const admin = me.admin || !me.authEnabled;
  return { known: true, admin, read: admin || (ns?.read ?? false), write: admin || (ns?.write ?? false) };
}

/** Where a user lands when no namespace is asked for: public when readable, else the first they may read. */
export function landingNamespace(me: MeDto | undefined): string | undefined {
  if (!me || accessIn(me, 'public').read) return undefined;
  return me.namespaces.find((n) => n.read)?.namespaceId;
}

const AccessContext = createContext<Access>(UNKNOWN);

export function AccessProvider({ access, children }: { access: Access; children: ReactNode }) {
  return <AccessContext.Provider value={access}>{children}</AccessContext.Provider>;
}

export function useAccess(): Access {
  return useContext(AccessContext);
}

/**
 * Who made a request and from where, as the audit trail records an operator's write: the user the
 * auth guard let in (`anonymous` with auth off) and the peer address of the connection (never a
 * header: those are the client's to write).
 */
export interface Actor {
  readonly user: string;
  readonly address: string;
}

/**
 * The connection id an instance held by a gRPC connection carries. In a cluster it names the node
 * holding the connection, `<node>/<connection>`, so that every node knows whose it is (a node id
 * has no `/`); embedded, it is the connection's own id.
 */
export function heldConnectionId(node: string | undefined, connectionId: string): string {
  return node === undefined ? connectionId : `${node}/${connectionId}`;
}

/** The node whose connection holds an instance (cluster mode), from its held id; else undefined. */
export function holdingNodeOf(heldId: string | undefined): string | undefined {
  const slash = heldId?.indexOf('/') ?? -1;
  return slash < 0 ? undefined : heldId!.slice(0, slash);
}

/** The connection's own id, from a held id of either form. */
export function connectionOfHeld(heldId: string): string {
  return heldId.slice(heldId.indexOf('/') + 1);
}

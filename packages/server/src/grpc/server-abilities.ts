/**
 * Nacos 2.3's ability negotiation, server side. A client that announces an `abilityTable` in its
 * ConnectionSetupRequest (Java 2.3+, Python 2.x/3.x) waits, after a ServerCheckResponse with
 * `supportAbilityNegotiation: true`, for a SetupAckRequest carrying the server's table, and
 * reconnects when none comes (GrpcClient.connectToServer / RecAbilityContext). Clients that announce
 * none (Go, C#, Rust, Java ≤ 2.2) are sent nothing, as Nacos's GrpcBiStreamRequestAcceptor does: the
 * C# client stops reading its stream at a SetupAckRequest.
 */

/**
 * The server's abilities (Nacos's AbilityKey names, mode SERVER). With
 * `supportPersistentInstanceByGrpc` Java 2.3+ registers persistent instances with a
 * PersistentInstanceRequest over gRPC instead of over HTTP.
 */
export const SERVER_ABILITIES: Readonly<Record<string, boolean>> = Object.freeze({
  supportPersistentInstanceByGrpc: true,
});

/** Whether a ConnectionSetupRequest body asks for the server's abilities: a (possibly empty) table. */
export function wantsAbilities(setupBody: Readonly<Record<string, unknown>>): boolean {
  const table = setupBody['abilityTable'];
  return table !== null && typeof table === 'object' && !Array.isArray(table);
}

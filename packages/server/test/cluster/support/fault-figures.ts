/**
 * The figures every fault test publishes (docs/cluster.md, "Fault tests"): one line per run,
 * `FAULT <name>: …`, so that a run's output can be collected into the table.
 */
export interface FaultFigures {
  /** Acknowledged writes (registrations answered 200, beating instances) missing afterwards. */
  readonly lost: number;
  /** Instances marked unhealthy or deleted that were alive (beating, or held) throughout. */
  readonly falseTransitions: number;
  /** From the fault (or its end, as `convergedFrom` says) to every node answering as before. */
  readonly convergeMs: number;
  readonly convergedFrom: string;
  /** Answers of 500 and more, of how many requests made during the fault. */
  readonly fiveXx: number;
  readonly requests: number;
}

export function reportFault(fault: string, f: FaultFigures): void {
  console.log(
    `FAULT ${fault}: lost=${f.lost} false-transitions=${f.falseTransitions} ` +
      `converged=${f.convergeMs}ms (${f.convergedFrom}) 5xx=${f.fiveXx}/${f.requests}`,
  );
}

/** A service's instance list as one node answers it (`ip:port` → healthy), with the answer's status. */
export async function listOn(
  baseUrl: string,
  serviceName: string,
): Promise<{ status: number; hosts: Map<string, boolean> }> {
  const res = await fetch(`${baseUrl}/nacos/v1/ns/instance/list?serviceName=${encodeURIComponent(serviceName)}`);
  if (res.status !== 200) {
    await res.body?.cancel();
    return { status: res.status, hosts: new Map() };
  }
  const body = (await res.json()) as { hosts: { ip: string; port: number; healthy: boolean }[] };
  return { status: 200, hosts: new Map(body.hosts.map((h) => [`${h.ip}:${h.port}`, h.healthy])) };
}

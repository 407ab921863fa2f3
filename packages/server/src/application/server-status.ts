export type ServerStatus = 'UP' | 'DOWN' | 'STARTING' | 'PAUSED' | 'WRITE_ONLY' | 'READ_ONLY';

export const SERVER_STATUSES: readonly ServerStatus[] = ['UP', 'DOWN', 'STARTING', 'PAUSED', 'WRITE_ONLY', 'READ_ONLY'];

/** The naming server's status (TrafficReviseFilter): STARTING until the app is ready, then UP. */
export class ServerStatusHolder {
  private status: ServerStatus = 'STARTING';
  private overridden: ServerStatus | undefined;

  get current(): ServerStatus {
    return this.overridden ?? this.status;
  }

  markUp(): void {
    this.status = 'UP';
  }

  markDown(): void {
    this.status = 'DOWN';
  }

  override(status: ServerStatus | undefined): void {
    this.overridden = status;
  }

  get overriddenStatus(): ServerStatus | undefined {
    return this.overridden;
  }

  /** Whether a request with this method may pass, per TrafficReviseFilter. */
  admits(method: string): boolean {
    const s = this.current;
    if (s === 'UP') return true;
    if (s === 'WRITE_ONLY') return method !== 'GET';
    if (s === 'READ_ONLY') return method === 'GET';
    return false;
  }
}

/** One event of a text/event-stream: its `id:` (when numeric), its `event:` name, and the raw block. */
export interface SseEvent {
  readonly id: number | undefined;
  readonly name: string | undefined;
  readonly block: string;
}

/** Splits a text/event-stream read in chunks into events; comments (keep-alives) are skipped. */
export class SseEvents {
  private buffer = '';

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const id = /^id: (\d+)$/m.exec(block);
      const name = /^event: (.+)$/m.exec(block);
      if (!id && !name) continue;
      this.onEvent({ id: id ? Number(id[1]) : undefined, name: name?.[1], block });
    }
  }
}

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceInfo } from './service-info.js';

interface SnapshotFile {
  readonly version: 1;
  readonly savedAt: number;
  readonly info: ServiceInfo;
}

/**
 * The last known host list of each service, one JSON file per service and cluster list under
 * `<dir>/<namespace>/`, written (atomically: temp file, then rename) whenever the list changes and
 * read back when no server can answer, so a process that starts during an outage still finds its
 * services. The Java client's `~/nacos/naming/<namespace>` cache, in JSON.
 */
export class SnapshotStore {
  private readonly dir: string;
  private readonly writing = new Map<string, Promise<void>>();
  private queued = new Map<string, ServiceInfo>();
  private sequence = 0;

  constructor(
    root: string,
    namespace: string,
    private readonly onError: (error: Error) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {
    this.dir = join(root, encodeURIComponent(namespace));
  }

  fileOf(key: string): string {
    return join(this.dir, `${encodeURIComponent(key)}.json`);
  }

  /** Schedules a write; writes of one key never overlap and the newest list wins. */
  save(key: string, info: ServiceInfo): void {
    this.queued.set(key, info);
    if (this.writing.has(key)) return;
    const run = async (): Promise<void> => {
      for (;;) {
        const next = this.queued.get(key);
        if (next === undefined) break;
        this.queued.delete(key);
        try {
          await this.write(key, next);
        } catch (error) {
          this.onError(error instanceof Error ? error : new Error(String(error)));
        }
      }
      this.writing.delete(key);
    };
    this.writing.set(key, run());
  }

  async load(key: string): Promise<ServiceInfo | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileOf(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const file = JSON.parse(text) as SnapshotFile;
      if (file.version !== 1 || !file.info || !Array.isArray(file.info.hosts)) return undefined;
      return file.info;
    } catch {
      return undefined;
    }
  }

  /** Resolves once every scheduled write is on disk. */
  async flush(): Promise<void> {
    while (this.writing.size > 0) await Promise.all(this.writing.values());
  }

  private async write(key: string, info: ServiceInfo): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.fileOf(key);
    const temp = `${file}.${process.pid}.${++this.sequence}.tmp`;
    const content: SnapshotFile = { version: 1, savedAt: this.now(), info };
    await writeFile(temp, JSON.stringify(content));
    await rename(temp, file);
  }
}

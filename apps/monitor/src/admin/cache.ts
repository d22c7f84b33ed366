/** The monitor's last known stream and consumer configs per target: the before-state of outside changes. */
export class KnownConfigs {
  readonly #targets = new Map<string, Map<string, unknown>>();

  #of(targetId: string): Map<string, unknown> {
    let m = this.#targets.get(targetId);
    if (!m) {
      m = new Map();
      this.#targets.set(targetId, m);
    }
    return m;
  }

  /** `kind` is `stream` or `consumer`; `id` is `<stream>` or `<stream>/<consumer>`. */
  get(targetId: string, kind: string, id: string): unknown {
    return this.#of(targetId).get(`${kind}:${id}`) ?? null;
  }

  set(targetId: string, kind: string, id: string, config: unknown): void {
    const m = this.#of(targetId);
    if (config === null || config === undefined) {
      m.delete(`${kind}:${id}`);
      // A deleted stream takes its consumers with it.
      if (kind === 'stream') for (const k of m.keys()) if (k.startsWith(`consumer:${id}/`)) m.delete(k);
    } else m.set(`${kind}:${id}`, config);
  }

  forget(targetId: string): void {
    this.#targets.delete(targetId);
  }
}

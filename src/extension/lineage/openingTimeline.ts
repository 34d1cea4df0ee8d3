/**
 * Where the time goes between the lineage command and the first node on
 * screen: marks taken in the extension host, plus the page's own clock
 * (milliseconds since the webview began loading) as the page reports it.
 */
export class OpeningTimeline {
  private readonly started: number;
  private readonly marks: { readonly what: string; readonly at: number }[] = [];

  /** `now`: ms since the epoch, the clock the page's `performance.timeOrigin` is on. */
  constructor(private readonly now: () => number = () => Date.now()) {
    this.started = now();
  }

  /** Records `what` happened now (ms since the command). */
  mark(what: string): number {
    const at = this.now() - this.started;
    this.marks.push({ what, at });
    return at;
  }

  /** Records `what` happened at `epochMs` (a time another process took), in time order. */
  markAt(what: string, epochMs: number): void {
    const at = epochMs - this.started;
    const i = this.marks.findIndex((m) => m.at > at);
    this.marks.splice(i < 0 ? this.marks.length : i, 0, { what, at });
  }

  /** `opened in 812 ms: graph discovered +2 ms, page script ran +640 ms, …` — each mark since the command. */
  summary(): string {
    const last = this.marks.reduce<{ at: number } | undefined>((latest, m) => (latest && latest.at >= m.at ? latest : m), undefined);
    const steps = this.marks.map((m) => `${m.what} +${Math.round(m.at)} ms`).join(', ');
    return `opened in ${Math.round(last?.at ?? 0)} ms: ${steps}`;
  }
}

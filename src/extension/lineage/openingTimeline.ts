/**
 * Where the time goes between the lineage command and the first node on
 * screen: marks taken in the extension host, plus the page's own clock
 * (milliseconds since the webview began loading) as the page reports it.
 */
export class OpeningTimeline {
  private readonly started: number;
  private readonly marks: { readonly what: string; readonly at: number }[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {
    this.started = now();
  }

  /** Records `what` happened now (ms since the command). */
  mark(what: string): number {
    const at = this.now() - this.started;
    this.marks.push({ what, at });
    return at;
  }

  /** `opened in 812 ms: graph discovered +2 ms, page script ran +640 ms, …` — each mark since the command. */
  summary(): string {
    const last = this.marks[this.marks.length - 1];
    const steps = this.marks.map((m) => `${m.what} +${Math.round(m.at)} ms`).join(', ');
    return `opened in ${Math.round(last?.at ?? 0)} ms: ${steps}`;
  }
}

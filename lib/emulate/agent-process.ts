/**
 * One probe agent per namespace for the whole run (`agent.js serve`, ./agent.ts): requests go down its standard input
 * as JSON lines and come back the same way, so a probe run costs no Node start (which on a busy 2-core machine was
 * a good part of every --mutate step). Started like the daemons (absolute tool paths, the fixed environment, its own
 * process group, its pid recorded for the teardown and --cleanup); it ends when its standard input closes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import type { AgentItem, AgentReply } from "../probe/vantage";
import { inNs, tool, TOOL_ENV } from "./sys";

/** How long an agent may take to start (Node, inside the namespace). */
const START_TIMEOUT_MS = 15000;
/** Margin past the longest item bound before a request is given up (the agent answers every item by its bound). */
const ANSWER_MARGIN_MS = 5000;

export class AgentProcess {
  readonly proc: ChildProcess;
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, { items: number; resolve: (r: AgentReply[]) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;
  private buffer = "";
  private ended?: string;

  constructor(
    readonly ns: string,
    agentFile: string,
    private readonly logFile: string,
  ) {
    const fd = openSync(logFile, "wx", 0o600);
    this.proc = spawn(tool("ip"), inNs(ns, [process.execPath, agentFile, "serve"]), { env: TOOL_ENV, stdio: ["pipe", "pipe", fd], detached: true });
    closeSync(fd);
    this.proc.stdin!.on("error", () => undefined);
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`probe agent in ${ns} not ready after ${START_TIMEOUT_MS} ms: ${this.log()}`)), START_TIMEOUT_MS);
      this.proc.stdout!.setEncoding("utf8");
      this.proc.stdout!.on("data", (d: string) => {
        this.buffer += d;
        for (let i = this.buffer.indexOf("\n"); i >= 0; i = this.buffer.indexOf("\n")) {
          const line = this.buffer.slice(0, i);
          this.buffer = this.buffer.slice(i + 1);
          const msg = JSON.parse(line) as { ready?: boolean; id?: number; replies?: AgentReply[] };
          if (msg.ready) {
            clearTimeout(timer);
            resolve();
          } else this.answer(msg.id!, msg.replies!);
        }
      });
      this.proc.once("error", (e) => this.end(`probe agent in ${ns}: ${e.message}`, reject, timer));
      this.proc.once("exit", (code, signal) => this.end(`probe agent in ${ns} exited (${code ?? signal}): ${this.log()}`, reject, timer));
    });
    this.ready.catch(() => undefined); // reported to whoever sends; a start nobody waits for is no crash
    // Not a reason to keep edge-lab running: requests in flight keep it alive through their timers.
    this.proc.unref();
    for (const pipe of [this.proc.stdin, this.proc.stdout]) (pipe as unknown as { unref?: () => void } | null)?.unref?.();
  }

  private log(): string {
    try {
      return readFileSync(this.logFile, "utf8").trim().slice(-1000);
    } catch {
      return "";
    }
  }

  private end(why: string, reject: (e: Error) => void, timer: NodeJS.Timeout) {
    clearTimeout(timer);
    this.ended ??= why;
    reject(new Error(why));
    for (const id of [...this.pending.keys()]) this.answer(id, undefined);
  }

  private answer(id: number, replies: AgentReply[] | undefined) {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(replies ?? Array.from({ length: p.items }, () => ({ ok: false, error: `agent failed: ${this.ended ?? "no answer"}` })));
  }

  /** Runs the items in the agent (in parallel there); the replies in item order. */
  async send(items: readonly AgentItem[]): Promise<AgentReply[]> {
    await this.ready;
    if (this.ended) return items.map(() => ({ ok: false, error: `agent failed: ${this.ended}` }));
    const id = this.nextId++;
    const bound = Math.max(0, ...items.map((i) => Number(i.timeoutMs) || 0)) + ANSWER_MARGIN_MS;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.answer(id, undefined), bound);
      this.pending.set(id, { items: items.length, resolve, timer });
      this.proc.stdin!.write(JSON.stringify({ id, items }) + "\n");
    });
  }

  /**
   * Starts the namespace's listeners in this agent (agent.ts, a listen request): one Node process per namespace for
   * both jobs. Resolves once every listener is bound; rejects with the agent's reason when one cannot bind (the agent
   * then ends). A listening agent outlives its standard input: the teardown ends it by its recorded pid.
   */
  listen(file: string): Promise<void> {
    return this.start(`listeners in ${this.ns}`, { listen: file });
  }

  /** Starts the MS-TURN stand-in (`script`, ./msturn-standin.ts, with its config file) in this agent, as listen(). */
  msTurn(script: string, config: string): Promise<void> {
    return this.start(`MS-TURN in ${this.ns}`, { msturn: { script, config } });
  }

  private async start(what: string, request: Record<string, unknown>): Promise<void> {
    await this.ready;
    if (this.ended) throw new Error(`${what}: probe agent: ${this.ended}`);
    const id = this.nextId++;
    // Answered [] once bound; a failure, no answer in time or the agent's end give one failed reply (items: 1).
    const replies = await new Promise<AgentReply[]>((resolve) => {
      const timer = setTimeout(() => this.answer(id, undefined), START_TIMEOUT_MS);
      this.pending.set(id, { items: 1, resolve, timer });
      this.proc.stdin!.write(JSON.stringify({ id, ...request }) + "\n");
    });
    const failure = replies.find((r) => !r.ok);
    if (failure) throw new Error(`${what}: ${failure.error ?? "no reason given"} ${this.log()}`.trim());
  }

  /** Ends the agent (its standard input closes; it exits unless it listens). */
  close(): void {
    this.proc.stdin!.end();
  }
}

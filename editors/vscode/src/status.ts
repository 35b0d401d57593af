// The status object returned by the server's `phasegate.status` command
// (docs/lsp.md) and the text the extension shows for it. No `vscode` import.

export interface GateStatus {
  phase: string;
  met: boolean;
  unmet: string[];
}

export interface WorkflowStatus {
  name: string;
  path: string;
  statePath: string | null;
  status: string;
  current: string | null;
  currentIndex: number | null;
  phaseCount: number;
  next: string | null;
  /** The framework whose conventions made this a workflow (`speckit`, `kiro`, ...), if any. */
  framework?: string | null;
  /** What made this a workflow (`definition`, `artifacts`, `state file`, ...). */
  recognisedBy?: string[];
  /** For a run its framework's own engine moves (a Spec Kit workflow run): where the engine
   * leaves it and what moves it on. Absent otherwise. */
  engine?: string;
  gates: GateStatus[];
}

export interface StatusResult {
  workflows: WorkflowStatus[];
}

export function isStatusResult(value: unknown): value is StatusResult {
  return (
    value !== null &&
    typeof value === "object" &&
    Array.isArray((value as { workflows?: unknown }).workflows)
  );
}

/** Unmet gates out of the current phase: the ones that block advancing now. */
function unmetGateCount(workflow: WorkflowStatus): number {
  return workflow.gates.filter((gate) => gate.phase === workflow.current && !gate.met).length;
}

/**
 * One workflow in a few words, e.g. `design 2/3 · 1 gate unmet`; a finished run is `completed`,
 * a state machine's run names its state, a run at a step its workflow does not declare says so.
 */
export function statusBarText(workflow: WorkflowStatus): string {
  if (workflow.status === "completed") return `${workflow.name}: completed`;
  if (workflow.current !== null && workflow.currentIndex === null) {
    return workflow.status === "unknown" ? `${workflow.name}: at unknown ${workflow.current}` : `${workflow.name}: in ${workflow.current}`;
  }
  // A state file that names no step phasegate can read (`unknown`).
  if (workflow.current === null && workflow.statePath) return `${workflow.name}: ${workflow.status}`;
  if (workflow.current === null || workflow.currentIndex === null) {
    return `${workflow.name}: not started`;
  }
  const position = `${workflow.current} ${workflow.currentIndex}/${workflow.phaseCount}`;
  if (workflow.engine !== undefined) return `${position} · moved by its engine`;
  const unmet = unmetGateCount(workflow);
  if (unmet === 0) return `${position} · gates met`;
  return `${position} · ${unmet} gate${unmet === 1 ? "" : "s"} unmet`;
}

/** The full status as plain text, one block per workflow. */
export function formatStatus(status: StatusResult): string {
  if (status.workflows.length === 0) return "No workflow found for this file.";
  const blocks = status.workflows.map((workflow) => {
    const lines = [`${workflow.name} (${workflow.path}) — ${workflow.status}`];
    if (workflow.status === "completed") {
      lines.push(`  completed (${workflow.phaseCount} phases)`);
      if (workflow.statePath) lines.push(`  state file: ${workflow.statePath}`);
    } else if (workflow.current === null && workflow.statePath) {
      // A state file that names no step phasegate can read (a Spec Kit run cut off mid-write).
      lines.push(`  current: none read from the state file (${workflow.status})`);
      if (workflow.engine !== undefined) lines.push(`  engine: ${workflow.engine}`);
      lines.push(`  state file: ${workflow.statePath}`);
    } else if (workflow.current === null) {
      lines.push(`  not started: ${notStartedHint(workflow)}`);
    } else if (workflow.currentIndex === null) {
      lines.push(`  current: ${workflow.current}${workflow.status === "unknown" ? " (not a step of the workflow)" : ""}`);
      lines.push(`  next: ${workflow.next ?? "none"}`);
      lines.push(`  state file: ${workflow.statePath ?? "none"}`);
    } else {
      lines.push(`  current: ${workflow.current} (${workflow.currentIndex}/${workflow.phaseCount})`);
      if (workflow.engine !== undefined) {
        lines.push("  next: as its engine decides");
        lines.push(`  engine: ${workflow.engine}`);
      } else {
        lines.push(`  next: ${workflow.next ?? "none (last phase)"}`);
      }
      lines.push(`  state file: ${workflow.statePath ?? "none"}`);
    }
    for (const gate of workflow.gates) {
      lines.push(`  gate after ${gate.phase}: ${gate.met ? "met" : "unmet"}`);
      for (const reason of gate.unmet) lines.push(`    - ${reason}`);
    }
    return lines.join("\n");
  });
  return blocks.join("\n\n");
}

/** What starts a workflow that has no run yet, as `phasegate status` says it. */
function notStartedHint(workflow: WorkflowStatus): string {
  // A run inferred from its artifacts starts with its first artifact; a framework's own workflow
  // definition (Spec Kit's `workflow.yml`) is run by that framework's engine.
  if (workflow.recognisedBy?.includes("artifacts")) return "none of its phases' artifacts exist yet";
  if (workflow.framework) return "run by its framework's own engine";
  return "no state file yet (use the \"Start\" code action on the workflow doc)";
}

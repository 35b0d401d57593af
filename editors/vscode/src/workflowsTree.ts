// The "Workflows" view's tree (workflow → phases with their status → deliverables), built from
// the server's status object (`phasegate.status` with no `uri`: every workflow of every project;
// docs/lsp.md). No `vscode` import, so the Node tests check it.

import { statusBarText, type StatusResult, type WorkflowStatus } from "./status";

export interface DeliverableState {
  path: string;
  status: string;
  optional: boolean;
}

export interface PhaseStatus {
  id: string;
  title: string;
  status: string;
  gateMet: boolean | null;
  line: number | null;
  deliverables: DeliverableState[];
}

/** What the server's status object holds beyond what the status bar reads. */
export interface WorkflowDetail extends WorkflowStatus {
  /** The project's root, a `file:` URI. */
  project?: string | null;
  phases?: PhaseStatus[];
}

export type NodeKind = "workflow" | "phase" | "deliverable";

export interface Node {
  kind: NodeKind;
  label: string;
  description: string;
  tooltip: string;
  /** `workflow`, `phase`, `phase.current` or `deliverable`: what the item's menu offers. */
  contextValue: string;
  /** Where choosing the item goes: a `file:` URI and a 0-based line. */
  open?: { uri: string; line: number };
  /** The workflow it belongs to, and the file its commands name (its state file, else its doc). */
  workflow: string;
  commandUri?: string;
  /** A phase item's phase id. */
  phase?: string;
  /** An icon id (codicon): the phase's state, a deliverable present or missing. */
  icon: string;
  children: Node[];
}

/** `root` (a `file:` URI) joined with project-relative `path`, each segment percent-encoded. */
export function fileUri(root: string, path: string): string {
  return `${root.replace(/\/$/, "")}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

function phaseDescription(phase: PhaseStatus): string {
  const parts = [phase.status];
  const required = phase.deliverables.filter((d) => !d.optional);
  if (required.length > 0) {
    parts.push(`${required.filter((d) => d.status === "present").length}/${required.length} deliverables`);
  }
  if (phase.gateMet !== null && phase.gateMet !== undefined) parts.push(phase.gateMet ? "gate met" : "gate unmet");
  return parts.join(" · ");
}

const PHASE_ICONS: Record<string, string> = {
  passed: "pass",
  current: "debug-stackframe",
  pending: "circle-outline",
  "not-started": "circle-outline",
};

function deliverableNode(workflow: WorkflowDetail, d: DeliverableState): Node {
  const present = d.status === "present";
  const description = (present ? "✓" : `✗ ${d.status}`) + (d.optional ? " (optional)" : "");
  const uri = workflow.project ? fileUri(workflow.project, d.path) : undefined;
  return {
    kind: "deliverable",
    label: d.path,
    description,
    tooltip: `${d.path}: ${d.status}${d.optional ? " (optional)" : ""}`,
    contextValue: "deliverable",
    open: present && uri ? { uri, line: 0 } : undefined,
    workflow: workflow.name,
    icon: present ? "file" : "warning",
    children: [],
  };
}

/** The tree of every workflow in `status`, in the server's order. */
export function workflowNodes(status: StatusResult): Node[] {
  return (status.workflows as WorkflowDetail[]).map((workflow) => {
    const doc = workflow.project ? fileUri(workflow.project, workflow.path) : undefined;
    const commandUri = workflow.project ? fileUri(workflow.project, workflow.statePath ?? workflow.path) : undefined;
    const phases = (workflow.phases ?? []).map((phase): Node => {
      const line = phase.line ?? null;
      return {
        kind: "phase",
        label: phase.title || phase.id,
        description: phaseDescription(phase),
        tooltip: `${workflow.name} › ${phase.id}: ${phaseDescription(phase)}`,
        contextValue: phase.status === "current" ? "phase.current" : "phase",
        open: doc && line !== null ? { uri: doc, line } : undefined,
        workflow: workflow.name,
        commandUri,
        phase: phase.id,
        icon: PHASE_ICONS[phase.status] ?? "circle-outline",
        children: phase.deliverables.map((d) => deliverableNode(workflow, d)),
      };
    });
    return {
      kind: "workflow",
      label: workflow.name,
      description: statusBarText(workflow),
      // A run its framework's engine moves: what that engine waits for.
      tooltip: `${workflow.name} (${workflow.path}) — ${workflow.status}${workflow.engine !== undefined ? `\n${workflow.engine}` : ""}`,
      contextValue: "workflow",
      open: doc ? { uri: doc, line: 0 } : undefined,
      workflow: workflow.name,
      commandUri,
      icon: "checklist",
      children: phases,
    };
  });
}

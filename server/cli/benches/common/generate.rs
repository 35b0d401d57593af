//! The deterministic workspace generator the benchmarks share: projects of ten files (a
//! workflow doc with four phases and its state file, deliverables, a specs/tasks pair with
//! `implements:` and `depends_on`, plans and plain docs). The whole workspace is one phasegate
//! project (no project marker inside it), as a large repository with many features is. The
//! Spec Kit layout (`generate_speckit`) is one Spec Kit project of feature folders instead.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

/// Files per generated project (see [`project`]).
pub const FILES_PER_PROJECT: usize = 10;

/// A tiny deterministic PRNG (xorshift64*), so the workspaces are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "checkout",
    "payment",
    "order",
    "cart",
    "customer",
    "service",
    "interface",
    "contract",
    "release",
    "gate",
    "review",
    "design",
    "architecture",
    "feature",
    "boundary",
    "latency",
    "budget",
    "retry",
    "queue",
    "event",
    "schema",
    "migration",
    "rollout",
    "flag",
    "metric",
    "dashboard",
    "alert",
    "incident",
    "owner",
    "team",
    "sprint",
    "estimate",
    "risk",
    "dependency",
    "test",
    "fixture",
    "coverage",
    "staging",
    "production",
    "deploy",
    "pipeline",
    "artifact",
    "evidence",
    "acceptance",
    "criteria",
    "story",
    "shopper",
    "session",
    "token",
    "cache",
    "index",
    "search",
    "ranking",
    "profile",
    "account",
    "invoice",
    "refund",
    "the",
    "a",
    "with",
    "for",
    "and",
    "before",
    "after",
    "every",
    "each",
    "when",
    "must",
    "should",
    "is",
    "are",
    "will",
];

/// Appends sentences of filler prose until `out` reaches `target` bytes.
fn prose(rng: &mut Rng, out: &mut String, target: usize) {
    while out.len() < target {
        let n = 8 + rng.below(14);
        let mut first = true;
        for _ in 0..n {
            let w = rng.pick(WORDS);
            if first {
                let mut c = w.chars();
                let head = c.next().unwrap().to_ascii_uppercase();
                out.push(head);
                out.push_str(c.as_str());
                first = false;
            } else {
                out.push(' ');
                out.push_str(w);
            }
        }
        out.push_str(if rng.below(5) == 0 { ".\n\n" } else { ". " });
    }
    out.push('\n');
}

#[derive(Default)]
pub struct Stats {
    pub files: usize,
    pub bytes: u64,
    pub md: usize,
    pub yaml: usize,
    pub json: usize,
    pub workflows: usize,
    pub states: usize,
    pub deliverables_listed: usize,
    pub deliverables_present: usize,
}

/// Writes a workspace of `n` files (a multiple of [`FILES_PER_PROJECT`]) under `root`.
pub fn generate(root: &Path, n: usize) -> Stats {
    let mut stats = Stats::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let projects = n / FILES_PER_PROJECT;
    for i in 1..=projects {
        for (rel, text) in project(&mut rng, i) {
            let path = root.join(&rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            stats.files += 1;
            stats.bytes += text.len() as u64;
            if rel.ends_with(".md") {
                stats.md += 1;
            } else if rel.ends_with(".yaml") {
                stats.yaml += 1;
            } else if rel.ends_with(".json") {
                stats.json += 1;
            }
            if rel.ends_with("docs/workflow.md") {
                stats.workflows += 1;
            } else if rel.ends_with(".state.yaml") {
                stats.states += 1;
            } else if rel.contains("/.work/") {
                stats.deliverables_present += 1;
            }
        }
        stats.deliverables_listed += 8;
    }
    stats
}

/// The phases of every generated workflow, by id.
const PHASES: &[&str] = &["requirements", "design", "implementation", "release"];

/// One project of exactly [`FILES_PER_PROJECT`] files: a workflow doc, its state file, six
/// deliverables (of the eight it lists; which two are missing varies), a tasks/specs pair, and a
/// plan (JSON) or a plain doc.
fn project(rng: &mut Rng, i: usize) -> Vec<(String, String)> {
    let p = format!("projects/p{i:04}");
    let wf = format!("wf-{i:04}");
    let feat = format!("f{i:04}");
    let work = format!(".work/p{i:04}");
    let mut files = Vec::new();

    // Where the run stands: project 1 (edited by the latency loop) is in implementation.
    let current = if i == 1 { 2 } else { i % PHASES.len() };
    let tbd_in_interface = i.is_multiple_of(7);

    files.push((format!("{p}/docs/workflow.md"), workflow_doc(rng, i, &wf, &work)));
    files.push((format!("{p}/{wf}.state.yaml"), state_file(rng, &wf, current)));

    // Deliverables: phase 0 and 1 are always present; DEPENDENCIES.md and EVIDENCE.md are there
    // for some projects; RELEASE-NOTES.md never is.
    let mut deliverable = |name: &str, title: &str, tbd: bool, rng: &mut Rng| {
        let mut s = format!("---\nworkflow: {wf}\n---\n\n# {title}\n\n");
        for section in ["Context", "Decisions", "Open questions", "Risks"] {
            let _ = write!(s, "## {section}\n\n");
            let target = s.len() + 1100;
            prose(rng, &mut s, target);
            if tbd && section == "Open questions" {
                s.push_str("- Error codes of the refund endpoint: TBD\n\n");
            }
        }
        files.push((format!("{p}/{work}/{name}"), s));
    };
    deliverable("user-stories.md", "User Stories", false, rng);
    deliverable("acceptance-criteria.md", "Acceptance Criteria", false, rng);
    deliverable("ARCHITECTURE.md", "Architecture", false, rng);
    deliverable(&format!("INTERFACE-{feat}.md"), "Interface", tbd_in_interface, rng);
    let has_dependencies = !i.is_multiple_of(3);
    if has_dependencies {
        deliverable("DEPENDENCIES.md", "Dependencies", false, rng);
    }
    let has_evidence = i.is_multiple_of(2);
    if has_evidence {
        deliverable("EVIDENCE.md", "Evidence", false, rng);
    }

    files.push((format!("{p}/build/v1/{feat}/specs.md"), specs(rng, &feat)));
    files.push((format!("{p}/build/v1/{feat}/tasks.md"), tasks(rng, i, &feat)));

    // Fill up to FILES_PER_PROJECT with plans (seed 003's JSON) and plain docs.
    let mut k = 0;
    while files.len() < FILES_PER_PROJECT {
        if k == 0 && i.is_multiple_of(5) {
            files.push((format!("{p}/plans/{feat}.plan.json"), plan_json(&feat)));
        } else {
            let mut s = format!("# Notes {k} for project {i}\n\nPlain documentation: no phases, no gates.\n\n");
            for h in ["Background", "How to run it locally", "Glossary", "FAQ"] {
                let _ = write!(s, "## {h}\n\n");
                let target = s.len() + 1200;
                prose(rng, &mut s, target);
            }
            files.push((format!("{p}/docs/notes-{k}.md"), s));
        }
        k += 1;
    }
    files
}

fn workflow_doc(rng: &mut Rng, i: usize, wf: &str, work: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "---\nname: {wf}\ndescription: PM-first, architecture-first workflow for project {i}\ntags: [workflow, bench]\n---\n\n# Feature Workflow {i}\n\nFour phases, each closed by a gate. The run's state is in `{wf}.state.yaml`.\n\n"
    );
    let para = |rng: &mut Rng, s: &mut String, n: usize| {
        let target = s.len() + n;
        prose(rng, s, target);
    };
    para(rng, &mut s, 500);
    let _ = write!(
        s,
        "## Phase 0: Requirements\n**Goal**: Define what the feature must do, and for whom.\n\n**Deliverables**:\n- `{work}/user-stories.md`\n- `{work}/acceptance-criteria.md`\n\n"
    );
    para(rng, &mut s, 600);
    s.push_str("**Gate Check**: User stories COMPLETE with acceptance criteria → Proceed to Phase 1\n\n");
    let _ = write!(
        s,
        "## Phase 1: Design\n**Goal**: Design the feature with every interface defined up front.\n\n**Critical Architect Deliverables**:\n- `{work}/ARCHITECTURE.md` - THE source of truth\n- `{work}/INTERFACE-<feature-name>.md` - Per feature contracts\n- `{work}/DEPENDENCIES.md` - What can be built in parallel\n- **ALL INTERFACES MUST BE COMPLETE** - No \"TBD\" sections allowed\n\n"
    );
    para(rng, &mut s, 600);
    s.push_str("**Gate Check**: Architecture and interfaces complete → Proceed to Phase 2\n\n");
    let _ = write!(
        s,
        "## Phase 2: Implementation\n**Goal**: Build the feature and its tests against the contracts.\n\n**Deliverables**:\n- `{work}/EVIDENCE.md` - what was built, and any deviation from ARCHITECTURE.md\n\n"
    );
    para(rng, &mut s, 600);
    s.push_str("**Gate Check**: Features complete + tests written → Proceed to Phase 3\n\n");
    let _ = write!(
        s,
        "## Phase 3: Release\n**Goal**: Roll the feature out behind a flag.\n\n**Deliverables**:\n- `{work}/RELEASE-NOTES.md`\n- `{work}/runbook.md`\n\n"
    );
    para(rng, &mut s, 400);
    s.push_str("**Gate Check**: Rolled out to 100% of users → Ship it!\n\n");
    let tick = |b: bool| if b { "x" } else { " " };
    let _ = write!(
        s,
        "## Enforcement Checklist\n\n**Before starting design, orchestrator MUST verify:**\n- [x] @product-manager completed user stories\n- [x] Acceptance criteria defined\n\n**Before starting implementation, orchestrator MUST verify:**\n- [x] @architect created ARCHITECTURE.md with ALL contracts complete\n- [{}] No \"TBD\" sections in any interface definitions\n- [ ] DEPENDENCIES.md shows the parallelization plan\n\n**After implementation, orchestrator MUST:**\n- [{}] Collect EVIDENCE.md and check it for deviations\n- [ ] Confirm the SDET suite runs green\n\n",
        tick(!i.is_multiple_of(7)),
        tick(i.is_multiple_of(2))
    );
    s.push_str("## ARCHITECTURE.md Template\n\n```markdown\n# Architecture\n\n## Feature Boundaries\n### Feature A: Form\n**Owns**: route /feature, component Form\n\n### Feature B: API\n**Owns**: POST /api/feature, table feature\n\n## Integration Points\n- TODO: the form calls the API with a token.\n```\n\n");
    s.push_str("## Notes for reviewers\n\n");
    para(rng, &mut s, 1200);
    s
}

fn state_file(rng: &mut Rng, wf: &str, current: usize) -> String {
    let mut s = format!(
        "# Where this run of `{wf}` stands (phasegate's state format).\n# Owner: team-{}\nworkflow: {wf}\ncurrent: {}\nhistory:\n",
        rng.below(40),
        PHASES[current]
    );
    for k in 0..current {
        let _ = writeln!(
            s,
            "  - {{from: {}, to: {}, at: 2025-{:02}-{:02}T09:{:02}:00Z}}",
            PHASES[k],
            PHASES[k + 1],
            1 + k,
            3 + rng.below(25),
            rng.below(60)
        );
    }
    s
}

fn specs(rng: &mut Rng, feat: &str) -> String {
    let mut s = format!("# {feat} — Specs\n\n## Requirements\n");
    for r in 1..=24 {
        let _ = write!(s, "- R{r}: ");
        let target = s.len() + 110;
        let mut line = String::new();
        prose(rng, &mut line, 110);
        s.push_str(line.lines().next().unwrap_or(""));
        let _ = target;
        s.push('\n');
    }
    s.push_str("\n## Acceptance Criteria\n\n");
    let target = s.len() + 1500;
    prose(rng, &mut s, target);
    s
}

fn tasks(rng: &mut Rng, i: usize, feat: &str) -> String {
    let mut s = format!("# {feat} — Tasks\n\n");
    for t in 1..=24 {
        let done = if rng.below(3) == 0 { "x" } else { " " };
        let mut line = String::new();
        prose(rng, &mut line, 60);
        let title = line.lines().next().unwrap_or("").trim_end_matches(['.', ' ']).to_string();
        let _ = writeln!(s, "- [{done}] T{t}: {title}");
        let r1 = 1 + rng.below(24);
        let r2 = 1 + rng.below(24);
        // A few tasks in every tenth project point at a requirement that does not exist.
        if i.is_multiple_of(10) && t == 24 {
            let _ = writeln!(s, "  - implements: \"{feat}/R{r1}, {feat}/R99\"");
        } else {
            let _ = writeln!(s, "  - implements: \"{feat}/R{r1}, {feat}/R{r2}\"");
        }
        if t > 1 {
            let d = 1 + rng.below(t as u64 - 1);
            let _ = writeln!(s, "  - depends_on: [T{d}]");
        }
        let mut note = String::new();
        prose(rng, &mut note, 80);
        let _ = writeln!(s, "  - notes: {}", note.lines().next().unwrap_or(""));
    }
    s
}

fn plan_json(feat: &str) -> String {
    let names = ["scout", "plan", "build", "test", "review", "ship"];
    let mut s = format!("{{\n  \"workflow_id\": \"{feat}-plan\",\n  \"phases\": [\n");
    for (k, n) in names.iter().enumerate() {
        let deps = if k == 0 { String::new() } else { format!(", \"depends_on\": [\"{}\"]", names[k - 1]) };
        let sep = if k + 1 == names.len() { "" } else { "," };
        let _ = writeln!(s, "    {{\"name\": \"{n}\", \"command\": \"/{n} {feat}\"{deps}}}{sep}");
    }
    s.push_str("  ]\n}\n");
    s
}

// ---------------------------------------------------------------------------------------------
// The Spec Kit layout

/// Writes one Spec Kit project under `root`: `.specify/` (the constitution and three templates)
/// and `n / FILES_PER_PROJECT` feature folders `specs/NNNN-fNNNN/` of ten artifacts each (spec,
/// plan, tasks, research, data model, quickstart, two contracts, two checklists), as a large
/// Spec Kit repository with many features is. The marker is at the root, so the framework is on
/// and every Spec Kit rule runs. Features stand at different phases; some carry the problems the
/// rules report (an open question after planning, an open Foundational task before ticked story
/// work, an unknown story label, an open checklist item while tasks are ticked).
pub fn generate_speckit(root: &Path, n: usize) -> Stats {
    let mut stats = Stats::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let put = |rel: &str, text: &str, stats: &mut Stats| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        stats.files += 1;
        stats.bytes += text.len() as u64;
        stats.md += 1;
    };
    let mut constitution = String::from("# Bench Constitution\n\n## Core Principles\n\n");
    for p in ["I. Library-First", "II. Test-First", "III. Simplicity"] {
        let _ = write!(constitution, "### {p}\n\n");
        let target = constitution.len() + 600;
        prose(&mut rng, &mut constitution, target);
    }
    constitution.push_str("**Version**: 1.0.0 | **Ratified**: 2026-01-05 | **Last Amended**: 2026-02-01\n");
    put(".specify/memory/constitution.md", &constitution, &mut stats);
    put(
        ".specify/templates/spec-template.md",
        "# Feature Specification: [FEATURE NAME]\n\n**Feature Branch**: `[###-feature-name]`\n**Created**: [DATE]\n",
        &mut stats,
    );
    put(
        ".specify/templates/plan-template.md",
        "# Implementation Plan: [FEATURE]\n\n**Branch**: `[###-feature-name]` | **Date**: [DATE] | **Spec**: [link]\n",
        &mut stats,
    );
    put(
        ".specify/templates/tasks-template.md",
        "# Tasks: [FEATURE NAME]\n\n**Input**: Design documents from `/specs/[###-feature-name]/`\n",
        &mut stats,
    );
    for i in 1..=n / FILES_PER_PROJECT {
        for (rel, text) in feature(&mut rng, i) {
            put(&rel, &text, &mut stats);
        }
        stats.workflows += 1;
    }
    stats
}

/// A line of prose of about `len` bytes, without its final period.
fn phrase(rng: &mut Rng, len: usize) -> String {
    let mut line = String::new();
    prose(rng, &mut line, len);
    line.lines().next().unwrap_or("").trim_end_matches(['.', ' ']).to_string()
}

/// Appends a `## title` section of about `len` bytes of prose.
fn section(rng: &mut Rng, s: &mut String, title: &str, len: usize) {
    let _ = write!(s, "## {title}\n\n");
    let target = s.len() + len;
    prose(rng, s, target);
}

/// The ten artifacts of feature `i`.
fn feature(rng: &mut Rng, i: usize) -> Vec<(String, String)> {
    let folder = format!("specs/{i:04}-f{i:04}");
    let name = format!("{i:04}-f{i:04}");
    let mut files = Vec::new();

    // spec.md: three user stories with scenarios, twelve requirements, success criteria.
    let mut s = format!(
        "# Feature Specification: Feature {i}\n\n**Feature Branch**: `{name}`\n**Created**: 2026-03-01\n**Status**: Draft\n\n## User Scenarios & Testing *(mandatory)*\n\n"
    );
    for (k, p) in [(1, "P1"), (2, "P2"), (3, "P3")] {
        let _ = write!(s, "### User Story {k} - {} (Priority: {p})\n\n", phrase(rng, 40));
        let target = s.len() + 500;
        prose(rng, &mut s, target);
        s.push_str("**Acceptance Scenarios**:\n\n");
        for n in 1..=3 {
            let _ = writeln!(s, "{n}. **Given** {}, **When** {}, **Then** {}", phrase(rng, 30), phrase(rng, 30), phrase(rng, 40));
        }
        s.push('\n');
    }
    s.push_str("## Requirements *(mandatory)*\n\n### Functional Requirements\n\n");
    for r in 1..=12 {
        let open = if i.is_multiple_of(7) && r == 4 { " [NEEDS CLARIFICATION: which retention period?]" } else { "" };
        let _ = writeln!(s, "- **FR-{r:03}**: System MUST {}{open}", phrase(rng, 90));
    }
    s.push_str("\n## Success Criteria *(mandatory)*\n\n");
    for c in 1..=4 {
        let _ = writeln!(s, "- **SC-{c:03}**: {}", phrase(rng, 80));
    }
    s.push('\n');
    section(rng, &mut s, "Notes for reviewers", 600);
    files.push((format!("{folder}/spec.md"), s));

    // plan.md: filled in, its Constitution Check passing.
    let mut s =
        format!("# Implementation Plan: Feature {i}\n\n**Branch**: `{name}` | **Date**: 2026-03-02 | **Spec**: [spec.md](spec.md)\n\n");
    section(rng, &mut s, "Summary", 900);
    s.push_str("## Technical Context\n\n**Language/Version**: Rust 1.88\n**Primary Dependencies**: tokio, serde\n**Storage**: PostgreSQL 16\n**Testing**: cargo test\n\n");
    s.push_str("## Constitution Check\n\n| Principle | Status | Notes |\n|---|---|---|\n");
    for p in ["I. Library-First", "II. Test-First", "III. Simplicity"] {
        let _ = writeln!(s, "| {p} | ✅ PASS | {} |", phrase(rng, 60));
    }
    s.push('\n');
    section(rng, &mut s, "Project Structure", 1500);
    s.push_str("## Complexity Tracking\n\nNone.\n");
    files.push((format!("{folder}/plan.md"), s));

    // tasks.md: Setup, Foundational, three story phases, Polish; progress by feature.
    let ticked_phases = i % 6; // 0: nothing ticked .. 5: every phase ticked
    let mut s = format!("# Tasks: Feature {i}\n\n**Input**: Design documents from `/specs/{name}/`\n\n");
    let phases: [(&str, Option<u32>); 6] = [
        ("Setup (Shared Infrastructure)", None),
        ("Foundational (Blocking Prerequisites)", None),
        ("User Story 1 - Core (Priority: P1)", Some(1)),
        ("User Story 2 - More (Priority: P2)", Some(2)),
        ("User Story 3 - Rest (Priority: P3)", Some(3)),
        ("Polish & Cross-Cutting Concerns", None),
    ];
    let mut t = 0;
    for (k, (title, story)) in phases.iter().enumerate() {
        let _ = write!(s, "## Phase {}: {title}\n\n", k + 1);
        for j in 0..4 {
            t += 1;
            let mut done = k < ticked_phases;
            // An open Foundational task while story work is ticked.
            if i.is_multiple_of(11) && k == 1 && j == 3 && ticked_phases > 2 {
                done = false;
            }
            let mark = if done { "x" } else { " " };
            let parallel = if j % 2 == 1 { " [P]" } else { "" };
            let label = match story {
                Some(_) if i.is_multiple_of(13) && k == 4 && j == 0 => " [US4]".to_string(),
                Some(n) => format!(" [US{n}]"),
                None => String::new(),
            };
            let fr = 1 + (t % 12);
            let _ = writeln!(s, "- [{mark}] T{t:03}{parallel}{label} {} in src/f{i}/m{t}.rs (FR-{fr:03})", phrase(rng, 70));
        }
        s.push('\n');
    }
    section(rng, &mut s, "Dependencies & Execution Order", 700);
    files.push((format!("{folder}/tasks.md"), s));

    // Two checklists; one item of the first left open in some features.
    for (file, count) in [("requirements.md", 12), ("ux.md", 10)] {
        let mut s = format!(
            "# Specification Quality Checklist: Feature {i}\n\n**Purpose**: Validate the specification before planning\n\n## Items\n\n"
        );
        for c in 1..=count {
            let open = file == "requirements.md" && c == 5 && i.is_multiple_of(9);
            let _ = writeln!(s, "- [{}] CHK{c:03} {}", if open { " " } else { "x" }, phrase(rng, 90));
        }
        s.push('\n');
        section(rng, &mut s, "Notes", 1500);
        files.push((format!("{folder}/checklists/{file}"), s));
    }

    // The plan phase's other artifacts: prose under their headings.
    for (file, title) in [
        ("research.md", "Research"),
        ("data-model.md", "Data Model"),
        ("quickstart.md", "Quickstart"),
        ("contracts/api.md", "API Contract"),
        ("contracts/events.md", "Event Contract"),
    ] {
        let mut s = format!("# {title}: Feature {i}\n\n");
        for h in ["Context", "Decisions", "Details", "Open points"] {
            section(rng, &mut s, h, 1100);
        }
        files.push((format!("{folder}/{file}"), s));
    }
    assert_eq!(files.len(), FILES_PER_PROJECT);
    files
}

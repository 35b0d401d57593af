//! `phasegate graph`: a golden file per convention and framework (`tests/fixtures/graph/<case>.mmd`
//! and `.dot`, refreshed with `UPDATE_EXPECT=1`), drawn from the fixtures those conventions and
//! frameworks are tested with. `tests/graph/render.sh` renders every golden file (Mermaid with
//! `@mermaid-js/mermaid-cli`, DOT with Graphviz) to prove it is valid.

use std::path::PathBuf;

use crate::cli::{copy_dir, phasegate, repo, report, snapshot, temp};

/// `(case, folder)`: the folder drawn for each golden file. The seeds are the conventions
/// (phase headings, gate checks, enforcement checklists, orchestrator JSON, state machines,
/// plans), each drawn on its own; a definition (`*.workflow.yaml`); the demo (every convention
/// together); and each framework's fixture project.
fn cases() -> Vec<(String, PathBuf, Option<tempfile::TempDir>)> {
    let mut out = Vec::new();
    let seeds = repo().join("tests/fixtures/seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&seeds)
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "md")).collect())
        .unwrap_or_default();
    files.sort();
    for f in files {
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = temp();
        std::fs::copy(&f, tmp.path().join(&name)).unwrap_or_else(|e| panic!("{e}"));
        let case = format!("seed-{}", &name[..3]);
        out.push((case, tmp.path().to_path_buf(), Some(tmp)));
    }
    out.push(("definition".into(), repo().join("tests/fixtures/diagnostics/gate-dangling/ok"), None));
    out.push(("demo".into(), repo().join("examples/demo"), None));
    let frameworks = repo().join("tests/fixtures/frameworks");
    let mut names: Vec<String> = std::fs::read_dir(&frameworks)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    for name in names {
        // Each framework's fixture project without problems (`clean/` or `ok/`; a copy: a graph
        // only reads, but the fixture is shared).
        let clean = ["clean", "ok"].iter().map(|v| frameworks.join(&name).join(v)).find(|p| p.is_dir());
        if let Some(clean) = clean {
            let tmp = temp();
            copy_dir(&clean, tmp.path());
            out.push((format!("framework-{name}"), tmp.path().to_path_buf(), Some(tmp)));
        }
    }
    // OpenSpec's fixture projects live in tests/fixtures/openspec (its e2e and parity tests').
    let tmp = temp();
    copy_dir(&repo().join("tests/fixtures/openspec/clean"), tmp.path());
    out.push(("framework-openspec".into(), tmp.path().to_path_buf(), Some(tmp)));
    out
}

#[test]
fn graph_golden_files_per_convention_and_framework() {
    let golden = repo().join("tests/fixtures/graph");
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for (case, dir, _keep) in cases() {
        for (format, ext) in [("mermaid", "mmd"), ("dot", "dot")] {
            let out = phasegate(&dir, &["graph", "--format", format]);
            out.assert_no_panic(&format!("graph {case}"));
            if out.code != 0 {
                failures.push(format!("{case} ({format}): exit {}\n{}", out.code, out.stderr));
                continue;
            }
            let file = format!("{case}.{ext}");
            if let Err(e) = snapshot(&golden.join(&file), &out.stdout) {
                failures.push(e);
            }
            seen.push(file);
        }
    }
    // No golden file is left over from a case that no longer exists.
    let mut stale: Vec<String> =
        std::fs::read_dir(&golden).map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()).unwrap_or_default();
    stale.retain(|f| (f.ends_with(".mmd") || f.ends_with(".dot")) && !seen.contains(f));
    if !stale.is_empty() {
        failures.push(format!("golden files without a case: {stale:?}"));
    }
    report(failures);
}

#[test]
fn graph_selects_a_workflow_and_refuses_an_unknown_one() {
    let demo = repo().join("examples/demo");
    let one = phasegate(&demo, &["graph", "checkout-hotfix"]);
    assert_eq!(one.code, 0, "{one:#?}");
    assert_eq!(one.stdout.matches("subgraph ").count(), 1, "{}", one.stdout);
    assert!(one.stdout.contains("checkout-hotfix · docs/hotfix.md"), "{}", one.stdout);
    // Compared by slug, as everywhere.
    let same = phasegate(&demo, &["graph", "Checkout Hotfix"]);
    assert_eq!(same.stdout, one.stdout);
    let json = phasegate(&demo, &["graph", "checkout-hotfix", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{e}: {}", json.stdout));
    assert_eq!(v["graphs"][0]["name"], "checkout-hotfix");
    assert_eq!(v["graphs"][0]["statePath"], "hotfix.state.yaml");
    let unknown = phasegate(&demo, &["graph", "nope"]);
    assert_eq!(unknown.code, 1, "{unknown:#?}");
    assert!(unknown.stderr.starts_with("phasegate: error: no workflow named `nope`; known workflows: "), "{}", unknown.stderr);
    assert!(unknown.stderr.contains(", checkout-hotfix, "), "{}", unknown.stderr);
}

/// The demo README's picture is what `phasegate graph checkout-feature` draws today.
#[test]
fn graph_of_the_demo_readme_is_current() {
    let readme = std::fs::read_to_string(repo().join("examples/demo/README.md")).unwrap_or_default();
    let block = readme.split("```mermaid\n").nth(1).and_then(|rest| rest.split("```\n").next()).unwrap_or_default();
    let drawn = phasegate(&repo(), &["graph", "checkout-feature", "-C", "examples/demo"]);
    assert_eq!(drawn.code, 0, "{drawn:#?}");
    assert_eq!(
        block, drawn.stdout,
        "examples/demo/README.md's Mermaid block differs from `phasegate graph checkout-feature -C examples/demo`; paste the new output and run `bash tests/graph/render.sh --update`"
    );
    assert!(repo().join("examples/demo/graph.png").is_file());
}

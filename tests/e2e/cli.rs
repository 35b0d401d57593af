//! CLI end-to-end tests: the real `phasegate` binary run on the fixture workspaces of
//! `tests/fixtures/diagnostics/` (actionlint-style: `<code>/err/` beside `<code>/err.expected`,
//! and a near miss `<code>/ok/`), on the seeds, on `examples/demo/`, on bad input, and driving
//! `advance`/`scaffold`/`start` in temporary copies.
//!
//! Snapshots (`*.expected`) are rewritten with `UPDATE_EXPECT=1 cargo test -p phasegate --test e2e`.
//! Every run of the binary has a timeout (polling `try_wait`), so a hang fails the test instead
//! of blocking it.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_phasegate");

/// How long one run of the binary may take (debug build, 2 cores, other tests running).
const TIMEOUT: Duration = Duration::from_secs(120);

/// `SOURCE_DATE_EPOCH` for every run: 2026-01-01T00:00:00Z.
const EPOCH: &str = "1767225600";
const EPOCH_RFC3339: &str = "2026-01-01T00:00:00Z";

/// Every diagnostic code (from the engine's registry); each must have a fixture folder.
static CODES: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| phasegate_engine::Code::all().map(|c| c.as_str()).collect());

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::canonicalize(&root).unwrap_or(root)
}

pub(crate) fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/diagnostics")
}

/// What a run of the binary gave.
#[derive(Debug)]
pub(crate) struct Output {
    /// The exit code (`-1` when killed by a signal).
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Output {
    /// Fails when the binary panicked (exit 101 or a panic message).
    pub(crate) fn assert_no_panic(&self, what: &str) {
        assert!(self.code != 101 && !self.stderr.contains("panicked"), "{what}: phasegate panicked\n{self:#?}");
    }
}

/// Runs `phasegate ARGS` in `cwd` with a timeout; panics if it does not finish in time.
pub(crate) fn phasegate(cwd: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
    // Drain both pipes on threads so a large output cannot block the child.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("`phasegate {}` in {} did not finish within {TIMEOUT:?}", args.join(" "), cwd.display());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for phasegate: {e}"),
        }
    };
    Output { code: status.code().unwrap_or(-1), stdout: stdout.join().unwrap_or_default(), stderr: stderr.join().unwrap_or_default() }
}

/// Compares `actual` with the snapshot file at `path`; with `UPDATE_EXPECT` set, rewrites it.
pub(crate) fn snapshot(path: &Path, actual: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return Ok(());
    }
    let mut diff = String::new();
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => diff.push_str(&format!("  {x}\n")),
            (x, y) => {
                if let Some(x) = x {
                    diff.push_str(&format!("- {x}\n"));
                }
                if let Some(y) = y {
                    diff.push_str(&format!("+ {y}\n"));
                }
            }
        }
    }
    Err(format!(
        "{} does not match (- expected, + actual); rerun with UPDATE_EXPECT=1 to accept:\n{diff}",
        path.strip_prefix(repo()).unwrap_or(path).display()
    ))
}

/// Asserts a `check` that exited 0 and printed only its summary, with no problem found.
pub(crate) fn assert_clean((code, stdout): (i32, &str)) {
    assert!(
        code == 0 && stdout.starts_with("phasegate: checked ") && stdout.ends_with(", no problems found\n") && stdout.lines().count() == 1,
        "exit {code}:\n{stdout}"
    );
}

/// Panics with every failure collected, if any.
pub(crate) fn report(failures: Vec<String>) {
    assert!(failures.is_empty(), "{} failure(s):\n\n{}", failures.len(), failures.join("\n\n"));
}

/// Copies the folder `from` into `to` (created), recursively. Fixtures hold no symlinks.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("read_dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        }
    }
}

/// Every entry under `dir`, without following symlinks: files with their content, folders and
/// symlinks with a marker. Compared before and after a run to prove it wrote nothing.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(base).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).map(|t| t.to_string_lossy().into_owned()).unwrap_or_default();
                out.insert(rel, format!("<symlink to {target}>").into_bytes());
            } else if meta.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(base, &path, out);
            } else {
                out.insert(rel, std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The paths that differ between two [`tree`]s.
pub(crate) fn changed(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut out: Vec<String> = before.keys().chain(after.keys()).filter(|k| before.get(*k) != after.get(*k)).cloned().collect();
    out.sort();
    out.dedup();
    out
}

pub(crate) fn temp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("phasegate-e2e-").tempdir().expect("temp dir")
}

pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Fixture workspaces: one per diagnostic code
// ---------------------------------------------------------------------------------------------

/// Files a fixture needs that are not committed (binary junk), written into a temporary copy of
/// `<code>/<variant>/` before it is checked. See `tests/fixtures/diagnostics/file-skipped/README.md`.
fn generated_files(code: &str, variant: &str) -> Vec<(&'static str, Vec<u8>)> {
    // The first bytes of a PNG: binary, with NUL bytes.
    let png: Vec<u8> = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00".to_vec();
    match (code, variant) {
        ("file-skipped", "err") => vec![
            // The meeting notes saved as Latin-1: `Zürich` and `café` are not valid UTF-8.
            ("docs/meeting-notes.md", b"# Glossary meeting - Z\xfcrich, 3 March\n\n- \"Warenkorb\" for cart; \"panier\" in French.\n- caf\xe9-style UI copy is out of scope.\n".to_vec()),
            ("docs/diagram.md", png),
        ],
        ("file-skipped", "ok") => vec![("docs/diagram.png", png)],
        _ => Vec::new(),
    }
}

/// Checks one fixture variant and returns its output. Fixtures with generated files are checked
/// in a temporary copy; the others in place (and must be left untouched).
fn check_fixture(code: &str, variant: &str) -> Output {
    let dir = fixtures().join(code).join(variant);
    let generated = generated_files(code, variant);
    if generated.is_empty() {
        let before = tree(&dir);
        let out = phasegate(&dir, &["check"]);
        assert_eq!(changed(&before, &tree(&dir)), Vec::<String>::new(), "`phasegate check` wrote into {}", dir.display());
        return out;
    }
    let tmp = temp();
    let root = tmp.path().join(variant);
    copy_dir(&dir, &root);
    for (rel, bytes) in generated {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::fs::write(&path, bytes).expect("write generated file");
    }
    phasegate(&root, &["check"])
}

#[test]
fn every_code_has_a_fixture_that_fires_and_a_near_miss_that_does_not() {
    let base = fixtures();
    let mut failures = Vec::new();
    for code in CODES.iter() {
        for part in ["err", "ok"] {
            if !base.join(code).join(part).is_dir() {
                failures.push(format!("no fixture folder tests/fixtures/diagnostics/{code}/{part}/"));
            }
        }
    }
    let mut folders: Vec<String> = std::fs::read_dir(&base)
        .expect("tests/fixtures/diagnostics")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    for folder in &folders {
        if !CODES.contains(&folder.as_str()) {
            failures.push(format!("tests/fixtures/diagnostics/{folder}/ names no diagnostic code"));
            continue;
        }
        let code = folder.as_str();
        if base.join(code).join("err").is_dir() {
            let out = check_fixture(code, "err");
            out.assert_no_panic(code);
            if let Err(e) = snapshot(&base.join(code).join("err.expected"), &out.stdout) {
                failures.push(e);
            }
            if !out.stdout.contains(&format!("[{code}]: ")) {
                failures.push(format!("{code}/err/ does not report `{code}`:\n{}", out.stdout));
            }
            let has_error = out.stdout.lines().any(|l| l.contains(": error["));
            if out.code != i32::from(has_error) || !out.stderr.is_empty() {
                failures.push(format!("{code}/err/: exit code {} (stderr: {:?}), expected {}", out.code, out.stderr, i32::from(has_error)));
            }
        }
        if base.join(code).join("ok").is_dir() {
            let out = check_fixture(code, "ok");
            out.assert_no_panic(code);
            if out.stdout.contains(&format!("[{code}]: ")) {
                failures.push(format!("near miss {code}/ok/ reports `{code}`:\n{}", out.stdout));
            }
            // Every near miss is clean, not only of its own code.
            if !out.stdout.ends_with(", no problems found\n") || out.stdout.lines().count() != 1 || out.code != 0 || !out.stderr.is_empty()
            {
                failures.push(format!("near miss {code}/ok/ is not clean (exit {}):\n{}{}", out.code, out.stdout, out.stderr));
            }
        }
    }
    report(failures);
}

// ---------------------------------------------------------------------------------------------
// Seeds and demo snapshots
// ---------------------------------------------------------------------------------------------

#[test]
fn seeds_snapshot() {
    // Seed 000 holds a real unresolved merge conflict; nothing else in the seeds is wrong enough
    // to report (no state file: no run, so no gate or deliverable is due).
    let out = phasegate(&repo(), &["check", "tests/fixtures/seeds"]);
    out.assert_no_panic("seeds");
    report(snapshot(&repo().join("tests/fixtures/seeds.expected"), &out.stdout).err().into_iter().collect());
    assert_eq!(out.code, 1, "one error (the merge conflict) exits 1: {out:#?}");
    assert_eq!(out.stdout.matches(": error[").count(), 1, "{}", out.stdout);
    assert!(out.stdout.starts_with("tests/fixtures/seeds/000-orchestrator-small-workflow.md:1:1: error[merge-conflict]"), "{}", out.stdout);
    assert_eq!(out.stderr, "");
}

#[test]
fn demo_snapshot_shows_every_family() {
    let out = phasegate(&repo(), &["check", "examples/demo"]);
    out.assert_no_panic("demo");
    report(snapshot(&repo().join("examples/demo.expected"), &out.stdout).err().into_iter().collect());
    assert_eq!(out.code, 1);
    // Every family of the generic conventions but file-skipped (which needs binary junk, see the
    // file-skipped fixture); each framework shows its own rules in its fixture workspace
    // (tests/fixtures/frameworks/<id>/).
    let generic = |c: &str| phasegate_engine::Code::parse(c).is_some_and(|code| code.rule().framework.is_none());
    let missing: Vec<&&str> =
        CODES.iter().filter(|c| **c != "file-skipped" && generic(c) && !out.stdout.contains(&format!("[{c}]: "))).collect();
    assert!(missing.is_empty(), "the demo does not show {missing:?}:\n{}", out.stdout);
}

#[test]
fn status_lists_only_workflows_and_says_why() {
    // tests/fixtures/status/workspace: a tutorial numbered with `Step N:` headings, one-step
    // skill files and a one-phase note are not workflows; the same one-phase note run by a state
    // file, a two-phase doc and a step doc with deliverables are (issue 7).
    let root = repo().join("tests/fixtures/status/workspace");
    let out = phasegate(&root, &["status"]);
    out.assert_no_panic("status");
    let mut failures: Vec<String> =
        snapshot(&repo().join("tests/fixtures/status/status.expected"), &out.stdout).err().into_iter().collect();
    let check = phasegate(&root, &["check"]);
    if !check.stdout.ends_with(", no problems found\n") || check.stdout.lines().count() != 1 {
        failures.push(format!("tests/fixtures/status/workspace is not clean:\n{}", check.stdout));
    }
    report(failures);
}

#[test]
fn demo_walkthrough_from_its_readme() {
    // examples/demo/README.md: advance refused, scaffold from the template, tick, advance.
    let tmp = temp();
    let outer = tmp.path().join("outer");
    let root = outer.join("demo");
    copy_dir(&repo().join("examples/demo"), &root);
    let c = root.to_str().expect("UTF-8 temp path");
    let run = |args: &[&str]| {
        let mut full = args.to_vec();
        full.extend(["-C", c]);
        let out = phasegate(&root, &full);
        out.assert_no_panic(&args.join(" "));
        out
    };
    let refused = run(&["advance", "checkout-feature"]);
    assert_eq!(refused.code, 1, "{refused:#?}");
    expect_test::expect![[r#"
        phasegate: refused: the gate of phase `implementation` is not met
          - deliverable `.work/checkout/EVIDENCE.md` is missing
          - 2 of 2 items unticked in "After implementation, orchestrator MUST"; first: Collect EVIDENCE.md and check it for deviations
    "#]]
    .assert_eq(&refused.stderr);

    let scaffold = run(&["scaffold", "checkout-feature"]);
    assert_eq!(scaffold.code, 0, "{scaffold:#?}");
    let evidence = read(&root.join(".work/checkout/EVIDENCE.md"));
    assert!(evidence.starts_with("# Evidence: Checkout Implementation\n"), "made from the EVIDENCE.md Template section:\n{evidence}");

    let still = run(&["advance", "checkout-feature"]);
    assert_eq!(still.code, 1);
    assert!(!still.stderr.contains("EVIDENCE.md` is missing") && still.stderr.contains("unticked"), "{}", still.stderr);

    let doc = root.join("docs/workflow.md");
    let ticked = read(&doc)
        .replace("- [ ] Collect EVIDENCE.md", "- [x] Collect EVIDENCE.md")
        .replace("- [ ] Confirm the SDET", "- [x] Confirm the SDET");
    std::fs::write(&doc, ticked).expect("tick");
    let advanced = run(&["advance", "checkout-feature"]);
    assert_eq!(advanced.code, 0, "{advanced:#?}");
    let state = read(&root.join("checkout-feature.state.yaml"));
    assert!(state.contains("current: release\n"), "{state}");
    assert!(state.ends_with("  - {from: implementation, to: release, at: 2026-01-01T00:00:00Z}\n"), "{state}");

    // The release phase's `../../CHANGELOG.md` is never created, by scaffold or anything else.
    let scaffold_release = run(&["scaffold", "checkout-feature"]);
    assert_eq!(scaffold_release.code, 0, "{scaffold_release:#?}");
    assert!(root.join(".work/checkout/RELEASE-NOTES.md").is_file());
    assert_eq!(tree(&outer).keys().filter(|k| !k.starts_with("demo/")).count(), 0, "nothing beside the root");
    assert!(!tmp.path().join("CHANGELOG.md").exists());

    // The `.ops/build` features: checkout cannot complete, receipts moves on to release.
    let checkout = run(&["advance", "checkout"]);
    assert_eq!(checkout.code, 1, "{checkout:#?}");
    assert!(checkout.stderr.contains("gate `security` fails") && checkout.stderr.contains("are not done"), "{}", checkout.stderr);
    let receipts = run(&["advance", "receipts"]);
    assert_eq!(receipts.code, 0, "{receipts:#?}");
    assert!(root.join(".ops/build/v1/receipts/checks.yaml").is_file());
}

// ---------------------------------------------------------------------------------------------
// Output formats and exit codes
// ---------------------------------------------------------------------------------------------

/// `(path, 1-based line, 1-based column, code)` of each human diagnostic line.
fn human_locations(stdout: &str) -> Vec<(String, u64, u64, String)> {
    stdout
        .lines()
        .filter_map(|l| {
            let (loc, rest) = l.split_once(": ")?;
            let mut parts = loc.rsplitn(3, ':');
            let col = parts.next()?.parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            let path = parts.next()?.to_string();
            let code = rest.split_once('[')?.1.split_once(']')?.0.to_string();
            Some((path, line, col, code))
        })
        .collect()
}

#[test]
fn json_output_shape() {
    // Run from the repository root: paths are shown relative to the current folder, as in the
    // human output, beside the project they belong to.
    let out = phasegate(&repo(), &["check", "tests/fixtures/diagnostics/dangling-reference/err", "--format", "json"]);
    out.assert_no_panic("json");
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", out.stdout));
    let obj = v.as_object().expect("an object");
    assert_eq!(obj.keys().collect::<Vec<_>>(), vec!["diagnostics"]);
    let list = v["diagnostics"].as_array().expect("diagnostics is a list");
    assert!(!list.is_empty());
    let human = phasegate(&repo(), &["check", "tests/fixtures/diagnostics/dangling-reference/err"]);
    let locations = human_locations(&human.stdout);
    assert_eq!(locations.len(), list.len(), "JSON and human output list the same diagnostics");
    for (d, (path, line, col, code)) in list.iter().zip(&locations) {
        let keys: Vec<&String> = d.as_object().expect("diagnostic object").keys().collect();
        assert_eq!(keys, vec!["path", "project", "range", "severity", "code", "message"], "{d}");
        assert_eq!(d["project"], "tests/fixtures/diagnostics/dangling-reference/err", "the project, relative to the current folder");
        let p = d["path"].as_str().expect("path");
        assert!(
            !p.contains('\\') && p.starts_with("tests/fixtures/diagnostics/dangling-reference/err/"),
            "path relative to the current folder: {p}"
        );
        assert!(repo().join(p).is_file(), "{p} exists");
        for end in ["start", "end"] {
            assert!(d["range"][end]["line"].is_u64() && d["range"][end]["character"].is_u64(), "{d}");
        }
        // 0-based lines and (on these ASCII lines) 0-based characters, vs 1-based human ones.
        assert_eq!(
            (p, d["range"]["start"]["line"].as_u64(), d["range"]["start"]["character"].as_u64()),
            (path.as_str(), Some(line - 1), Some(col - 1))
        );
        assert!(d["range"]["end"]["character"].as_u64() > d["range"]["start"]["character"].as_u64(), "a token, not an empty range: {d}");
        assert_eq!(d["code"].as_str(), Some(code.as_str()));
        assert!(CODES.contains(&code.as_str()));
        assert!(matches!(d["severity"].as_str(), Some("error" | "warning" | "information" | "hint")), "{d}");
        assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // A clean workspace: an empty list, exit 0.
    let clean = phasegate(&fixtures().join("dangling-reference/ok"), &["check", "--format", "json"]);
    assert_eq!(clean.code, 0);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&clean.stdout).expect("JSON"), serde_json::json!({"diagnostics": []}));
}

#[test]
fn sarif_output_is_valid_2_1_0() {
    let out = phasegate(&fixtures().join("missing-deliverable/err"), &["check", "--format", "sarif"]);
    out.assert_no_panic("sarif");
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", out.stdout));
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().is_some_and(|s| s.contains("sarif")), "$schema: {}", v["$schema"]);
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "phasegate");
    let rules: Vec<&str> = driver["rules"].as_array().expect("rules").iter().filter_map(|r| r["id"].as_str()).collect();
    for code in CODES.iter() {
        assert!(rules.contains(code), "rule {code} is described");
    }
    let results = runs[0]["results"].as_array().expect("results");
    let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert_eq!(results.len(), 4, "{results:#?}");
    assert_eq!(levels, vec!["error", "error", "note", "error"], "information maps to `note`");
    for r in results {
        let rule = r["ruleId"].as_str().expect("ruleId");
        assert!(CODES.contains(&rule), "{rule}");
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(!uri.contains('\\') && fixtures().join("missing-deliverable/err").join(uri).is_file(), "uri {uri}");
        let region = &loc["region"];
        assert!(region["startLine"].as_u64().is_some_and(|l| l >= 1), "1-based lines in SARIF: {region}");
        assert!(region["startColumn"].as_u64().is_some_and(|c| c >= 1));
    }
}

#[test]
fn exit_codes() {
    let base = fixtures();
    // 0: clean; 0: only a warning; 1: an error.
    assert_eq!(phasegate(&base.join("gate-unmet/ok"), &["check"]).code, 0);
    let warning_only = phasegate(&base.join("deliverable-outside-workspace/err"), &["check"]);
    assert_eq!((warning_only.code, warning_only.stdout.contains("warning[")), (0, true), "{warning_only:#?}");
    assert_eq!(phasegate(&base.join("gate-unmet/err"), &["check"]).code, 1);
    // `--severity` can lower an error (exit 0) or turn a code off.
    let lowered = phasegate(&repo(), &["check", "tests/fixtures/seeds", "--severity", "merge-conflict=warning"]);
    assert_eq!((lowered.code, lowered.stdout.contains("warning[merge-conflict]")), (0, true), "{lowered:#?}");
    let off = phasegate(&repo(), &["check", "tests/fixtures/seeds", "--severity", "merge-conflict=off"]);
    assert_clean((off.code, off.stdout.as_str()));
    // 2: usage or IO failures, with a message on stderr and nothing on stdout, also for a missing
    // path whose folder exists or that lies inside a git repository.
    let tmp = temp();
    for (cwd, path) in [
        (tmp.path().to_path_buf(), "does/not/exist"),
        (tmp.path().to_path_buf(), "missing.md"),
        (base.join("gate-unmet/ok"), "does/not/exist"),
    ] {
        let out = phasegate(&cwd, &["check", path]);
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{out:#?}");
        assert!(out.stderr.contains("no such file or folder"), "{}", out.stderr);
    }
    for args in [
        &["check", ".", "--severity", "merge-conflict=loud"][..],
        &["check", ".", "--severity", "no-such-code=error"],
        &["check", ".", "--severity", "merge-conflict"],
        &["check", ".", "--format", "xml"],
        &["frobnicate"],
    ] {
        let out = phasegate(tmp.path(), args);
        out.assert_no_panic(&args.join(" "));
        assert_eq!(out.code, 2, "`phasegate {}` exits 2: {out:#?}", args.join(" "));
        assert!(!out.stderr.is_empty() && out.stdout.is_empty(), "{out:#?}");
    }
    // A file argument: only that file's diagnostics, paths as given.
    let one = phasegate(&repo(), &["check", "tests/fixtures/diagnostics/gate-dangling/err/release.workflow.yaml"]);
    let paths: Vec<String> = human_locations(&one.stdout).into_iter().map(|l| l.0).collect();
    // The root is then the enclosing git repository, so the checklist path resolves from there.
    assert_eq!(paths.len(), 2, "{}", one.stdout);
    // The file is shown as given on the command line, as for a folder argument.
    let given = "tests/fixtures/diagnostics/gate-dangling/err/release.workflow.yaml";
    assert_eq!(paths, vec![given.to_string(); 2], "{}", one.stdout);
}

// ---------------------------------------------------------------------------------------------
// advance, scaffold, start
// ---------------------------------------------------------------------------------------------

/// A temporary copy of fixture `code/variant` at `<tmp>/outer/ws`: the root's parent (`outer`)
/// is watched to prove nothing is written outside the root.
struct Scratch {
    _tmp: tempfile::TempDir,
    outer: PathBuf,
    root: PathBuf,
}

impl Scratch {
    fn new(code: &str, variant: &str) -> Scratch {
        let tmp = temp();
        let outer = tmp.path().join("outer");
        let root = outer.join("ws");
        copy_dir(&fixtures().join(code).join(variant), &root);
        Scratch { _tmp: tmp, outer, root }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut full: Vec<&str> = args.to_vec();
        let root = self.root.to_str().expect("UTF-8 temp path");
        if args[0] != "check" && args[0] != "status" {
            full.extend(["-C", root]);
        }
        let out = phasegate(&self.root, &full);
        out.assert_no_panic(&args.join(" "));
        out
    }

    /// Everything under `outer` except the root itself.
    fn outside(&self) -> BTreeMap<String, Vec<u8>> {
        tree(&self.outer).into_iter().filter(|(k, _)| k != "ws/" && !k.starts_with("ws/")).collect()
    }

    fn file(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

#[test]
fn advance_refused_then_scaffold_then_advance() {
    // The onboarding run is at `design`, whose deliverable ARCHITECTURE.md is missing.
    let s = Scratch::new("missing-deliverable", "ok");
    std::fs::remove_file(s.file(".work/architecture/ARCHITECTURE.md")).expect("remove");
    let outside = s.outside();
    let state = s.file("onboarding.state.yaml");
    let state_before = read(&state);

    // Refused, with each unmet criterion; nothing written.
    let before = tree(&s.root);
    for args in [&["advance", "onboarding-flow"][..], &["advance", "onboarding-flow", "--dry-run"]] {
        let out = s.run(args);
        assert_eq!(out.code, 1, "{out:#?}");
        assert_eq!(
            out.stderr,
            "phasegate: refused: the gate of phase `design` is not met\n  - deliverable `.work/architecture/ARCHITECTURE.md` is missing\n"
        );
        assert_eq!(changed(&before, &tree(&s.root)), Vec::<String>::new());
    }

    // Scaffold --dry-run: a diff, nothing written.
    let dry = s.run(&["scaffold", "onboarding-flow", "--dry-run"]);
    assert_eq!(dry.code, 0, "{dry:#?}");
    expect_test::expect![[r#"
        --- /dev/null
        +++ b/.work/architecture/ARCHITECTURE.md
        @@ -0,0 +1,7 @@
        +---
        +workflow: onboarding-flow
        +phase: design
        +---
        +
        +# ARCHITECTURE
        +
    "#]]
    .assert_eq(&dry.stdout);
    assert_eq!(changed(&before, &tree(&s.root)), Vec::<String>::new());

    // Scaffold: creates the file, with front matter linking it to its workflow and phase.
    let out = s.run(&["scaffold", "onboarding-flow"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(changed(&before, &tree(&s.root)), vec![".work/architecture/ARCHITECTURE.md".to_string()]);
    assert!(read(&s.file(".work/architecture/ARCHITECTURE.md")).starts_with("---\nworkflow: onboarding-flow\nphase: design\n---\n"));
    // Scaffolding again has nothing to do, and touches nothing.
    std::fs::write(s.file(".work/architecture/ARCHITECTURE.md"), "# Onboarding Architecture\n\nOur own words.\n").expect("write");
    let again_before = tree(&s.root);
    let again = s.run(&["scaffold", "onboarding-flow", "--phase", "design"]);
    assert_eq!(again.code, 1, "{again:#?}");
    assert!(again.stderr.contains("nothing to scaffold"), "{}", again.stderr);
    assert_eq!(changed(&again_before, &tree(&s.root)), Vec::<String>::new());

    // Advance --dry-run: a diff of the state file, nothing written.
    let dry = s.run(&["advance", "onboarding-flow", "--dry-run"]);
    assert_eq!(dry.code, 0, "{dry:#?}");
    assert!(dry.stdout.starts_with("--- a/onboarding.state.yaml\n+++ b/onboarding.state.yaml\n"), "{}", dry.stdout);
    assert!(dry.stdout.contains("-current: design\n+current: build\n"), "{}", dry.stdout);
    assert_eq!(read(&state), state_before);

    // Advance: the state file moves on, with a history entry at SOURCE_DATE_EPOCH's time.
    let out = s.run(&["advance", "onboarding-flow"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.stdout,
        "wrote onboarding.state.yaml\nphasegate: advanced `onboarding-flow` from `design` to `build` in `onboarding.state.yaml`\n"
    );
    expect_test::expect![[r#"
        # Where the onboarding run stands.
        workflow: onboarding-flow
        current: build
        history:
          - {from: requirements, to: design, at: 2025-03-04T09:30:00Z}
          - {from: design, to: build, at: 2026-01-01T00:00:00Z}
    "#]]
    .assert_eq(&read(&state));
    assert!(read(&state).contains(EPOCH_RFC3339));
    // The advanced workspace is clean, and its state file parses as the engine expects.
    let check = s.run(&["check"]);
    assert_clean((check.code, check.stdout.as_str()));

    // `build` is the last phase: advancing completes the run; then there is nothing left.
    let done = s.run(&["advance", "onboarding-flow"]);
    assert_eq!(done.code, 0, "{done:#?}");
    assert!(read(&state).ends_with("status: completed\n"), "{}", read(&state));
    let after = s.run(&["advance", "onboarding-flow"]);
    assert_eq!(after.code, 1);
    assert!(after.stderr.contains("already complete"), "{}", after.stderr);

    assert_eq!(changed(&outside, &s.outside()), Vec::<String>::new(), "nothing written outside the root");
}

#[test]
fn advance_seed_000_json_state() {
    // Two runs of the medium orchestrator: name the JSON one.
    let s = Scratch::new("inconsistent-state", "ok");
    let ambiguous = s.run(&["advance", "orchestrator-m-medium-workflow", "--dry-run"]);
    assert_eq!(ambiguous.code, 1, "{ambiguous:#?}");
    let out = s.run(&["advance", "orchestrator-m-medium-workflow", "--state", ".work/findings/orchestrator-m-state.json"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let v: serde_json::Value = serde_json::from_str(&read(&s.file(".work/findings/orchestrator-m-state.json"))).expect("still JSON");
    assert_eq!(v["current_sub_workflow"]["name"], "implementation");
    assert_eq!(v["current_sub_workflow"]["start_time"], EPOCH_RFC3339);
    let completed = v["completed_sub_workflows"].as_array().expect("completed");
    assert_eq!(completed.len(), 2);
    assert_eq!((completed[1]["name"].as_str(), completed[1]["completion_time"].as_str()), (Some("planning"), Some(EPOCH_RFC3339)));
    assert_eq!(v["pending_sub_workflows"], serde_json::json!(["release"]));
    assert_eq!(v["overall_progress"], serde_json::json!({"completed": 2, "total": 4, "percentage": 50}));
    assert_eq!(v["execution_id"], "m-20250917-0930", "other fields are kept");
    let check = s.run(&["check"]);
    assert_clean((check.code, check.stdout.as_str()));
}

#[test]
fn start_creates_a_state_file_once() {
    let s = Scratch::new("gate-dangling", "ok");
    let before = tree(&s.root);
    let dry = s.run(&["start", "billing-migration", "--dry-run"]);
    assert_eq!(dry.code, 0, "{dry:#?}");
    assert!(dry.stdout.starts_with("--- /dev/null\n+++ b/docs/billing-migration.state.yaml\n"), "{}", dry.stdout);
    assert_eq!(changed(&before, &tree(&s.root)), Vec::<String>::new());
    let out = s.run(&["start", "billing-migration"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(changed(&before, &tree(&s.root)), vec!["docs/billing-migration.state.yaml".to_string()]);
    let state = read(&s.file("docs/billing-migration.state.yaml"));
    assert!(state.contains("workflow: billing-migration\ncurrent: discovery\n"), "{state}");
    let again = s.run(&["start", "billing-migration"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already has a state file"), "{}", again.stderr);
    assert_eq!(read(&s.file("docs/billing-migration.state.yaml")), state);
    // Unknown workflow: refused.
    assert_eq!(s.run(&["start", "no-such-workflow"]).code, 1);
    let check = s.run(&["check"]);
    assert_clean((check.code, check.stdout.as_str()));
}

#[test]
fn scaffold_never_overwrites_and_never_leaves_the_root() {
    // docs-refresh lists `../../outside.md`, which would land in the root's parent.
    let s = Scratch::new("deliverable-outside-workspace", "err");
    std::fs::remove_file(s.file(".work/docs-audit.md")).expect("remove");
    std::fs::write(s.file("shared/glossary.md"), "# Our glossary\n").expect("write");
    let outside = s.outside();
    let before = tree(&s.root);
    let dry = s.run(&["scaffold", "docs-refresh", "--dry-run"]);
    assert_eq!(dry.code, 0, "{dry:#?}");
    assert!(!dry.stdout.contains("outside"), "{}", dry.stdout);
    assert_eq!(changed(&before, &tree(&s.root)), Vec::<String>::new());
    let out = s.run(&["scaffold", "docs-refresh"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(changed(&before, &tree(&s.root)), vec![".work/docs-audit.md".to_string()], "only the missing, in-root deliverable");
    assert_eq!(read(&s.file("shared/glossary.md")), "# Our glossary\n");
    // Advancing past `audit` does not need (or create) the outside path either.
    let adv = s.run(&["advance", "docs-refresh"]);
    assert_eq!(adv.code, 0, "{adv:#?}");
    for args in [&["check"][..], &["status"], &["scaffold", "docs-refresh", "--phase", "audit"], &["start", "docs-refresh"]] {
        s.run(args);
    }
    assert!(!s.outer.join("outside.md").exists() && !s.outer.parent().expect("tmp").join("outside.md").exists());
    assert_eq!(changed(&outside, &s.outside()), Vec::<String>::new(), "nothing written outside the root");
}

#[cfg(unix)]
#[test]
fn scaffold_refuses_a_folder_that_leads_outside_through_a_symlink() {
    // `reports/` is a symlink to a folder beside the root: creating `reports/summary.md` would
    // write outside the root.
    let s = Scratch::new("deliverable-outside-workspace", "ok");
    std::fs::create_dir_all(s.outer.join("elsewhere")).expect("mkdir");
    std::os::unix::fs::symlink("../elsewhere", s.file("reports")).expect("symlink");
    let doc = read(&s.file("docs/workflow.md")).replace("- `.work/docs-audit.md`\n", "- `.work/docs-audit.md`\n- `reports/summary.md`\n");
    std::fs::write(s.file("docs/workflow.md"), doc).expect("write");
    let outside = s.outside();
    let out = s.run(&["scaffold", "docs-refresh"]);
    assert_ne!(out.code, 0, "{out:#?}");
    assert!(out.stderr.contains("outside the workspace root"), "{}", out.stderr);
    assert_eq!(changed(&outside, &s.outside()), Vec::<String>::new(), "nothing written through the symlink");
    assert!(!s.outer.join("elsewhere/summary.md").exists());
}

// ---------------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------------

/// A billion-laughs YAML document: nine levels of nine aliases (9^9 strings if expanded).
fn alias_bomb() -> String {
    let mut s = String::from(
        "workflow: lol\ncurrent: a\na: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(", ");
        s.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    s
}

#[test]
fn bad_input_finishes_reports_or_skips_and_writes_nothing() {
    let s = Scratch::new("deliverable-outside-workspace", "err");
    let w = |rel: &str, bytes: &[u8]| {
        let p = s.file(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    };
    w("bad/latin1.md", b"# Phase 1: R\xe9sum\xe9\n\n**Deliverables**:\n- `x.md`\n");
    w("bad/binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00");
    // 20 MB of plausible Markdown: phases, deliverables, checklists.
    let mut big = String::from("---\nname: huge\n---\n");
    let mut n = 0;
    while big.len() < 20 * 1024 * 1024 {
        n += 1;
        big.push_str(&format!(
            "## Phase {n}: Step {n}\n**Deliverables**:\n- `out/{n}.md`\n\n**Gate Check**: done → Proceed to Phase {}\n- [ ] item {n}\n\n",
            n + 1
        ));
    }
    w("bad/huge.md", big.as_bytes());
    w("bad/malformed.state.yaml", b"workflow: docs-refresh\ncurrent: [audit\nhistory:\n  - {from: audit\n");
    w("bad/malformed-state.json", b"{\"orchestrator_name\": \"docs-refresh\", \"current_status\": \"running\",, }");
    w("bad/bomb.state.yaml", alias_bomb().as_bytes());
    w("bad/tabs.state.yaml", b"workflow:\n\t- x\n");
    w("bad/empty.json", b"");
    w("bad/nul-in-yaml.state.yaml", b"workflow: docs-refresh\x00\ncurrent: audit\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", s.file("bad/loop")).expect("symlink loop");
    #[cfg(unix)]
    std::os::unix::fs::symlink("missing-target.md", s.file("bad/dangling.md")).expect("dangling symlink");

    let outside = s.outside();
    let before = tree(&s.root);
    for format in ["human", "json", "sarif"] {
        let out = s.run(&["check", "--format", format]);
        assert!(out.code == 0 || out.code == 1, "check --format {format}: {out:#?}");
        if format == "human" {
            let diags = human_locations(&out.stdout);
            let has = |path: &str, code: &str| diags.iter().any(|(p, _, _, c)| p == path && c == code);
            let mut failures = Vec::new();
            for (path, code) in [
                ("bad/latin1.md", "file-skipped"),
                ("bad/binary.md", "file-skipped"),
                ("bad/huge.md", "file-skipped"),
                ("bad/nul-in-yaml.state.yaml", "file-skipped"),
                ("bad/malformed.state.yaml", "syntax-error"),
                ("bad/malformed-state.json", "syntax-error"),
                ("bad/tabs.state.yaml", "syntax-error"),
                ("docs/workflow.md", "deliverable-outside-workspace"),
            ] {
                if !has(path, code) {
                    failures.push(format!("expected {code} on {path}"));
                }
            }
            assert!(failures.is_empty(), "{failures:?}\n{}", out.stdout);
            assert!(out.stdout.contains("bad/huge.md` is 20.0 MiB, over the 8 MiB limit"), "{}", out.stdout);
            // The alias bomb is a valid YAML file naming an unknown workflow: reported as such,
            // without expanding the aliases.
            assert!(has("bad/bomb.state.yaml", "unknown-state"), "{}", out.stdout);
            // Symlinked folders (the loop among them) are not followed and a dangling symlink
            // leads to no file: both are skipped silently.
            #[cfg(unix)]
            assert!(!out.stderr.contains("bad/loop") && !out.stderr.contains("bad/dangling.md"), "{}", out.stderr);
        } else {
            serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap_or_else(|e| panic!("--format {format}: {e}"));
        }
    }
    for args in [
        &["status"][..],
        &["status", "--format", "json"],
        &["advance", "docs-refresh", "--dry-run"],
        &["scaffold", "docs-refresh", "--dry-run"],
    ] {
        let out = s.run(args);
        assert!(out.code == 0 || out.code == 1, "{args:?}: {out:#?}");
    }
    assert_eq!(changed(&before, &tree(&s.root)), Vec::<String>::new(), "check, status and dry runs write nothing");
    assert_eq!(changed(&outside, &s.outside()), Vec::<String>::new(), "nothing written outside the root");
}

/// `phasegate check | head`: a reader that goes away early is no reason to panic, and the exit
/// code still says whether errors were found. The output (thousands of diagnostics) is far larger
/// than a pipe's buffer, so the closed pipe is met whatever the timing.
#[test]
fn a_closed_stdout_is_no_panic() {
    let dir = temp();
    for i in 0..2000 {
        std::fs::write(dir.path().join(format!("run-{i}.state.yaml")), "workflow: nowhere\ncurrent: x\n").unwrap_or_else(|e| panic!("{e}"));
    }
    let mut child = Command::new(BIN)
        .args(["check", "."])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    drop(child.stdout.take());
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            break status;
        }
        assert!(Instant::now() < deadline, "phasegate did not finish");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child.stderr.take().map(|mut s| s.read_to_string(&mut stderr));
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(1), "{stderr}");
}

//! Workspace benchmark (issue 2, "Proof"): `phasegate check` on generated workspaces of 1,000 and
//! 10,000 files next to the time to only read and parse the same files, edit latency in the
//! language server's loop, and resident memory.
//!
//! Run with `cargo bench -p phasegate --bench workspace`. It prints figures and never fails on
//! timing: speed is measured, not asserted. `PHASEGATE_BENCH_SIZES=1000` limits the sizes;
//! `PHASEGATE_BENCH_KEEP=1` keeps the generated workspaces (their paths are printed);
//! `PHASEGATE_BENCH_LAYOUT=speckit` measures one Spec Kit project with the framework on instead
//! (`generate::generate_speckit`); `PHASEGATE_BENCH_MEMORY_KINDS=1` adds resident memory per kind
//! of file (its facts and editor index against its text).
//!
//! The generator is deterministic: every workspace of a given size is byte-for-byte the same.

#![allow(missing_docs, clippy::unwrap_used)]

use std::collections::BTreeMap;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use phasegate_engine::{Diagnostic, FileInput, Severity, Workspace};
use phasegate_host::disk::{self, Filter};

#[path = "common/generate.rs"]
mod generate;
use generate::{generate, generate_speckit};

/// Env var set when the binary re-runs itself to measure memory in a fresh process.
const MEMORY_CHILD: &str = "PHASEGATE_BENCH_MEMORY_ROOT";

fn main() {
    if let Ok(root) = std::env::var(MEMORY_CHILD) {
        memory_child(Path::new(&root));
        return;
    }
    let sizes: Vec<usize> = std::env::var("PHASEGATE_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let keep = std::env::var_os("PHASEGATE_BENCH_KEEP").is_some();
    // `speckit`: one Spec Kit project (framework on) instead of the default projects.
    let speckit = std::env::var("PHASEGATE_BENCH_LAYOUT").is_ok_and(|l| l == "speckit");

    println!("phasegate workspace benchmark{}", if speckit { " (Spec Kit layout)" } else { "" });
    println!("machine: {} CPU(s), {}", nproc(), cpu_model());
    println!("threads used by Workspace::set_files: {}", std::thread::available_parallelism().map_or(1, |n| n.get()).min(16));
    println!("binary: {}", binary().map_or("(not found)".to_string(), |p| p.display().to_string()));
    println!("load average at start: {}", loadavg());
    println!();

    for &n in &sizes {
        let dir = tempfile::Builder::new().prefix(&format!("phasegate-bench-{n}-")).tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let t = Instant::now();
        let stats = if speckit { generate_speckit(&root, n) } else { generate(&root, n) };
        println!("== workspace of {} files at {} (generated in {})", stats.files, root.display(), ms(t.elapsed()));
        println!(
            "   {} bytes ({:.2} MB), mean {:.0} B/file; {} Markdown, {} YAML, {} JSON; {} workflows, {} state files, {} deliverables listed, {} present",
            stats.bytes,
            stats.bytes as f64 / 1e6,
            stats.bytes as f64 / stats.files as f64,
            stats.md,
            stats.yaml,
            stats.json,
            stats.workflows,
            stats.states,
            stats.deliverables_listed,
            stats.deliverables_present
        );

        check_vs_baseline(&root, n);
        if n <= 1_000 {
            if speckit {
                edit_latency_speckit(&root);
            } else {
                edit_latency(&root);
            }
        }
        if n >= 10_000 {
            memory(&root);
        }
        println!("   load average after this size: {}", loadavg());
        println!();
        if keep {
            let kept = dir.keep();
            println!("   kept {}", kept.display());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Measurements

fn runs_for(n: usize) -> usize {
    if n >= 10_000 { 5 } else { 7 }
}

/// `phasegate check` in process (disk::load + diagnostics) against read+parse of the same files.
fn check_vs_baseline(root: &Path, n: usize) {
    let runs = runs_for(n);
    // Warm the page cache and the allocator once; every figure below is warm-cache.
    let _ = baseline_sequential(root);

    let mut check = Vec::new();
    let mut load_t = Vec::new();
    let mut diag_t = Vec::new();
    let mut walk_t = Vec::new();
    let mut read_t = Vec::new();
    let mut facts_t = Vec::new();
    let mut summary = (0usize, 0usize, 0usize);
    for _ in 0..runs {
        // What `phasegate check DIR` does, in process.
        let t0 = Instant::now();
        let (ws, errors) = disk::load(root, &Filter::default());
        let t1 = Instant::now();
        let diags = ws.diagnostics();
        let t2 = Instant::now();
        assert!(errors.is_empty(), "{errors:?}");
        check.push(t2 - t0);
        load_t.push(t1 - t0);
        diag_t.push(t2 - t1);
        summary = summarize(&diags);
        drop(diags);
        drop(ws);

        // The same load, split into its steps (disk::walk, disk::read_input, Workspace::set_files).
        let t0 = Instant::now();
        let (files, _) = disk::walk(root, &Filter::default());
        let t1 = Instant::now();
        let inputs: Vec<(String, FileInput)> = files.iter().map(|(rel, abs)| (rel.clone(), disk::read_input(abs, rel).unwrap())).collect();
        let t2 = Instant::now();
        let mut ws = Workspace::new();
        ws.set_files(inputs);
        let t3 = Instant::now();
        walk_t.push(t1 - t0);
        read_t.push(t2 - t1);
        facts_t.push(t3 - t2);
        drop(ws);
    }
    let mut seq = Vec::new();
    let mut par = Vec::new();
    let mut listing = Vec::new();
    let mut parsed = (0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(list_files(root));
        listing.push(t.elapsed());
        let (d, count, bytes) = baseline_sequential(root);
        seq.push(d);
        parsed = (count, bytes);
        par.push(baseline_parallel(root));
    }
    let (c, s, p) = (median(&check), median(&seq), median(&par));
    println!("-- phasegate check, in process (disk::load + Workspace::diagnostics), median of {runs} runs, warm page cache");
    println!("   diagnostics: {} errors, {} warnings, {} information/hints", summary.0, summary.1, summary.2);
    println!("   {:<44} {:>10}   (min {}, max {})", "check total", ms(c), ms(min(&check)), ms(max(&check)));
    println!("   {:<44} {:>10}", "  disk::load", ms(median(&load_t)));
    println!("   {:<44} {:>10}", "  Workspace::diagnostics", ms(median(&diag_t)));
    println!("   {:<44} {:>10}", "  (load split) disk::walk", ms(median(&walk_t)));
    println!("   {:<44} {:>10}", "  (load split) disk::read_input, every file", ms(median(&read_t)));
    println!("   {:<44} {:>10}", "  (load split) Workspace::set_files", ms(median(&facts_t)));
    println!("-- read + parse only ({} files, {} bytes: fs::read, pulldown-cmark / saphyr-parser / serde_json)", parsed.0, parsed.1);
    println!("   {:<44} {:>10}   (min {}, max {})", "read+parse, 1 thread", ms(s), ms(min(&seq)), ms(max(&seq)));
    println!("   {:<44} {:>10}   (min {}, max {})", format!("read+parse, {} threads", threads()), ms(p), ms(min(&par)), ms(max(&par)));
    println!("   {:<44} {:>10}", "listing the files (fs::read_dir, not in above)", ms(median(&listing)));
    println!("   ratio check / read+parse (1 thread):  {:.2}x", c.as_secs_f64() / s.as_secs_f64());
    println!("   ratio check / (listing + read+parse, 1 thread): {:.2}x", c.as_secs_f64() / (s + median(&listing)).as_secs_f64());
    println!("   ratio check / read+parse ({} threads): {:.2}x", threads(), c.as_secs_f64() / p.as_secs_f64());

    if let Some(bin) = binary() {
        let mut e2e = Vec::new();
        let mut status = None;
        for _ in 0..runs {
            let t = Instant::now();
            let out = std::process::Command::new(&bin)
                .args(["check"])
                .arg(root)
                .args(["--format", "json"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap();
            e2e.push(t.elapsed());
            status = out.code();
        }
        println!("-- binary end to end: `phasegate check DIR --format json > /dev/null` (exit {status:?}), median of {runs} runs");
        println!("   {:<44} {:>10}   (min {}, max {})", "phasegate check", ms(median(&e2e)), ms(min(&e2e)), ms(max(&e2e)));
    } else {
        println!("-- binary end to end: skipped (no phasegate binary found)");
    }
}

/// Reads every file the check reads and parses it with the engine's parsers; returns the time,
/// the number of files and bytes.
fn baseline_sequential(root: &Path) -> (Duration, usize, u64) {
    let files = list_files(root);
    let t = Instant::now();
    let mut bytes = 0u64;
    let mut sink = 0usize;
    for path in &files {
        let data = std::fs::read(path).unwrap();
        bytes += data.len() as u64;
        sink = sink.wrapping_add(parse(path, &data));
    }
    let d = t.elapsed();
    std::hint::black_box(sink);
    (d, files.len(), bytes)
}

/// [`baseline_sequential`] on as many threads as `Workspace::set_files` uses.
fn baseline_parallel(root: &Path) -> Duration {
    let files = list_files(root);
    let t = Instant::now();
    let chunk = files.len().div_ceil(threads());
    let sink: usize = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(|p| parse(p, &std::fs::read(p).unwrap())).fold(0usize, usize::wrapping_add)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).fold(0usize, usize::wrapping_add)
    });
    let d = t.elapsed();
    std::hint::black_box(sink);
    d
}

/// Parses one file and returns the number of events/values (so nothing is optimised away).
fn parse(path: &Path, data: &[u8]) -> usize {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
    if name.ends_with(".md") || name.ends_with(".markdown") {
        let text = std::str::from_utf8(data).unwrap();
        let options = pulldown_cmark::Options::ENABLE_TASKLISTS
            | pulldown_cmark::Options::ENABLE_TABLES
            | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
        pulldown_cmark::Parser::new_ext(text, options).into_offset_iter().count()
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        let text = std::str::from_utf8(data).unwrap();
        saphyr_parser::Parser::new_from_str(text).map(|r| r.is_ok() as usize).sum()
    } else if name.ends_with(".json") {
        match serde_json::from_slice::<serde_json::Value>(data) {
            Ok(v) => v.as_object().map_or(1, |o| o.len()),
            Err(_) => 0,
        }
    } else {
        data.len()
    }
}

/// Every file under `root` (the generated workspaces have no ignore files), sorted.
fn list_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// The language server's loop on `didChange`: apply the edit to the rope, hand the new text to
/// the engine (`Workspace::set_file`), recompute every diagnostic, and find the files whose
/// diagnostics changed (what is published).
struct Editor {
    ws: Workspace,
    published: BTreeMap<String, Vec<Diagnostic>>,
}

impl Editor {
    fn edit(
        &mut self,
        rel: &str,
        rope: &mut ropey::Rope,
        at_char: usize,
        remove: usize,
        insert: &str,
    ) -> (Duration, Duration, Duration, usize) {
        let t0 = Instant::now();
        rope.remove(at_char..at_char + remove);
        rope.insert(at_char, insert);
        self.ws.set_file(rel, FileInput::Text(rope.to_string()));
        let t1 = Instant::now();
        let diags = self.ws.diagnostics();
        let t2 = Instant::now();
        let mut changed = 0;
        for (path, list) in &diags {
            if self.published.get(path) != Some(list) {
                changed += 1;
            }
        }
        changed += self.published.keys().filter(|p| !diags.contains_key(*p)).count();
        self.published = diags;
        let t3 = Instant::now();
        (t3 - t0, t1 - t0, t2 - t1, changed)
    }
}

fn edit_latency(root: &Path) {
    let (ws, _) = disk::load(root, &Filter::default());
    let published = ws.diagnostics();
    let mut ed = Editor { ws, published };
    const ITER: usize = 500;

    // 1. A workflow doc: tick and untick one checklist item of a gate ("- [ ]" <-> "- [x]").
    let doc = "projects/p0001/docs/workflow.md";
    let text = std::fs::read_to_string(root.join(doc)).unwrap();
    let mut rope = ropey::Rope::from_str(&text);
    let needle = "- [ ] DEPENDENCIES.md shows the parallelization plan";
    let at = rope.byte_to_char(text.find(needle).expect("needle in workflow doc")) + 3;
    let mut stats = EditStats::default();
    for i in 0..ITER {
        let mark = if i % 2 == 0 { "x" } else { " " };
        stats.push(ed.edit(doc, &mut rope, at, 1, mark));
    }
    stats.print(&format!("edit one workflow doc ({doc}, {} B): toggle a gate checklist item", text.len()), ITER);

    // 2. The same doc, typing in prose (no semantic change).
    let needle = "Notes for reviewers";
    let at = rope.byte_to_char(rope.to_string().find(needle).unwrap());
    let mut stats = EditStats::default();
    for i in 0..ITER {
        let r = if i % 2 == 0 { ed.edit(doc, &mut rope, at, 0, "x") } else { ed.edit(doc, &mut rope, at, 1, "") };
        stats.push(r);
    }
    stats.print("edit one workflow doc: type/delete one character in prose", ITER);

    // 3. A state file: move `current:` between two phases; every gate of its workflow is re-evaluated.
    let state = "projects/p0001/wf-0001.state.yaml";
    let text = std::fs::read_to_string(root.join(state)).unwrap();
    let mut rope = ropey::Rope::from_str(&text);
    let at = rope.byte_to_char(text.find("current: ").unwrap() + "current: ".len());
    let mut cur = String::from(text["current: ".len() + text.find("current: ").unwrap()..].lines().next().unwrap());
    let other = if cur == "implementation" { "design" } else { "implementation" }.to_string();
    let (a, b) = (cur.clone(), other);
    let mut stats = EditStats::default();
    for _ in 0..ITER {
        let next = if cur == a { b.clone() } else { a.clone() };
        stats.push(ed.edit(state, &mut rope, at, cur.chars().count(), &next));
        cur = next;
    }
    stats.print(&format!("edit a state file ({state}): current: {a} <-> {b}"), ITER);
}

/// The same loop on a Spec Kit project (`PHASEGATE_BENCH_LAYOUT=speckit`): a task ticked and
/// unticked in a feature's `tasks.md` (its run's phase and the framework's task rules change),
/// typing in its `spec.md`, and a checklist item toggled.
fn edit_latency_speckit(root: &Path) {
    let (ws, _) = disk::load(root, &Filter::default());
    let published = ws.diagnostics();
    let mut ed = Editor { ws, published };
    const ITER: usize = 500;

    let toggle = |ed: &mut Editor, doc: &str, needle: &str, what: &str| {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        let mut rope = ropey::Rope::from_str(&text);
        let at = rope.byte_to_char(text.find(needle).unwrap_or_else(|| panic!("{needle} in {doc}")) + 3);
        let mut stats = EditStats::default();
        for i in 0..ITER {
            let mark = if i % 2 == 0 { "x" } else { " " };
            stats.push(ed.edit(doc, &mut rope, at, 1, mark));
        }
        stats.print(&format!("edit {doc} ({} B): {what}", text.len()), ITER);
    };
    toggle(&mut ed, "specs/0001-f0001/tasks.md", "- [ ] T", "tick and untick a task");

    let doc = "specs/0001-f0001/spec.md";
    let text = std::fs::read_to_string(root.join(doc)).unwrap();
    let mut rope = ropey::Rope::from_str(&text);
    let at = rope.byte_to_char(text.find("Notes for reviewers").unwrap());
    let mut stats = EditStats::default();
    for i in 0..ITER {
        let r = if i % 2 == 0 { ed.edit(doc, &mut rope, at, 0, "x") } else { ed.edit(doc, &mut rope, at, 1, "") };
        stats.push(r);
    }
    stats.print(&format!("edit {doc} ({} B): type/delete one character", text.len()), ITER);

    toggle(&mut ed, "specs/0002-f0002/checklists/requirements.md", "- [x] CHK003", "untick and tick a checklist item");
}

#[derive(Default)]
struct EditStats {
    total: Vec<Duration>,
    set_file: Vec<Duration>,
    diagnostics: Vec<Duration>,
    changed: Vec<usize>,
}

impl EditStats {
    fn push(&mut self, (total, set_file, diagnostics, changed): (Duration, Duration, Duration, usize)) {
        self.total.push(total);
        self.set_file.push(set_file);
        self.diagnostics.push(diagnostics);
        self.changed.push(changed);
    }

    fn print(&mut self, what: &str, iter: usize) {
        println!("-- {what}, {iter} edits in the 1,000-file workspace (rope edit + set_file + diagnostics + publish diff)");
        for (name, v) in
            [("total", &mut self.total), ("  rope + set_file", &mut self.set_file), ("  Workspace::diagnostics", &mut self.diagnostics)]
        {
            v.sort();
            println!("   {:<26} p50 {:>9}   p99 {:>9}   max {:>9}", name, ms(pct(v, 50.0)), ms(pct(v, 99.0)), ms(*v.last().unwrap()));
        }
        self.changed.sort();
        println!("   files whose diagnostics changed per edit: {}..{}", self.changed[0], self.changed.last().unwrap());
    }
}

/// Resident memory after `phasegate check`'s load + diagnostics, then with every file's editor
/// index (what the language server builds after its first diagnostics), measured in a fresh
/// process (this one has already allocated for the other measurements). With
/// `PHASEGATE_BENCH_MEMORY_KINDS=1`, also per kind of file: a fresh process loads only the files
/// of one name (digits ignored: `notes-3.md` and `notes-7.md` are one kind), so each kind's facts
/// and index can be set against its text.
fn memory(root: &Path) {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(&exe).env(MEMORY_CHILD, root).output().unwrap();
    print!("{}", String::from_utf8_lossy(&out.stdout));
    if !out.status.success() {
        println!("   memory child failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    if std::env::var_os("PHASEGATE_BENCH_MEMORY_KINDS").is_none() {
        return;
    }
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for path in list_files(root) {
        *kinds.entry(kind_of(&path)).or_default() += 1;
    }
    println!(
        "-- resident memory per kind of file (fresh process each: load the kind's files, diagnostics, editor index; MiB over the empty process)"
    );
    println!("   {:<24} {:>6} {:>9} {:>9} {:>9} {:>9} {:>12}", "kind", "files", "text", "loaded", "diags", "index", "index/text");
    for kind in kinds.keys() {
        let out = std::process::Command::new(&exe).env(MEMORY_CHILD, root).env(MEMORY_KIND, kind).output().unwrap();
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
}

/// Env var naming the one kind of file ([`kind_of`]) a memory child loads.
const MEMORY_KIND: &str = "PHASEGATE_BENCH_MEMORY_KIND";

/// A file's kind for the memory breakdown: its name with every run of digits as `N`.
fn kind_of(path: &Path) -> String {
    let name = path.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_digit() {
            if !out.ends_with('N') {
                out.push('N');
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn memory_child(root: &Path) {
    if let Ok(kind) = std::env::var(MEMORY_KIND) {
        memory_kind(root, &kind);
        return;
    }
    let before = proc_status();
    let (ws, _) = disk::load(root, &Filter::default());
    let after_load = proc_status();
    let diags = ws.diagnostics();
    let after = proc_status();
    ws.prepare_index();
    let after_index = proc_status();
    let text: u64 = ws.paths().filter_map(|p| ws.text(p)).map(|t| t.len() as u64).sum();
    let disk_bytes: u64 = list_files(root).iter().map(|p| std::fs::metadata(p).unwrap().len()).sum();
    let target = 4 * text + 40 * 1024 * 1024;
    let mib = |k: u64| k as f64 / 1024.0;
    println!("-- resident memory, fresh process: disk::load + diagnostics of {} files ({} with diagnostics)", ws.len(), diags.len());
    println!(
        "   text loaded (Markdown/YAML/JSON): {} B ({:.1} MiB); all files on disk: {:.1} MiB",
        text,
        text as f64 / 1048576.0,
        disk_bytes as f64 / 1048576.0
    );
    println!("   VmRSS at start      {:>8.1} MiB", mib(before.0));
    println!("   VmRSS after load    {:>8.1} MiB", mib(after_load.0));
    println!("   VmRSS after diags   {:>8.1} MiB", mib(after.0));
    println!("   VmHWM (peak)        {:>8.1} MiB", mib(after.1));
    println!(
        "   target 4 x text + 40 MiB = {:.1} MiB: peak {}",
        target as f64 / 1048576.0,
        if after.1 * 1024 < target { "under" } else { "OVER" }
    );
    println!(
        "   with every file's editor index (Workspace::prepare_index): VmRSS {:.1} MiB, {:.2}x the text",
        mib(after_index.0),
        after_index.0 as f64 * 1024.0 / text as f64
    );
    std::hint::black_box((&ws, &diags));
}

/// One line of the per-kind breakdown: the files of `kind` alone, read in the loader's threads.
fn memory_kind(root: &Path, kind: &str) {
    let paths: BTreeMap<String, PathBuf> =
        list_files(root).into_iter().filter(|p| kind_of(p) == kind).filter_map(|p| Some((disk::relative(root, &p)?, p))).collect();
    let start = proc_status().0;
    let mut ws = Workspace::new();
    let rels: Vec<String> = paths.keys().cloned().collect();
    ws.set_files_with(rels, |rel| disk::read_input(&paths[rel], rel).ok());
    let loaded = proc_status().0;
    let diags = ws.diagnostics();
    let diagnosed = proc_status().0;
    ws.prepare_index();
    let indexed = proc_status().0;
    let text: u64 = ws.paths().filter_map(|p| ws.text(p)).map(|t| t.len() as u64).sum();
    let mib = |k: u64| k.saturating_sub(start) as f64 / 1024.0;
    let text_mib = text as f64 / 1048576.0;
    println!(
        "   {:<24} {:>6} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>11.2}x",
        kind,
        ws.len(),
        text_mib,
        mib(loaded),
        mib(diagnosed),
        mib(indexed),
        (mib(indexed) - mib(diagnosed)) / text_mib.max(f64::MIN_POSITIVE)
    );
    std::hint::black_box((&ws, &diags));
}

/// (VmRSS, VmHWM) in KiB.
fn proc_status() -> (u64, u64) {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        s.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn summarize(d: &BTreeMap<String, Vec<Diagnostic>>) -> (usize, usize, usize) {
    let mut s = (0, 0, 0);
    for d in d.values().flatten() {
        match d.severity {
            Severity::Error => s.0 += 1,
            Severity::Warning => s.1 += 1,
            _ => s.2 += 1,
        }
    }
    s
}

fn binary() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_BIN_EXE_phasegate"));
    if p.exists() {
        return Some(p);
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/release/phasegate");
    p.exists().then_some(p)
}

/// `/proc/loadavg`'s three averages: other work on this machine skews every figure.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "unknown".into(), |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(16)
}

fn nproc() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1)).map(|m| m.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into())
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[v.len() / 2]
}

fn min(v: &[Duration]) -> Duration {
    *v.iter().min().unwrap()
}

fn max(v: &[Duration]) -> Duration {
    *v.iter().max().unwrap()
}

/// Nearest-rank percentile of a sorted list.
fn pct(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

// ---------------------------------------------------------------------------------------------
// Generator

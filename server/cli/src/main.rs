//! The `phasegate` binary: `check`, `status`, `advance`, `scaffold`, `start`, `lsp` and `mcp`,
//! all driving the same engine (`phasegate-engine`).

/// `println!` that never panics: a closed stdout (`phasegate check | head`) makes the rest of
/// the output go nowhere instead of aborting the process; the exit code is unchanged. Control
/// characters other than the line breaks of the text are escaped (`escape::human_lines`); values
/// that could hold a line break of their own (paths, messages) are escaped where they are
/// formatted (`escape::human`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), "{}", crate::escape::human_lines(&format!($($arg)*)));
    }};
}

/// `print!` that never panics (see `outln!`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), "{}", crate::escape::human_lines(&format!($($arg)*)));
    }};
}

/// `eprintln!` that never panics on a closed stderr (escaped as `outln!` is).
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), "{}", crate::escape::human_lines(&format!($($arg)*)));
    }};
}

mod escape;

mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use phasegate_engine::Workspace;
use phasegate_host::disk::Filter;
use phasegate_host::project::{self, Project};
use phasegate_host::write;

/// mimalloc (v2, transparent huge pages off) instead of glibc's allocator: loading allocates many
/// small strings and vectors on every core, where glibc's per-thread heaps grow page by page.
/// Measured in docs/benchmarks.md ("The allocator, the walk and the check's tail"): less CPU and
/// wall time for `check`, the same peak memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Checks workflow docs: phases, gates, deliverables, state machines, references.
#[derive(Parser, Debug)]
#[command(name = "phasegate", version, about, long_about = None)]
struct Cli {
    /// Run the language server on stdio (same as `phasegate lsp`).
    #[arg(long, global = false)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

#[derive(clap::Args, Debug)]
struct Settings {
    /// Set a diagnostic code's severity: CODE=error|warning|information|hint|off (repeatable).
    #[arg(long = "severity", value_name = "CODE=LEVEL")]
    severity: Vec<String>,
    /// Only index workspace-relative paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Leave out workspace-relative paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
}

/// What the commands that change files share.
#[derive(clap::Args, Debug)]
struct WriteArgs {
    /// Show the change as a diff; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// A folder of the project to work on (its project root is found as docs/projects.md says);
    /// nothing is written outside that project root.
    #[arg(long, short = 'C', default_value = ".")]
    root: PathBuf,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Report diagnostics; exit 1 if any is an error.
    Check {
        /// Files or folders to check, each within its project (docs/projects.md).
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Exit 1 when no workflow document, state file or framework is recognised (a CI job
        /// pointed at the wrong folder fails instead of passing).
        #[arg(long)]
        require_workflows: bool,
        #[command(flatten)]
        settings: Settings,
    },
    /// Show each workflow, its current phase, the next one and its gates.
    Status {
        /// A folder (every project in it) or a file (its project).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output format (json: the status object of docs/lsp.md).
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        #[command(flatten)]
        settings: Settings,
    },
    /// Advance a workflow's run to its next phase when the current phase's gate is met.
    Advance {
        /// Workflow name (see `phasegate status`).
        workflow: String,
        /// The state file to advance, when several run the workflow.
        #[arg(long)]
        state: Option<String>,
        /// Target state, when a state machine allows several.
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Create the missing deliverables of the current (or given) phase, never overwriting.
    Scaffold {
        /// Workflow name.
        workflow: String,
        /// Phase id, title or number (default: the run's current phase, or the next one).
        #[arg(long)]
        phase: Option<String>,
        /// The state file to use, when several run the workflow.
        #[arg(long)]
        state: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Create a state file for a workflow that has none.
    Start {
        /// Workflow name.
        workflow: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Print workflows as a graph: phases or states, gates on the edges, the run's position,
    /// unmet gates and missing deliverables marked.
    Graph {
        /// Only this workflow (its name as `phasegate status` prints it); default: every one.
        workflow: Option<String>,
        /// Only the run in this state file (project-relative).
        #[arg(long)]
        state: Option<String>,
        /// Output format: Mermaid (a flowchart to paste into Markdown), Graphviz DOT, or the
        /// graph model as JSON.
        #[arg(long, value_enum, default_value = "mermaid")]
        format: GraphFormat,
        /// A folder of the project to draw (its project root is found as docs/projects.md says).
        #[arg(long, short = 'C', default_value = ".")]
        root: PathBuf,
        #[command(flatten)]
        settings: Settings,
    },
    /// Run the Model Context Protocol server on stdio, for coding agents (docs/mcp.md).
    Mcp {
        /// The folder the server works in: its tools' paths are relative to it and nothing
        /// outside it is read or written.
        #[arg(long, short = 'C', default_value = ".")]
        root: PathBuf,
    },
    /// Run the language server on stdio.
    Lsp {
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

/// A failure that exits 2 (usage or IO).
struct Fatal(String);

impl Settings {
    fn filter(&self) -> Filter {
        Filter { include: self.include.clone(), exclude: self.exclude.clone() }
    }

    /// Applies `--severity` to a project's workspace (over its `phasegate.toml`).
    fn apply(&self, ws: &mut Workspace) -> Result<(), Fatal> {
        for s in &self.severity {
            let (code, level) = s.split_once('=').ok_or_else(|| Fatal(format!("--severity expects CODE=LEVEL, got `{s}`")))?;
            if phasegate_engine::Code::parse(code).is_none() {
                return Err(Fatal(format!("unknown diagnostic code `{code}` (see docs/diagnostics.md)")));
            }
            let level = phasegate_engine::config::parse_level(level)
                .ok_or_else(|| Fatal(format!("unknown severity `{level}`: use error, warning, information, hint or off")))?;
            ws.config.severity.insert(code.to_string(), level);
        }
        Ok(())
    }
}

fn exists(path: &Path) -> Result<(), Fatal> {
    if path.exists() { Ok(()) } else { Err(Fatal(format!("{}: no such file or folder", path.display()))) }
}

fn warn_all(errors: Vec<String>) {
    for e in errors {
        errln!("phasegate: warning: {}", escape::human(&e));
    }
}

/// The one project `-C` names (nested projects left out), with the settings applied.
fn load_project(folder: &Path, settings: &Settings) -> Result<Project, Fatal> {
    exists(folder)?;
    let root = project::root_for(folder);
    let (mut p, errors) = project::load_one(&root, &settings.filter());
    warn_all(errors);
    settings.apply(&mut p.ws)?;
    Ok(p)
}

/// The projects `paths` touch, each loaded once with what to report of it
/// ([`project::load_scoped`]), with the settings applied.
fn load_scoped(paths: &[PathBuf], settings: &Settings) -> Result<Vec<project::Scoped>, Fatal> {
    let (mut scoped, warnings) = project::load_scoped(paths, &settings.filter()).map_err(Fatal)?;
    warn_all(warnings);
    for (project, _) in &mut scoped {
        settings.apply(&mut project.ws)?;
    }
    Ok(scoped)
}

fn run(cli: Cli) -> Result<ExitCode, Fatal> {
    let command = match (cli.stdio, cli.command) {
        (true, _) => Command::Lsp { stdio: true },
        (false, Some(c)) => c,
        (false, None) => return Err(Fatal("no command given; try `phasegate check` or `phasegate --help`".into())),
    };
    match command {
        Command::Check { paths, format, require_workflows, settings } => {
            let reports: Vec<output::Report> =
                load_scoped(&paths, &settings)?.into_iter().map(|(project, only)| output::Report::new(project, only)).collect();
            let summary = output::print_check(&reports, format);
            // The process ends here: let the OS reclaim the workspaces instead of freeing them
            // file by file (a measurable share of a large check).
            std::mem::forget(reports);
            Ok(if summary.any_error || (require_workflows && summary.recognised == 0) { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Status { path, format, settings } => {
            let reports: Vec<output::Report> = load_scoped(std::slice::from_ref(&path), &settings)?
                .into_iter()
                .map(|(project, only)| output::Report::new(project, only))
                .collect();
            output::print_status(&reports, format);
            Ok(ExitCode::SUCCESS)
        }
        Command::Advance { workflow, state, to, write } => {
            let project = load_project(&write.root, &write.settings)?;
            let result = project.ws.advance(&workflow, state.as_deref(), to.as_deref(), &phasegate_host::now());
            finish(&write, &project, result, &format!("advanced `{workflow}`"))
        }
        Command::Scaffold { workflow, phase, state, write } => {
            let project = load_project(&write.root, &write.settings)?;
            let result = project.ws.scaffold(&workflow, state.as_deref(), phase.as_deref(), &phasegate_host::now());
            finish(&write, &project, result, &format!("scaffolded `{workflow}`"))
        }
        Command::Start { workflow, write } => {
            let project = load_project(&write.root, &write.settings)?;
            let result = project.ws.start(&workflow);
            finish(&write, &project, result, &format!("started `{workflow}`"))
        }
        Command::Graph { workflow, state, format, root, settings } => {
            let project = load_project(&root, &settings)?;
            let all = project.ws.graphs();
            let known: Vec<String> = all.iter().map(|g| g.name.clone()).collect();
            let key = |n: &str| phasegate_engine::model::slug(n);
            let graphs: Vec<_> = all
                .into_iter()
                .filter(|g| workflow.as_deref().is_none_or(|w| key(w) == key(&g.name)))
                .filter(|g| state.as_deref().is_none_or(|s| g.state_path.as_deref() == Some(s)))
                .collect();
            if graphs.is_empty() && (workflow.is_some() || state.is_some()) {
                let mut known = known;
                known.sort();
                known.dedup();
                let what = match (&workflow, &state) {
                    (Some(w), Some(s)) => format!("no run of workflow `{w}` in `{s}`"),
                    (Some(w), None) => format!("no workflow named `{w}`"),
                    (None, Some(s)) => format!("no run in `{s}`"),
                    (None, None) => String::new(),
                };
                errln!(
                    "phasegate: error: {}; known workflows: {}",
                    escape::human(&what),
                    escape::human(&if known.is_empty() { "none".to_string() } else { known.join(", ") })
                );
                return Ok(ExitCode::from(1));
            }
            match format {
                GraphFormat::Mermaid => out!("{}", phasegate_engine::graph::to_mermaid(&graphs)),
                GraphFormat::Dot => out!("{}", phasegate_engine::graph::to_dot(&graphs)),
                GraphFormat::Json => outln!("{}", escape::json(&serde_json::json!({ "graphs": graphs }))),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Mcp { root } => {
            phasegate_mcp::run_stdio(&root).map_err(Fatal)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lsp { .. } => {
            phasegate_lsp::run_stdio();
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes (or, with `dry_run`, shows) a change. A refusal, by the engine or by the safety check
/// of every target (run by `--dry-run` too), exits 1 with its explanation; an IO failure exits 2.
fn finish(
    args: &WriteArgs,
    project: &Project,
    result: Result<phasegate_engine::WorkspaceChange, phasegate_engine::Refusal>,
    done: &str,
) -> Result<ExitCode, Fatal> {
    let refused = |message: &str| {
        errln!("phasegate: refused: {}", escape::human(message));
        Ok(ExitCode::from(1))
    };
    let change = match result {
        Ok(c) => c,
        Err(refusal) => {
            // One line per unmet criterion; each value escaped on its own line.
            // One line per unmet criterion (at most `Refusal`'s display count); each value
            // escaped on its own line.
            let shown = refusal.to_string();
            let mut lines = shown.split('\n');
            errln!("phasegate: refused: {}", escape::human(lines.next().unwrap_or("")));
            for line in lines {
                errln!("{}", escape::human(line));
            }
            return Ok(ExitCode::from(1));
        }
    };
    let plan = match write::plan(&project.root, &project.ws, &change) {
        Ok(plan) => plan,
        Err(write::Failure::Refused(message)) => return refused(&message),
        Err(write::Failure::Io(message)) => return Err(Fatal(message)),
    };
    if args.dry_run {
        out!("{}", write::diff(&project.ws, &change));
        return Ok(ExitCode::SUCCESS);
    }
    let (written, result) = write::commit(&project.root, plan);
    for path in written {
        outln!("wrote {}", escape::human(&path));
    }
    match result {
        Ok(()) => {
            outln!("phasegate: {}", escape::human(if change.summary.is_empty() { done } else { &change.summary }));
            Ok(ExitCode::SUCCESS)
        }
        Err(write::Failure::Refused(message)) => refused(&message),
        Err(write::Failure::Io(message)) => Err(Fatal(message)),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Fatal(message)) => {
            errln!("phasegate: error: {}", escape::human(&message));
            ExitCode::from(2)
        }
    }
}

//! The `phasegate` binary: `check`, `status`, `advance`, `scaffold` and `lsp`, all driving the
//! same engine (`phasegate-engine`).

/// `println!` that never panics: a closed stdout (`phasegate check | head`) makes the rest of
/// the output go nowhere instead of aborting the process; the exit code is unchanged.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` that never panics (see `outln!`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `eprintln!` that never panics on a closed stderr.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod output;
mod write;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use phasegate_engine::{Severity, Workspace};
use phasegate_host::disk::{self, Filter};

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
    /// Workspace root: nothing is written outside it.
    #[arg(long, short = 'C', default_value = ".")]
    root: PathBuf,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Report diagnostics; exit 1 if any is an error.
    Check {
        /// Folders (each checked as a workspace root) or files (checked within their repository).
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        #[command(flatten)]
        settings: Settings,
    },
    /// Show each workflow, its current phase, the next one and its gates.
    Status {
        /// Workspace root.
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
    /// Run the language server on stdio.
    Lsp {
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

/// A failure that exits 2 (usage or IO).
struct Fatal(String);

fn load(root: &Path, settings: &Settings) -> Result<Workspace, Fatal> {
    if !root.exists() {
        return Err(Fatal(format!("{}: no such file or folder", root.display())));
    }
    let filter = Filter { include: settings.include.clone(), exclude: settings.exclude.clone() };
    let (mut ws, errors) = disk::load(root, &filter);
    for e in errors {
        errln!("phasegate: warning: {e}");
    }
    for s in &settings.severity {
        let (code, level) = s.split_once('=').ok_or_else(|| Fatal(format!("--severity expects CODE=LEVEL, got `{s}`")))?;
        if phasegate_engine::Code::parse(code).is_none() {
            return Err(Fatal(format!("unknown diagnostic code `{code}` (see docs/diagnostics.md)")));
        }
        let level = match level {
            "off" | "none" => None,
            l => Some(
                Severity::parse(l).ok_or_else(|| Fatal(format!("unknown severity `{l}`: use error, warning, information, hint or off")))?,
            ),
        };
        ws.config.severity.insert(code.to_string(), level);
    }
    Ok(ws)
}

fn run(cli: Cli) -> Result<ExitCode, Fatal> {
    let command = match (cli.stdio, cli.command) {
        (true, _) => Command::Lsp { stdio: true },
        (false, Some(c)) => c,
        (false, None) => return Err(Fatal("no command given; try `phasegate check` or `phasegate --help`".into())),
    };
    match command {
        Command::Check { paths, format, settings } => {
            let mut reports = Vec::new();
            for p in &paths {
                if !p.exists() {
                    return Err(Fatal(format!("{}: no such file or folder", p.display())));
                }
                let root = disk::root_for(p);
                let ws = load(&root, &settings)?;
                let only = if p.is_dir() {
                    None
                } else {
                    let abs = std::path::absolute(p).map_err(|e| Fatal(e.to_string()))?;
                    let root_abs = std::path::absolute(&root).map_err(|e| Fatal(e.to_string()))?;
                    Some(disk::relative(&root_abs, &abs).ok_or_else(|| Fatal(format!("{}: cannot be read", p.display())))?)
                };
                let shown_as = (!p.is_dir()).then(|| p.to_string_lossy().replace('\\', "/"));
                reports.push(output::Report { root: root.clone(), ws, only, shown_as });
            }
            let any_error = output::print_check(&reports, format);
            // The process ends here: let the OS reclaim the workspace instead of freeing it file
            // by file (a measurable share of a large check).
            std::mem::forget(reports);
            Ok(if any_error { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Status { path, format, settings } => {
            let root = disk::root_for(&path);
            let ws = load(&root, &settings)?;
            output::print_status(&ws.status(), format);
            Ok(ExitCode::SUCCESS)
        }
        Command::Advance { workflow, state, to, write } => {
            let ws = load(&write.root, &write.settings)?;
            let result = ws.advance(&workflow, state.as_deref(), to.as_deref(), &phasegate_host::now());
            finish(&write, &ws, result, &format!("advanced `{workflow}`"))
        }
        Command::Scaffold { workflow, phase, state, write } => {
            let ws = load(&write.root, &write.settings)?;
            let result = ws.scaffold(&workflow, state.as_deref(), phase.as_deref());
            finish(&write, &ws, result, &format!("scaffolded `{workflow}`"))
        }
        Command::Start { workflow, write } => {
            let ws = load(&write.root, &write.settings)?;
            let result = ws.start(&workflow);
            finish(&write, &ws, result, &format!("started `{workflow}`"))
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
    ws: &Workspace,
    result: Result<phasegate_engine::WorkspaceChange, phasegate_engine::Refusal>,
    done: &str,
) -> Result<ExitCode, Fatal> {
    let refused = |message: &dyn std::fmt::Display| {
        errln!("phasegate: refused: {message}");
        Ok(ExitCode::from(1))
    };
    let change = match result {
        Ok(c) => c,
        Err(refusal) => return refused(&refusal),
    };
    let plan = match write::plan(&args.root, ws, &change) {
        Ok(plan) => plan,
        Err(write::Failure::Refused(message)) => return refused(&message),
        Err(write::Failure::Io(message)) => return Err(Fatal(message)),
    };
    if args.dry_run {
        out!("{}", write::diff(ws, &change));
        return Ok(ExitCode::SUCCESS);
    }
    let (written, result) = write::commit(&args.root, plan);
    for path in written {
        outln!("wrote {path}");
    }
    match result {
        Ok(()) => {
            outln!("phasegate: {done}");
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
            errln!("phasegate: error: {message}");
            ExitCode::from(2)
        }
    }
}

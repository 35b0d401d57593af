//! The resources: the workflow definitions phasegate understands, for an agent to read.
//!
//! - `phasegate://builtin/<id>.workflow.yaml`: a framework's built-in definition (the YAML
//!   embedded in the binary, docs/frameworks/).
//! - `phasegate://workflows/<name>` (and `?project=<path>` for a project nested in the server's
//!   folder): one of the projects' workflows as phasegate understood it, as JSON: the graph model
//!   of `phasegate graph --format json` (phases with their deliverables and gates, states and
//!   transitions, where each run stands).

use std::path::Path;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use phasegate_host::disk::Filter;
use phasegate_host::project;
use rmcp::model::{ReadResourceResult, Resource, ResourceContents, ResourceTemplate};

const BUILTIN: &str = "phasegate://builtin/";
const WORKFLOWS: &str = "phasegate://workflows/";

/// What is written as is in a URI segment; everything else is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
/// The same, with `/` kept (a project path).
const PATH: &AsciiSet = &SEGMENT.remove(b'/');

fn workflow_uri(project: &str, name: &str) -> String {
    let name = utf8_percent_encode(name, SEGMENT);
    if project == "." { format!("{WORKFLOWS}{name}") } else { format!("{WORKFLOWS}{name}?project={}", utf8_percent_encode(project, PATH)) }
}

/// Every resource: the built-in definitions, then each workflow of the projects in `root`.
pub(crate) fn list(root: &Path) -> Vec<Resource> {
    let mut out = Vec::new();
    for f in phasegate_engine::frameworks::FRAMEWORKS {
        let Some(text) = f.definition else { continue };
        out.push(
            Resource::new(format!("{BUILTIN}{}.workflow.yaml", f.id), format!("{} built-in definition", f.name))
                .with_description(format!(
                    "The workflow phasegate applies to each {} feature folder where the framework is on, unless the project defines its own with `framework: {}` (docs/frameworks/).",
                    f.name, f.id
                ))
                .with_mime_type("application/yaml")
                .with_size(text.len() as u64),
        );
    }
    let (projects, _) = project::load_all(root, &Filter::default());
    for p in &projects {
        let label = crate::convert::shown(root, &p.root);
        let mut names: Vec<(String, String)> = Vec::new();
        for g in p.ws.graphs() {
            if !names.iter().any(|(n, _)| *n == g.name) {
                names.push((g.name.clone(), g.path.clone()));
            }
        }
        for (name, path) in names {
            out.push(
                Resource::new(workflow_uri(&label, &name), format!("workflow {name}"))
                    .with_description(format!(
                        "Workflow `{name}` ({path}, project {label}) as phasegate understands it: phases, deliverables, gates, states, where each run stands (JSON)."
                    ))
                    .with_mime_type("application/json"),
            );
        }
    }
    out
}

/// The resource templates: a workflow by name.
pub(crate) fn templates() -> Vec<ResourceTemplate> {
    vec![
        ResourceTemplate::new(format!("{WORKFLOWS}{{name}}"), "workflow")
            .with_description("A workflow of the server's folder as phasegate understands it (JSON); `?project=PATH` for a nested project.")
            .with_mime_type("application/json"),
    ]
}

/// The resource at `uri`, or why there is none.
pub(crate) fn read(root: &Path, uri: &str) -> Result<ReadResourceResult, String> {
    if let Some(name) = uri.strip_prefix(BUILTIN).and_then(|n| n.strip_suffix(".workflow.yaml"))
        && let Some(text) = phasegate_engine::frameworks::by_id(name).and_then(|f| f.definition)
    {
        return Ok(ReadResourceResult::new(vec![ResourceContents::text(text, uri).with_mime_type("application/yaml")]));
    }
    if let Some(rest) = uri.strip_prefix(WORKFLOWS) {
        let (name, project) = match rest.split_once("?project=") {
            Some((n, p)) => (n, percent_decode_str(p).decode_utf8_lossy().into_owned()),
            None => (rest, ".".to_string()),
        };
        let name = percent_decode_str(name).decode_utf8_lossy().into_owned();
        let folder = root.join(&project);
        let real = std::fs::canonicalize(&folder).map_err(|e| format!("`{project}`: {e}"))?;
        if !real.starts_with(root) {
            return Err(format!("`{project}` is outside the folder the server works in"));
        }
        let (p, _) = project::load_one(&real, &Filter::default());
        let key = phasegate_engine::model::slug(&name);
        let graphs: Vec<_> = p.ws.graphs().into_iter().filter(|g| phasegate_engine::model::slug(&g.name) == key).collect();
        if graphs.is_empty() {
            return Err(format!("no workflow `{name}` in project `{project}`; `resources/list` lists them"));
        }
        let text = serde_json::to_string_pretty(&serde_json::json!({ "graphs": graphs })).map_err(|e| e.to_string())?;
        return Ok(ReadResourceResult::new(vec![ResourceContents::text(text, uri).with_mime_type("application/json")]));
    }
    Err(format!("no resource `{uri}`; `resources/list` lists them"))
}

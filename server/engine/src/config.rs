//! `phasegate.toml`: a project's own settings, and the file that marks a folder as a project
//! (docs/projects.md). Parsed by the engine so the CLI and the server read it the same way and a
//! mistake in it becomes an `invalid-config` diagnostic on the file.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostics::{Code, Severity};
use crate::text::TextRange;

/// The file name of a project's settings, at the project root.
pub const CONFIG_FILE: &str = "phasegate.toml";

/// A project's settings as `phasegate.toml` gives them. Every key is optional.
///
/// ```toml
/// include = ["docs/**", "specs/**"]   # project-relative globs: only these files are indexed
/// exclude = ["vendor/**"]             # project-relative globs left out
///
/// [severity]                           # a code's severity: error, warning, information, hint, off
/// missing-deliverable = "warning"
///
/// [frameworks]                         # a built-in framework switched off (on where its marker is)
/// speckit = false
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectConfig {
    /// Project-relative globs of the files to index; every file when empty.
    pub include: Vec<String>,
    /// Project-relative globs of files left out.
    pub exclude: Vec<String>,
    /// Severity per diagnostic code; `None` turns the code off.
    pub severity: BTreeMap<String, Option<Severity>>,
    /// Frameworks switched on (`true`) or off (`false`) by id (`speckit`, `kiro`, ...).
    pub frameworks: BTreeMap<String, bool>,
}

/// A problem in `phasegate.toml`, at a byte range of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Where (bytes of the file's text).
    pub range: TextRange,
    /// What is wrong.
    pub message: String,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct Raw {
    include: Vec<String>,
    exclude: Vec<String>,
    severity: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    frameworks: BTreeMap<toml::Spanned<String>, bool>,
}

/// Parses the text of `phasegate.toml`. A file that does not parse (or has an unknown key, or a
/// value of the wrong type) gives the default settings and one problem; an unknown code, severity
/// or framework is left out with a problem each, and the rest applies.
pub fn parse(text: &str) -> (ProjectConfig, Vec<ConfigProblem>) {
    let raw: Raw = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let range = e.span().map_or(TextRange::empty(0), |s| TextRange::new(s.start, s.end));
            let message = format!("{}; the file's settings are ignored", e.message().trim_end());
            return (ProjectConfig::default(), vec![ConfigProblem { range, message }]);
        }
    };
    let mut problems = Vec::new();
    let mut config = ProjectConfig { include: raw.include, exclude: raw.exclude, ..ProjectConfig::default() };
    let span = |s: std::ops::Range<usize>| TextRange::new(s.start, s.end);
    for (code, level) in raw.severity {
        if Code::parse(code.get_ref()).is_none() {
            problems.push(ConfigProblem {
                range: span(code.span()),
                message: format!("unknown diagnostic code `{}` (docs/diagnostics.md lists them)", code.get_ref()),
            });
            continue;
        }
        match parse_level(level.get_ref()) {
            Some(l) => {
                config.severity.insert(code.into_inner(), l);
            }
            None => problems.push(ConfigProblem {
                range: span(level.span()),
                message: format!("unknown severity `{}`: use error, warning, information, hint or off", level.get_ref()),
            }),
        }
    }
    for (id, on) in raw.frameworks {
        if crate::frameworks::by_id(id.get_ref()).is_none() {
            let known: Vec<&str> = crate::frameworks::FRAMEWORKS.iter().map(|f| f.id).collect();
            problems.push(ConfigProblem {
                range: span(id.span()),
                message: format!("unknown framework `{}` (known: {})", id.get_ref(), known.join(", ")),
            });
            continue;
        }
        config.frameworks.insert(id.into_inner(), on);
    }
    problems.sort_by_key(|p| p.range);
    (config, problems)
}

/// A severity setting: a [`Severity`] word, or `off`/`none` (`Some(None)`); `None` when unknown.
pub fn parse_level(level: &str) -> Option<Option<Severity>> {
    match level.trim().to_ascii_lowercase().as_str() {
        "off" | "none" => Some(None),
        l => Severity::parse(l).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let (c, problems) = parse(
            "include = [\"docs/**\"]\nexclude = [\"vendor/**\"]\n[severity]\nmissing-deliverable = \"warning\"\nmerge-conflict = \"off\"\n[frameworks]\nspeckit = false\n",
        );
        assert_eq!(problems, vec![]);
        assert_eq!(c.include, vec!["docs/**"]);
        assert_eq!(c.exclude, vec!["vendor/**"]);
        assert_eq!(c.severity.get("missing-deliverable"), Some(&Some(Severity::Warning)));
        assert_eq!(c.severity.get("merge-conflict"), Some(&None));
        assert_eq!(c.frameworks.get("speckit"), Some(&false));
    }

    #[test]
    fn problems_point_at_their_place() {
        let text = "[severity]\nmissing-deliverabel = \"warning\"\ngate-unmet = \"loud\"\n[frameworks]\nspekit = false\n";
        let (c, problems) = parse(text);
        let shown: Vec<(&str, &str)> = problems.iter().map(|p| (&text[p.range.start..p.range.end], p.message.as_str())).collect();
        assert_eq!(shown[0].0, "missing-deliverabel");
        assert_eq!(shown[1].0, "\"loud\"");
        assert!(shown[2].1.starts_with("unknown framework `spekit`"), "{}", shown[2].1);
        assert!(c.severity.is_empty());

        let text = "exclude = \"vendor\"\n";
        let (c, problems) = parse(text);
        assert_eq!(c, ProjectConfig::default());
        assert_eq!(&text[problems[0].range.start..problems[0].range.end], "\"vendor\"");
        let (_, problems) = parse("colour = 1\n");
        assert!(problems[0].message.contains("unknown field `colour`"), "{}", problems[0].message);
        let (_, problems) = parse("include = [\n");
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn the_workspace_applies_its_phasegate_toml() {
        use crate::diagnostics::fixture::{check, workspace};
        let doc = "//- a.md\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> b\n";
        assert!(check(doc, &[]).contains("error[merge-conflict]"));
        let with = format!("{doc}//- phasegate.toml\n[severity]\nmerge-conflict = \"warning\"\n");
        assert!(check(&with, &[]).contains("warning[merge-conflict]"));
        // The host's settings win over the file's.
        let mut ws = workspace(&with);
        ws.config.severity.insert("merge-conflict".into(), None);
        assert_eq!(crate::diagnostics::fixture::render(&ws, &[]), "");
        // A broken file is reported and changes nothing.
        let broken = format!("{doc}//- phasegate.toml\n[severity\n");
        let out = check(&broken, &[]);
        assert!(out.contains("error[merge-conflict]") && out.contains("phasegate.toml:1:"), "{out}");
        assert!(out.contains("error[invalid-config]"), "{out}");
    }

    #[test]
    fn frameworks_follow_markers_and_settings() {
        use crate::diagnostics::fixture::workspace;
        let ids = |ws: &crate::Workspace| ws.frameworks().iter().map(|f| f.id).collect::<Vec<_>>().join(",");
        let ws = workspace("//- .specify/memory/constitution.md\n# C\n//- openspec/specs/a/spec.md\n# A\n//- docs/.kiro.md\nx\n");
        assert_eq!(ids(&ws), "speckit,openspec");
        let ws = workspace("//- .specify/memory/constitution.md\n# C\n//- phasegate.toml\n[frameworks]\nspeckit = false\nkiro = true\n");
        assert_eq!(ids(&ws), "kiro");
    }
}

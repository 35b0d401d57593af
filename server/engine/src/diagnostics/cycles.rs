//! Diagnostic: `dependency-cycle`.

use crate::diagnostics::{Code, Diagnostic, Doc, Severity};
use crate::facts::FileFacts;
use crate::text::TextRange;

pub(crate) const DOC: Doc = Doc {
    code: Code::DependencyCycle,
    severity: Severity::Error,
    when: "Phases (a definition's or plan's `depends_on`, seed 003) or tasks (a tasks file's `depends_on`) depend on each other in a cycle, so no order can run them. Each cycle is reported once, on the first of its members in the file.",
    fix: "Remove one of the dependencies the message lists.",
};

/// Finds each cycle of `edges` (node → nodes it depends on) once, as node lists in walk order.
fn cycles(n: usize, edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    // Iterative DFS with colours; a back edge closes a cycle.
    let mut colour = vec![0u8; n];
    let mut found: Vec<Vec<usize>> = Vec::new();
    for start in 0..n {
        if colour[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        colour[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&dep) = edges[node].get(*next) {
                *next += 1;
                match colour[dep] {
                    0 => {
                        colour[dep] = 1;
                        stack.push((dep, 0));
                    }
                    1 => {
                        let at = stack.iter().position(|(x, _)| *x == dep).unwrap_or(0);
                        let mut cycle: Vec<usize> = stack[at..].iter().map(|(x, _)| *x).collect();
                        let min = cycle.iter().enumerate().min_by_key(|(_, x)| **x).map_or(0, |(i, _)| i);
                        cycle.rotate_left(min);
                        if !found.contains(&cycle) {
                            found.push(cycle);
                        }
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }
    found
}

fn report(out: &mut Vec<Diagnostic>, path: &str, what: &str, names: &[(&str, TextRange)], edges: &[Vec<usize>]) {
    for cycle in cycles(names.len(), edges) {
        let mut chain: Vec<&str> = cycle.iter().map(|i| names[*i].0).collect();
        chain.push(names[cycle[0]].0);
        out.push(Diagnostic::new(
            Code::DependencyCycle,
            Severity::Error,
            path,
            names[cycle[0]].1,
            format!("{what} depend on each other in a cycle: {}", chain.join(" → ")),
        ));
    }
}

/// Per file: phases and tasks only depend on those of their own file.
pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    for wf in &file.workflows {
        let phases = &wf.phases;
        if phases.iter().all(|p| p.depends_on.is_empty()) {
            continue;
        }
        let names: Vec<(&str, TextRange)> = phases.iter().map(|p| (p.id.as_str(), p.range)).collect();
        let edges: Vec<Vec<usize>> = phases.iter().map(|p| p.depends_on.iter().filter_map(|d| wf.phase_index(&d.name)).collect()).collect();
        report(out, &file.path, "phases", &names, &edges);
    }
    if file.tasks.iter().any(|t| !t.depends_on.is_empty()) {
        let names: Vec<(&str, TextRange)> = file.tasks.iter().map(|t| (t.id.name.as_str(), t.id.range)).collect();
        let edges: Vec<Vec<usize>> = file
            .tasks
            .iter()
            .map(|t| t.depends_on.iter().filter_map(|d| file.tasks.iter().position(|x| x.id.name == d.name)).collect())
            .collect();
        report(out, &file.path, "tasks", &names, &edges);
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    #[test]
    fn phase_and_task_cycles_are_reported_once() {
        let spec = "//- plan.json\n{\"workflow_id\": \"p\", \"phases\": [{\"name\": \"a\", \"depends_on\": [\"c\"]}, {\"name\": \"b\", \"depends_on\": [\"a\"]}, {\"name\": \"c\", \"depends_on\": [\"b\"]}, {\"name\": \"d\", \"depends_on\": [\"d\"]}]}\n//- tasks.md\n- T1: a\n  - depends_on: T2\n- T2: b\n  - depends_on: T1\n";
        expect![[r#"
            plan.json:1:42: error[dependency-cycle]: phases depend on each other in a cycle: a → c → b → a
            plan.json:1:150: error[dependency-cycle]: phases depend on each other in a cycle: d → d
            tasks.md:1:3: error[dependency-cycle]: tasks depend on each other in a cycle: T1 → T2 → T1
        "#]]
        .assert_eq(&check(spec, &["dependency-cycle"]));
    }

    #[test]
    fn near_miss_a_diamond_is_no_cycle() {
        let spec = "//- plan.yaml\nworkflow_id: p\nphases:\n  - name: a\n  - {name: b, depends_on: [a]}\n  - {name: c, depends_on: [a]}\n  - {name: d, depends_on: [b, c]}\n";
        assert_eq!(check(spec, &[]), "");
    }
}

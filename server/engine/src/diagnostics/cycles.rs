//! Diagnostic: `dependency-cycle`.

use crate::diagnostics::{Code, Diagnostic, Doc, MAX_PER_CODE, Severity, listing};
use crate::facts::FileFacts;
use crate::text::TextRange;

pub(crate) const DOC: Doc = Doc {
    code: Code::DependencyCycle,
    severity: Severity::Error,
    when: "Phases (a definition's or plan's `depends_on`, seed 003) or tasks (a tasks file's `depends_on`) depend on each other in a cycle, so no order can run them. Each cycle is reported once, on the first of its members in the file. Tasks a framework reads (`.ops/build`'s, which may depend on other features' tasks) are checked by its own rule (`ops-build-dependency-cycle`).",
    fix: "Remove one of the dependencies the message lists.",
};

/// Finds the cycles of `edges` (node → nodes it depends on), each once, as node lists in walk
/// order, rotated to start at their smallest node: the first [`MAX_PER_CODE`] of them, and how
/// many more there are with the first node of the first one left out. Linear in nodes and edges
/// plus the length of the cycles returned: each back edge of the depth-first walk closes one
/// cycle, found through the node's position on the stack.
pub(crate) fn cycles(n: usize, edges: &[Vec<usize>]) -> (Vec<Vec<usize>>, usize, Option<usize>) {
    // Iterative DFS with colours; a back edge closes a cycle.
    let mut colour = vec![0u8; n];
    let mut on_stack = vec![usize::MAX; n];
    let mut found: Vec<Vec<usize>> = Vec::new();
    let mut more = 0;
    let mut first_left_out = None;
    for start in 0..n {
        if colour[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        colour[start] = 1;
        on_stack[start] = 0;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&dep) = edges[node].get(*next) {
                *next += 1;
                match colour[dep] {
                    0 => {
                        colour[dep] = 1;
                        on_stack[dep] = stack.len();
                        stack.push((dep, 0));
                    }
                    1 if found.len() < MAX_PER_CODE => {
                        let mut cycle: Vec<usize> = stack[on_stack[dep]..].iter().map(|(x, _)| *x).collect();
                        let min = cycle.iter().enumerate().min_by_key(|(_, x)| **x).map_or(0, |(i, _)| i);
                        cycle.rotate_left(min);
                        // Each back edge closes a different cycle: no duplicates to remove.
                        found.push(cycle);
                    }
                    1 => {
                        more += 1;
                        first_left_out.get_or_insert(dep);
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                on_stack[node] = usize::MAX;
                stack.pop();
            }
        }
    }
    (found, more, first_left_out)
}

fn report(out: &mut Vec<Diagnostic>, path: &str, what: &str, names: &[(&str, TextRange)], edges: &[Vec<usize>]) {
    let (found, more, first_left_out) = cycles(names.len(), edges);
    for cycle in found {
        // A long cycle is shown by its first members.
        let chain = listing(cycle.iter().map(|i| names[*i].0), " → ");
        out.push(Diagnostic::new(
            Code::DependencyCycle,
            Severity::Error,
            path,
            names[cycle[0]].1,
            format!("{what} depend on each other in a cycle: {chain} → {}", names[cycle[0]].0),
        ));
    }
    if let Some(at) = first_left_out {
        // Counted, not listed: the cap's summary says how many (`diagnostics::cap`).
        let mut summary = Diagnostic::new(Code::DependencyCycle, Severity::Error, path, names[at].1, String::new());
        summary.omitted = more;
        out.push(summary);
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
    // A framework's tasks may depend on tasks of other files: its own rules check them.
    if file.tasks_framework.is_none() && file.tasks.iter().any(|t| !t.depends_on.is_empty()) {
        let names: Vec<(&str, TextRange)> = file.tasks.iter().map(|t| (t.id.name.as_str(), t.id.range)).collect();
        // The first task of each id, as a scan would find it.
        let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, t) in file.tasks.iter().enumerate() {
            index.entry(t.id.name.as_str()).or_insert(i);
        }
        let edges: Vec<Vec<usize>> =
            file.tasks.iter().map(|t| t.depends_on.iter().filter_map(|d| index.get(d.name.as_str()).copied()).collect()).collect();
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
    fn many_cycles_are_capped_and_counted_long_ones_shortened() {
        // 150 two-task cycles, then one cycle through 30 tasks.
        let mut spec = String::from("//- tasks.md\n");
        for i in 0..150 {
            spec.push_str(&format!("- T{}: a\n  - depends_on: T{}\n- T{}: b\n  - depends_on: T{}\n", 2 * i, 2 * i + 1, 2 * i + 1, 2 * i));
        }
        for i in 0..30 {
            spec.push_str(&format!("- T{}: l\n  - depends_on: T{}\n", 1000 + i, 1000 + (i + 1) % 30));
        }
        let out = check(&spec, &["dependency-cycle"]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 101, "{out}");
        assert!(lines.iter().any(|l| l.contains("51 more `dependency-cycle` diagnostic(s) in this file are not shown")), "{out}");
        // A cycle of 30 found among the first 100 would list 10 members and count the rest.
        let spec = (0..30).map(|i| format!("- T{i}: l\n  - depends_on: T{}\n", (i + 1) % 30)).collect::<String>();
        expect![[r#"
            tasks.md:1:3: error[dependency-cycle]: tasks depend on each other in a cycle: T0 → T1 → T2 → T3 → T4 → T5 → T6 → T7 → T8 → T9 → ... and 20 more → T0
        "#]]
        .assert_eq(&check(&format!("//- tasks.md\n{spec}"), &["dependency-cycle"]));
    }

    #[test]
    fn near_miss_a_diamond_is_no_cycle() {
        let spec = "//- plan.yaml\nworkflow_id: p\nphases:\n  - name: a\n  - {name: b, depends_on: [a]}\n  - {name: c, depends_on: [a]}\n  - {name: d, depends_on: [b, c]}\n";
        assert_eq!(check(spec, &[]), "");
    }
}

//! The order `adopt --all` takes a file's functions in: each after the
//! functions of the file it calls, so a chain of plain functions is
//! adopted in one run (the caller's spec `uses` its callees, which are
//! intents by then). Functions that call each other cannot be ordered.

/// One function's place in the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Planned {
    /// The function.
    pub name: String,
    /// The file's other functions it calls.
    pub callees: Vec<String>,
    /// A function it calls that calls it back (directly or through others).
    pub cycle_with: Option<String>,
}

/// `functions` (name and every name its body calls, in file order) ordered
/// callees first; ties keep file order.
pub(super) fn plan(functions: &[(String, Vec<String>)]) -> Vec<Planned> {
    let names: Vec<&str> = functions.iter().map(|(n, _)| n.as_str()).collect();
    let mut planned: Vec<Planned> = functions
        .iter()
        .map(|(name, calls)| Planned {
            name: name.clone(),
            callees: calls.iter().filter(|c| *c != name && names.contains(&c.as_str())).cloned().collect(),
            cycle_with: None,
        })
        .collect();
    let mut state = vec![Visit::New; planned.len()];
    let mut order = Vec::new();
    for i in 0..planned.len() {
        visit(i, &mut planned, &mut state, &mut order);
    }
    order.into_iter().map(|i| planned[i].clone()).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    Open,
    Done,
}

/// Depth first: `i`'s callees, then `i`; a callee still open is a cycle.
fn visit(i: usize, planned: &mut [Planned], state: &mut [Visit], order: &mut Vec<usize>) {
    if state[i] != Visit::New {
        return;
    }
    state[i] = Visit::Open;
    for callee in planned[i].callees.clone() {
        let Some(c) = planned.iter().position(|p| p.name == callee) else { continue };
        match state[c] {
            Visit::New => visit(c, planned, state, order),
            Visit::Open => {
                let (caller, called) = (planned[i].name.clone(), planned[c].name.clone());
                planned[i].cycle_with.get_or_insert(called);
                planned[c].cycle_with.get_or_insert(caller);
            }
            Visit::Done => {}
        }
    }
    state[i] = Visit::Done;
    order.push(i);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, calls: &[&str]) -> (String, Vec<String>) {
        (name.to_string(), calls.iter().map(|c| c.to_string()).collect())
    }

    fn names(plan: &[Planned]) -> Vec<&str> {
        plan.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn callees_come_first_and_ties_keep_file_order() {
        let plan = plan(&[
            f("top", &["middle", "Some", "top"]),
            f("alone", &[]),
            f("middle", &["leaf"]),
            f("leaf", &["u32"]),
        ]);
        assert_eq!(names(&plan), ["leaf", "middle", "top", "alone"]);
        assert_eq!(plan[2].callees, ["middle"], "itself and names outside the file are not callees");
        assert!(plan.iter().all(|p| p.cycle_with.is_none()));
    }

    #[test]
    fn functions_calling_each_other_name_each_other() {
        let plan = plan(&[f("even", &["odd"]), f("odd", &["even"]), f("user", &["even"])]);
        let cycle: Vec<_> = plan.iter().map(|p| (p.name.as_str(), p.cycle_with.as_deref())).collect();
        assert_eq!(cycle, [("odd", Some("even")), ("even", Some("odd")), ("user", None)]);
    }
}

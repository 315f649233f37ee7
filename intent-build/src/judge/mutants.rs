//! Where the spec is silent: mutants of the accepted code that the spec
//! does not rule out.
//!
//! Mutation testing measures a test suite by the small wrong programs it
//! catches (cargo-mutants: caught, missed, unviable). Here the suite is the
//! spec: each mutant of the accepted code — an operator swapped, a `!`
//! dropped, an integer literal moved by one, a condition fixed to `true` or
//! `false`, the body replaced by `Default::default()` — is judged in one
//! batch by the same gates as candidates. A mutant the spec's examples,
//! tests or properties refuse is *ruled out*; one that passes them all but
//! answers otherwise than the accepted code on a generated input is
//! *open*: a behaviour the spec leaves to whoever writes the code. Mutants
//! that do not compile are *unviable*, and those that answer as the
//! accepted code everywhere *equivalent*; neither counts.

use std::io;

use syn::visit_mut::{self, VisitMut};

use super::behaviour::Behaviour;
use super::gates::{GateRunner, Verdict};
use crate::gate::Gate;
use crate::report::{Adequacy, OpenInput};
use crate::spec::Spec;

/// Most mutants judged per intent: one batch stays one compile.
pub const MOST: usize = 40;

/// One mutant: its code and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutant {
    /// The whole mutated code.
    pub code: String,
    /// `line 3: \`+\` → \`-\``.
    pub what: String,
}

/// The mutants of `code` (at most [`MOST`], in source order), each one
/// change; the body of function `name` replaced by its type's default is
/// the last. None when `code` does not parse.
pub fn mutants(code: &str, name: &str) -> Vec<Mutant> {
    mutants_up_to(code, name, MOST)
}

/// [`mutants`], at most `most` of them.
pub fn mutants_up_to(code: &str, name: &str, most: usize) -> Vec<Mutant> {
    let Ok(file) = syn::parse_file(code) else {
        return Vec::new();
    };
    let mut count = Mutator::counting();
    count.visit_file_mut(&mut file.clone());
    let mut out = Vec::new();
    for target in 0..count.seen.min(most.saturating_sub(1)) {
        let mut mutated = file.clone();
        let mut mutator = Mutator::at(target);
        mutator.visit_file_mut(&mut mutated);
        if let Some(what) = mutator.what {
            out.push(Mutant {
                code: prettyplease::unparse(&mutated),
                what,
            });
        }
    }
    out.extend(default_body(&file, name));
    out
}

/// The function `name` returning `Default::default()`.
fn default_body(file: &syn::File, name: &str) -> Option<Mutant> {
    let mut mutated = file.clone();
    let function = mutated.items.iter_mut().find_map(|item| match item {
        syn::Item::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    })?;
    if matches!(function.sig.output, syn::ReturnType::Default) {
        return None;
    }
    let line = function.sig.ident.span().start().line;
    *function.block = syn::parse_quote!({ Default::default() });
    Some(Mutant {
        code: prettyplease::unparse(&mutated),
        what: format!("line {line}: the body replaced by `Default::default()`"),
    })
}

/// Walks the code counting mutable sites, or mutating the `target`-th.
struct Mutator {
    /// Sites passed so far.
    seen: usize,
    target: Option<usize>,
    /// What the mutation at the target did.
    what: Option<String>,
}

impl Mutator {
    fn counting() -> Mutator {
        Mutator {
            seen: 0,
            target: None,
            what: None,
        }
    }

    fn at(target: usize) -> Mutator {
        Mutator {
            target: Some(target),
            ..Mutator::counting()
        }
    }

    /// Whether the site just reached is the one to mutate.
    fn here(&mut self) -> bool {
        let here = self.target == Some(self.seen);
        self.seen += 1;
        here
    }
}

/// The operator a binary operator becomes, as cargo-mutants swaps them.
fn swapped(op: &syn::BinOp) -> Option<syn::BinOp> {
    use syn::BinOp::*;
    Some(match op {
        Add(_) => Sub(Default::default()),
        Sub(_) => Add(Default::default()),
        Mul(_) => Div(Default::default()),
        Div(_) => Mul(Default::default()),
        Rem(_) => Div(Default::default()),
        Lt(_) => Le(Default::default()),
        Le(_) => Lt(Default::default()),
        Gt(_) => Ge(Default::default()),
        Ge(_) => Gt(Default::default()),
        Eq(_) => Ne(Default::default()),
        Ne(_) => Eq(Default::default()),
        And(_) => Or(Default::default()),
        Or(_) => And(Default::default()),
        AddAssign(_) => SubAssign(Default::default()),
        SubAssign(_) => AddAssign(Default::default()),
        _ => return None,
    })
}

fn shown(tokens: &impl quote::ToTokens) -> String {
    tokens.to_token_stream().to_string()
}

impl VisitMut for Mutator {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        let line = syn::spanned::Spanned::span(expr).start().line;
        match expr {
            syn::Expr::Binary(binary) => {
                if let Some(op) = swapped(&binary.op) {
                    if self.here() {
                        self.what = Some(format!(
                            "line {line}: `{}` → `{}`",
                            shown(&binary.op),
                            shown(&op)
                        ));
                        binary.op = op;
                    }
                }
            }
            // The guard counts the site only for a `!`.
            syn::Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Not(_)) && self.here() => {
                self.what = Some(format!("line {line}: `!` removed"));
                *expr = (*unary.expr).clone();
                return;
            }
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(int),
                ..
            }) => {
                if let Ok(value) = int.base10_parse::<u128>() {
                    let suffix = int.suffix().to_string();
                    for next in [value.checked_add(1), value.checked_sub(1)].into_iter().flatten() {
                        if self.here() {
                            self.what = Some(format!("line {line}: `{value}` → `{next}`"));
                            let lit = syn::LitInt::new(&format!("{next}{suffix}"), int.span());
                            *int = lit;
                            return;
                        }
                    }
                }
            }
            syn::Expr::If(branch) => {
                for fixed in [true, false] {
                    if self.here() {
                        self.what = Some(format!("line {line}: the condition replaced by `{fixed}`"));
                        *branch.cond = syn::parse_quote!(#fixed);
                        return;
                    }
                }
            }
            _ => {}
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// How adequate `spec` is for `code`, accepted with `accepted` behaviour:
/// its mutants (at most [`MOST`]) judged in one batch. `None` without
/// behaviour to compare (no inputs for its types) or without mutants.
///
/// # Errors
///
/// The gates cannot run.
pub fn adequacy(
    runner: &GateRunner,
    spec: &Spec,
    code: &str,
    accepted: Option<&Behaviour>,
) -> io::Result<Option<Adequacy>> {
    adequacy_with(runner, spec, code, accepted, MOST)
}

/// [`adequacy`] with at most `most` mutants.
///
/// Its mutants judged in one batch. `None` without behaviour to compare
/// (no inputs for its types) or without mutants.
///
/// # Errors
///
/// The gates cannot run.
pub fn adequacy_with(
    runner: &GateRunner,
    spec: &Spec,
    code: &str,
    accepted: Option<&Behaviour>,
    most: usize,
) -> io::Result<Option<Adequacy>> {
    let Some(accepted) = accepted else {
        return Ok(None);
    };
    let mutants = mutants_up_to(code, &spec.name, most);
    if mutants.is_empty() {
        return Ok(None);
    }
    let codes: Vec<String> = mutants.iter().map(|m| m.code.clone()).collect();
    let verdicts = runner.check_all(spec, &codes, &format!("{}-mutants", spec.name))?;
    let mut adequacy = Adequacy::default();
    for (mutant, verdict) in mutants.iter().zip(verdicts) {
        match verdict {
            Verdict::Failed { gate, .. } if gate.rank() <= Gate::Policy.rank() => {
                adequacy.unviable += 1;
            }
            Verdict::Failed { .. } => adequacy.ruled_out += 1,
            Verdict::Passed { behaviour: None, .. } => adequacy.equivalent += 1,
            Verdict::Passed {
                behaviour: Some(theirs),
                ..
            } => match first_difference(accepted, &theirs) {
                None => adequacy.equivalent += 1,
                Some((call, ours, mutated)) => adequacy.open.push(OpenInput {
                    mutant: mutant.what.clone(),
                    call,
                    accepted: ours,
                    mutated,
                }),
            },
        }
    }
    Ok(Some(adequacy))
}

/// The first input on which two behaviours differ: the call and each answer.
fn first_difference(ours: &Behaviour, theirs: &Behaviour) -> Option<(String, String, String)> {
    ours.calls
        .iter()
        .zip(ours.outcomes.iter().zip(&theirs.outcomes))
        .find(|(_, (a, b))| a != b && a.comparable() && b.comparable())
        .map(|(call, (a, b))| (call.clone(), a.text(), b.text()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mutant_changes_one_thing() {
        let code = "pub fn f(a: i32, b: i32) -> i32 {\n    if a > 0 && !(b == 2) { a + b } else { 0 }\n}\n";
        let all = mutants(code, "f");
        let whats: Vec<&str> = all.iter().map(|m| m.what.as_str()).collect();
        for expected in [
            "line 2: the condition replaced by `true`",
            "line 2: `>` → `>=`",
            "line 2: `&&` → `||`",
            "line 2: `!` removed",
            "line 2: `==` → `!=`",
            "line 2: `2` → `3`",
            "line 2: `+` → `-`",
            "line 1: the body replaced by `Default::default()`",
        ] {
            assert!(whats.contains(&expected), "{expected} missing from {whats:#?}");
        }
        let plus = all.iter().find(|m| m.what == "line 2: `+` → `-`").unwrap();
        assert!(plus.code.contains("a - b") && !plus.code.contains("a + b"), "{}", plus.code);
        assert!(mutants("not rust", "f").is_empty());
    }
}

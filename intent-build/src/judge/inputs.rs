//! Inputs generated from a signature, on which candidates' behaviour is
//! compared ([`super::behaviour`]).
//!
//! Each parameter type gets a short list of values, small and ordinary ones
//! first, then edges (bounds, empty, non-ASCII, duplicates); inputs combine
//! them, every small combination first and then seeded random ones, so the
//! first input that shows a difference is also about the smallest.
//!
//! Values are Rust source text, not runtime values: the candidate binary is
//! compiled by a bare, confined `rustc` with only `std`, so a generator crate
//! such as proptest could not run inside it; the host writes the inputs out
//! as literals instead. Ordering inputs from small to large stands in for
//! proptest's shrinking.

use std::collections::{BTreeSet, HashMap};

use crate::spec::{parameters_of, rust, Spec};

/// Most inputs an intent is judged on.
pub const MAX_INPUTS: usize = 160;
/// Most values of one parameter type.
const MAX_VALUES: usize = 40;
/// Most elements of a generated `Vec`, slice or string.
const MAX_LEN: usize = 8;

/// How a parameter reaches the function from the input's owned value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// By value.
    Value,
    /// `&value`.
    Ref,
    /// `&mut value`: its value after the call is part of the outcome.
    RefMut,
}

/// One parameter as the harness sees it.
#[derive(Debug, Clone)]
pub struct Param {
    /// Its name in the signature.
    pub name: String,
    /// Its type as written.
    pub ty: String,
    /// The owned type an input holds for it (`String` for `&str`).
    pub owned: String,
    /// How it is passed.
    pub pass: Pass,
}

/// One generated input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Each parameter's owned value, as Rust source.
    pub values: Vec<String>,
    /// The call as a user would write it in an example: `f(1, "ab")`.
    pub call: String,
}

/// Everything the harness needs to call a candidate on generated inputs.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The parameters in order.
    pub params: Vec<Param>,
    /// The return type (`()` when none).
    pub returns: String,
    /// The inputs, smallest first.
    pub inputs: Vec<Input>,
    /// Whether outcomes contain floating-point numbers (compared rounded).
    pub floats: bool,
}

/// Why no inputs can be generated for a spec: its behaviour is judged on
/// its examples alone, and the report says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unplanned {
    /// The signature does not parse.
    #[error("{0}")]
    Signature(String),
    /// A generic function: which types to call it with is not known.
    #[error("the function is generic")]
    Generic,
    /// A parameter written as a pattern (`(a, b): (i32, i32)`).
    #[error("parameter `{0}` is a pattern, not a name")]
    Pattern(String),
    /// A type with no generator (`&HashMap<…>`): reported, never guessed at.
    #[error("no generator for `{0}`")]
    NoGenerator(String),
    /// A type whose generator makes no value.
    #[error("no values for `{0}`")]
    NoValues(String),
    /// Outcomes whose `Debug` text is not stable (a hash map's order).
    #[error("outcomes of type `{0}` cannot be compared by their text")]
    Incomparable(String),
}

/// The inputs for `spec`, or why none can be generated ("no generator for
/// `&HashMap<…>`"): such a type is reported, never guessed at.
pub fn plan(spec: &Spec) -> Result<Plan, Unplanned> {
    let sig = rust::parse_signature(&spec.signature).map_err(|e| Unplanned::Signature(e.to_string()))?;
    if !sig.sig.generics.params.is_empty() {
        return Err(Unplanned::Generic);
    }
    let structs = public_structs(&spec.prelude);
    let returns = match &sig.sig.output {
        syn::ReturnType::Default => "()".to_string(),
        syn::ReturnType::Type(_, ty) => {
            comparable(ty, &structs)?;
            rust::canonical(&**ty)
        }
    };
    let mut floats = mentions_float(&returns);
    let mut params = Vec::new();
    let mut lists = Vec::new();
    for (name, ty) in parameters_of(&spec.signature) {
        if !rust::is_identifier(&name) {
            return Err(Unplanned::Pattern(name));
        }
        let parsed = Ty::of(&ty, &structs, 0)?;
        let written = rust::canonical(&ty);
        let (pass, inner) = match &parsed {
            Ty::Ref(inner, false) => (Pass::Ref, &**inner),
            Ty::Ref(inner, true) => {
                floats |= mentions_float(&written);
                (Pass::RefMut, &**inner)
            }
            other => (Pass::Value, other),
        };
        let mut seen = BTreeSet::new();
        let values: Vec<V> = inner
            .values(&mut Rng::new(&name))
            .into_iter()
            .filter(|v| seen.insert(inner.expr(v, true)))
            .collect();
        if values.is_empty() {
            return Err(Unplanned::NoValues(written));
        }
        params.push(Param {
            name,
            ty: written,
            owned: inner.owned_type(),
            pass,
        });
        lists.push((parsed, values));
    }
    let fn_name = sig.sig.ident.to_string();
    let mut rng = Rng::new(&spec.signature);
    let inputs = combine(&lists, &mut rng)
        .into_iter()
        .map(|picks| {
            let values = picks
                .iter()
                .zip(&lists)
                .map(|(&k, (ty, values))| ty.owned_inner().expr(&values[k], true))
                .collect();
            let args: Vec<String> = picks
                .iter()
                .zip(&lists)
                .map(|(&k, (ty, values))| ty.arg(&values[k]))
                .collect();
            Input {
                values,
                call: format!("{fn_name}({})", args.join(", ")),
            }
        })
        .collect();
    Ok(Plan {
        params,
        returns,
        inputs,
        floats,
    })
}

/// Picks one value index per parameter: every combination of the first
/// values (as many as keep the grid near 64), then seeded random ones.
fn combine(lists: &[(Ty, Vec<V>)], rng: &mut Rng) -> Vec<Vec<usize>> {
    if lists.is_empty() {
        return vec![Vec::new()];
    }
    let arity = lists.len() as u32;
    let side = (1..=MAX_VALUES)
        .take_while(|s| s.pow(arity) <= 64)
        .last()
        .unwrap_or(1);
    let mut grid: Vec<Vec<usize>> = vec![Vec::new()];
    for (_, values) in lists {
        let n = values.len().min(side.max(1));
        grid = grid
            .into_iter()
            .flat_map(|prefix| {
                (0..n).map(move |k| {
                    let mut next = prefix.clone();
                    next.push(k);
                    next
                })
            })
            .collect();
    }
    // Smallest first: by the sum of each value's rank, then as generated.
    grid.sort_by_key(|picks| picks.iter().sum::<usize>());
    let mut seen: BTreeSet<Vec<usize>> = grid.iter().cloned().collect();
    let mut out = grid;
    let mut attempts = 0;
    while out.len() < MAX_INPUTS && attempts < MAX_INPUTS * 8 {
        attempts += 1;
        let picks: Vec<usize> = lists
            .iter()
            .map(|(_, values)| rng.below(values.len()))
            .collect();
        if seen.insert(picks.clone()) {
            out.push(picks);
        }
    }
    out
}

/// A parameter type the generator knows.
#[derive(Debug, Clone)]
enum Ty {
    Int(&'static str),
    Float(&'static str),
    Bool,
    Char,
    /// `str`, behind a reference.
    Str,
    String,
    Vec(Box<Ty>),
    /// `[T]`, behind a reference.
    Slice(Box<Ty>),
    Array(Box<Ty>, usize),
    Option(Box<Ty>),
    Tuple(Vec<Ty>),
    /// A prelude struct whose fields are all public.
    Struct(String, Vec<(String, Ty)>),
    /// `&T` or (`true`) `&mut T`.
    Ref(Box<Ty>, bool),
}

/// A generated value, rendered by its type.
#[derive(Debug, Clone)]
enum V {
    /// A scalar's literal.
    Atom(String),
    Text(String),
    Seq(Vec<V>),
    Opt(Option<Box<V>>),
    Tuple(Vec<V>),
}

const INTS: &[(&str, i128, i128)] = &[
    ("i8", i8::MIN as i128, i8::MAX as i128),
    ("i16", i16::MIN as i128, i16::MAX as i128),
    ("i32", i32::MIN as i128, i32::MAX as i128),
    ("i64", i64::MIN as i128, i64::MAX as i128),
    ("i128", i128::MIN, i128::MAX),
    ("isize", i64::MIN as i128, i64::MAX as i128),
    ("u8", 0, u8::MAX as i128),
    ("u16", 0, u16::MAX as i128),
    ("u32", 0, u32::MAX as i128),
    ("u64", 0, u64::MAX as i128),
    ("u128", 0, i128::MAX),
    ("usize", 0, u64::MAX as i128),
];

/// Ordinary integers, small first; bounds come last.
const INT_SPREAD: &[i128] = &[
    0, 1, -1, 2, -2, 3, 4, 5, -3, 7, 10, -7, 9, 12, 16, 42, 99, 100, -100, 121, 255, 1000, -1000,
    4096, 12345, -54321, 1_000_000,
];
const FLOATS: &[&str] = &[
    "0.0",
    "1.0",
    "-1.0",
    "0.5",
    "2.0",
    "-2.5",
    "3.0",
    "10.0",
    "0.1",
    "-0.75",
    "100.0",
    "1e-3",
    "12345.678",
    "-1e6",
];
/// The floats that are not numbers, last like the integers' bounds: a
/// function promising never to panic, or to refuse them, is judged on them.
const FLOAT_EDGES: &[&str] = &["NAN", "INFINITY", "NEG_INFINITY"];
const CHARS: &[char] = &['a', 'b', 'z', 'A', 'Z', '0', '9', ' ', '!', 'é', '\n'];
const STRS: &[&str] = &[
    "",
    "a",
    "b",
    "ab",
    "ba",
    "aa",
    "abc",
    "Ab",
    " ",
    "a b",
    "hello",
    "Hello World",
    "hello, world!",
    "aAbB",
    "123",
    "a1b2c3",
    "racecar",
    "  x  ",
    "héllo",
    "日本語",
    "ab ab ab",
    "The quick brown fox",
    "a\tb\nc",
    "ZZZ",
];

impl Ty {
    fn of(ty: &syn::Type, structs: &Structs, depth: usize) -> Result<Ty, Unplanned> {
        let unsupported = || Unplanned::NoGenerator(rust::shown(ty));
        if depth > 3 {
            return Err(unsupported());
        }
        let inner = |ty: &syn::Type| Ty::of(ty, structs, depth + 1);
        Ok(match ty {
            syn::Type::Reference(r) => {
                let target = match &*r.elem {
                    syn::Type::Path(p) if p.path.is_ident("str") => Ty::Str,
                    syn::Type::Slice(s) => Ty::Slice(Box::new(inner(&s.elem)?)),
                    other => inner(other)?,
                };
                Ty::Ref(Box::new(target), r.mutability.is_some())
            }
            syn::Type::Paren(p) => inner(&p.elem)?,
            syn::Type::Tuple(t) if t.elems.is_empty() => return Err(unsupported()),
            syn::Type::Tuple(t) => Ty::Tuple(t.elems.iter().map(inner).collect::<Result<_, _>>()?),
            syn::Type::Array(a) => {
                let len = match &a.len {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Int(n),
                        ..
                    }) => n.base10_parse::<usize>().map_err(|_| unsupported())?,
                    _ => return Err(unsupported()),
                };
                if len > 64 {
                    return Err(unsupported());
                }
                Ty::Array(Box::new(inner(&a.elem)?), len)
            }
            syn::Type::Path(p) if p.qself.is_none() => {
                let last = p.path.segments.last().ok_or_else(unsupported)?;
                let name = last.ident.to_string();
                let args: Vec<&syn::Type> = match &last.arguments {
                    syn::PathArguments::AngleBracketed(a) => a
                        .args
                        .iter()
                        .filter_map(|a| match a {
                            syn::GenericArgument::Type(t) => Some(t),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                match (name.as_str(), args.as_slice()) {
                    ("bool", []) => Ty::Bool,
                    ("char", []) => Ty::Char,
                    ("String", []) => Ty::String,
                    ("f32", []) => Ty::Float("f32"),
                    ("f64", []) => Ty::Float("f64"),
                    ("Vec", [t]) => Ty::Vec(Box::new(inner(t)?)),
                    ("Option", [t]) => Ty::Option(Box::new(inner(t)?)),
                    (int, []) if INTS.iter().any(|(n, _, _)| *n == int) => Ty::Int(
                        INTS.iter()
                            .find(|(n, _, _)| *n == int)
                            .map(|(n, _, _)| *n)
                            .expect("found above"),
                    ),
                    (name, []) if structs.contains_key(name) => {
                        let fields = structs[name]
                            .iter()
                            .map(|(f, t)| Ok((f.clone(), inner(t)?)))
                            .collect::<Result<_, Unplanned>>()?;
                        Ty::Struct(name.to_string(), fields)
                    }
                    _ => return Err(unsupported()),
                }
            }
            _ => return Err(unsupported()),
        })
    }

    /// The owned type an input holds: references dropped at the top.
    fn owned_type(&self) -> String {
        match self {
            Ty::Ref(inner, _) => inner.owned_type(),
            Ty::Str => "String".into(),
            Ty::Slice(t) => format!("Vec<{}>", t.nested_type()),
            other => other.nested_type(),
        }
    }

    /// The type as written inside an owned value (references are `'static`).
    fn nested_type(&self) -> String {
        match self {
            Ty::Int(n) | Ty::Float(n) => (*n).into(),
            Ty::Bool => "bool".into(),
            Ty::Char => "char".into(),
            Ty::Str => "str".into(),
            Ty::String => "String".into(),
            Ty::Vec(t) => format!("Vec<{}>", t.nested_type()),
            Ty::Slice(t) => format!("[{}]", t.nested_type()),
            Ty::Array(t, n) => format!("[{}; {n}]", t.nested_type()),
            Ty::Option(t) => format!("Option<{}>", t.nested_type()),
            Ty::Tuple(ts) => {
                let inner: Vec<String> = ts.iter().map(Ty::nested_type).collect();
                if ts.len() == 1 {
                    format!("({},)", inner[0])
                } else {
                    format!("({})", inner.join(", "))
                }
            }
            Ty::Struct(name, _) => name.clone(),
            Ty::Ref(t, m) => format!(
                "&'static {}{}",
                if *m { "mut " } else { "" },
                t.nested_type()
            ),
        }
    }

    /// A parameter's type without its top-level reference.
    fn owned_inner(&self) -> &Ty {
        match self {
            Ty::Ref(inner, _) => inner,
            other => other,
        }
    }

    /// `value` as Rust source of this type; `top`: as an owned input
    /// (`String::from("a")` for `str`), else as written inside one.
    fn expr(&self, value: &V, top: bool) -> String {
        match (self, value) {
            (Ty::Str, V::Text(s)) if top => format!("String::from({s:?})"),
            (Ty::Str, V::Text(s)) => format!("{s:?}"),
            (Ty::String, V::Text(s)) => format!("String::from({s:?})"),
            (Ty::Vec(t), V::Seq(items)) => format!("vec![{}]", t.items(items)),
            (Ty::Slice(t), V::Seq(items)) if top => format!("vec![{}]", t.items(items)),
            (Ty::Slice(t) | Ty::Array(t, _), V::Seq(items)) => format!("[{}]", t.items(items)),
            (Ty::Option(_), V::Opt(None)) => "None".into(),
            (Ty::Option(t), V::Opt(Some(v))) => format!("Some({})", t.expr(v, false)),
            (Ty::Tuple(ts), V::Tuple(vs)) => {
                let inner: Vec<String> = ts.iter().zip(vs).map(|(t, v)| t.expr(v, false)).collect();
                if inner.len() == 1 {
                    format!("({},)", inner[0])
                } else {
                    format!("({})", inner.join(", "))
                }
            }
            (Ty::Struct(name, fields), V::Tuple(vs)) => {
                let inner: Vec<String> = fields
                    .iter()
                    .zip(vs)
                    .map(|((f, t), v)| format!("{f}: {}", t.expr(v, false)))
                    .collect();
                format!("{name} {{ {} }}", inner.join(", "))
            }
            (Ty::Ref(t, m), v) => {
                let amp = if *m { "&mut " } else { "&" };
                match &**t {
                    Ty::Str => t.expr(v, false),
                    _ => format!("{amp}{}", t.expr(v, false)),
                }
            }
            (_, V::Atom(a)) => a.clone(),
            (_, V::Text(s)) => format!("{s:?}"),
            _ => "unreachable!()".into(),
        }
    }

    fn items(&self, items: &[V]) -> String {
        items
            .iter()
            .map(|v| self.expr(v, false))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `value` as a call argument in an example: `"ab"`, `&[1, 2]`.
    fn arg(&self, value: &V) -> String {
        match self {
            Ty::Ref(t, m) => {
                let amp = if *m { "&mut " } else { "&" };
                match &**t {
                    Ty::Str if !m => t.expr(value, false),
                    Ty::Slice(_) => format!("{amp}{}", t.expr(value, false)),
                    _ => format!("{amp}{}", t.expr(value, true)),
                }
            }
            other => other.expr(value, true),
        }
    }

    /// This type's values, smallest and most ordinary first.
    fn values(&self, rng: &mut Rng) -> Vec<V> {
        let mut out = match self {
            Ty::Int(name) => {
                let (_, min, max) = INTS
                    .iter()
                    .find(|(n, _, _)| n == name)
                    .expect("known integer type");
                let mut v: Vec<V> = INT_SPREAD
                    .iter()
                    .filter(|n| (*min..=*max).contains(*n))
                    .map(|n| V::Atom(n.to_string()))
                    .collect();
                if *min < 0 {
                    v.push(V::Atom(format!("{name}::MIN")));
                }
                v.push(V::Atom(format!("{name}::MAX")));
                v
            }
            Ty::Float(name) => FLOATS
                .iter()
                .map(|f| V::Atom((*f).into()))
                .chain(FLOAT_EDGES.iter().map(|e| V::Atom(format!("{name}::{e}"))))
                .collect(),
            Ty::Bool => vec![V::Atom("false".into()), V::Atom("true".into())],
            Ty::Char => CHARS.iter().map(|c| V::Atom(format!("{c:?}"))).collect(),
            Ty::Str | Ty::String => STRS.iter().map(|s| V::Text((*s).into())).collect(),
            Ty::Vec(t) | Ty::Slice(t) => sequences(&t.values(rng), rng),
            Ty::Array(t, n) => {
                let items = t.values(rng);
                let mut v = vec![
                    V::Seq((0..*n).map(|i| items[i % items.len()].clone()).collect()),
                    V::Seq(vec![items[0].clone(); *n]),
                    V::Seq(
                        (0..*n)
                            .rev()
                            .map(|i| items[i % items.len()].clone())
                            .collect(),
                    ),
                ];
                for _ in 0..12 {
                    v.push(V::Seq((0..*n).map(|_| rng.pick(&items).clone()).collect()));
                }
                v
            }
            Ty::Option(t) => std::iter::once(V::Opt(None))
                .chain(
                    t.values(rng)
                        .into_iter()
                        .take(12)
                        .map(|v| V::Opt(Some(Box::new(v)))),
                )
                .collect(),
            Ty::Tuple(ts) => product(ts.iter().map(|t| t.values(rng)).collect(), rng),
            Ty::Struct(_, fields) => {
                product(fields.iter().map(|(_, t)| t.values(rng)).collect(), rng)
            }
            Ty::Ref(t, _) => t.values(rng),
        };
        out.truncate(MAX_VALUES);
        out
    }
}

/// Sequences of `items`: empty, one, a few orders, duplicates, then random.
fn sequences(items: &[V], rng: &mut Rng) -> Vec<V> {
    let at = |i: usize| items[i % items.len()].clone();
    let mut out = vec![
        V::Seq(vec![]),
        V::Seq(vec![at(0)]),
        V::Seq(vec![at(1)]),
        V::Seq(vec![at(1), at(2)]),
        V::Seq(vec![at(2), at(1)]),
        V::Seq(vec![at(3), at(3)]),
        V::Seq(vec![at(1), at(2), at(3)]),
        V::Seq(vec![at(5), at(1), at(4), at(1)]),
        V::Seq((0..5).map(at).collect()),
    ];
    // A NaN among ordinary values, once: random sequences keep to
    // ordinary ones, or most would hold one.
    if let Some(nan) = items.iter().find(|v| matches!(v, V::Atom(a) if a.ends_with("::NAN"))) {
        out.push(V::Seq(vec![at(1), nan.clone()]));
    }
    let ordinary: Vec<V> = items
        .iter()
        .filter(|v| !matches!(v, V::Atom(a) if a.contains("::")))
        .cloned()
        .collect();
    let pool = &ordinary[..ordinary.len().min(16)];
    while out.len() < 24 {
        let len = rng.below(MAX_LEN + 1);
        out.push(V::Seq((0..len).map(|_| rng.pick(pool).clone()).collect()));
    }
    out
}

/// Combinations of one value of each list: the first few of each, then random.
fn product(lists: Vec<Vec<V>>, rng: &mut Rng) -> Vec<V> {
    let mut out: Vec<V> = (0..4)
        .map(|k| {
            V::Tuple(
                lists
                    .iter()
                    .map(|l| l[k.min(l.len() - 1)].clone())
                    .collect(),
            )
        })
        .collect();
    while out.len() < 20 {
        out.push(V::Tuple(
            lists.iter().map(|l| rng.pick(l).clone()).collect(),
        ));
    }
    out
}

type Structs = HashMap<String, Vec<(String, syn::Type)>>;

/// Prelude structs with named fields, all public: the ones an input can build.
fn public_structs(prelude: &str) -> Structs {
    let mut out = Structs::new();
    let Ok(file) = rust::parse_items(prelude) else {
        return out;
    };
    for item in &file.items {
        if let syn::Item::Struct(item) = item {
            if let syn::Fields::Named(fields) = &item.fields {
                if fields
                    .named
                    .iter()
                    .all(|f| matches!(f.vis, syn::Visibility::Public(_)))
                    && item.generics.params.is_empty()
                {
                    out.insert(
                        item.ident.to_string(),
                        fields
                            .named
                            .iter()
                            .filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone())))
                            .collect(),
                    );
                }
            }
        }
    }
    out
}

/// Whether outcomes of type `ty` compare by their `Debug` text: not when
/// it holds a hash map or set (their order changes from run to run), a
/// trait object or an `impl Trait`.
fn comparable(ty: &syn::Type, _structs: &Structs) -> Result<(), Unplanned> {
    let text = rust::canonical(ty);
    for word in ["HashMap", "HashSet", "impl ", "dyn ", "fn ("] {
        if text.contains(word) {
            return Err(Unplanned::Incomparable(rust::shown(ty)));
        }
    }
    Ok(())
}

fn mentions_float(text: &str) -> bool {
    text.contains("f32") || text.contains("f64")
}

/// splitmix64: a few lines serve better than a dependency here; only
/// determinism matters.
struct Rng(u64);

impl Rng {
    fn new(seed: &str) -> Rng {
        Rng(seed.bytes().fold(0x9e37_79b9_7f4a_7c15, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        }))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(signature: &str, prelude: &str) -> Spec {
        Spec {
            name: "f".into(),
            signature: signature.into(),
            description: "d".into(),
            constraints: Vec::new(),
            prelude: prelude.into(),
            examples: Vec::new(),
            tests: String::new(),
            assume: None,
            properties: Vec::new(),
            uses: Vec::new(),
            capabilities: Vec::new(),
            crates: Vec::new(),
        }
    }

    #[test]
    fn integers_cover_zero_signs_and_bounds_within_the_type() {
        let plan = plan(&spec("pub fn f(n: u8) -> u8", "")).unwrap();
        let calls: Vec<&str> = plan.inputs.iter().map(|i| i.call.as_str()).collect();
        assert_eq!(calls[..3], ["f(0)", "f(1)", "f(2)"]);
        assert!(calls.contains(&"f(u8::MAX)"));
        assert!(calls.contains(&"f(255)"));
        assert!(!calls.iter().any(|c| c.contains('-') || c.contains("1000")));
        assert!(plan.inputs.len() >= 15, "{}", plan.inputs.len());
    }

    #[test]
    fn references_are_owned_in_inputs_and_borrowed_in_calls() {
        let plan = plan(&spec(
            "pub fn f(s: &str, xs: &[i64], v: &mut Vec<char>) -> usize",
            "",
        ))
        .unwrap();
        let owned: Vec<&str> = plan.params.iter().map(|p| p.owned.as_str()).collect();
        assert_eq!(owned, ["String", "Vec<i64>", "Vec<char>"]);
        let passes: Vec<Pass> = plan.params.iter().map(|p| p.pass).collect();
        assert_eq!(passes, [Pass::Ref, Pass::Ref, Pass::RefMut]);
        let first = &plan.inputs[0];
        assert_eq!(first.call, "f(\"\", &[], &mut vec![])");
        assert_eq!(first.values, ["String::from(\"\")", "vec![]", "vec![]"]);
        assert!(plan.inputs.len() <= MAX_INPUTS && plan.inputs.len() > 100);
        let distinct: BTreeSet<&str> = plan.inputs.iter().map(|i| i.call.as_str()).collect();
        assert_eq!(distinct.len(), plan.inputs.len(), "inputs repeat");
    }

    #[test]
    fn the_same_signature_gives_the_same_inputs() {
        let s = spec("pub fn f(a: Vec<i32>, b: Option<(bool, f64)>) -> f64", "");
        assert_eq!(plan(&s).unwrap().inputs, plan(&s).unwrap().inputs);
        assert!(plan(&s).unwrap().floats);
    }

    #[test]
    fn prelude_structs_with_public_fields_are_built_field_by_field() {
        let prelude = "pub struct P { pub x: i32, pub name: String }";
        let plan = plan(&spec("pub fn f(p: P) -> i32", prelude)).unwrap();
        assert_eq!(
            plan.inputs[0].call,
            "f(P { x: 0, name: String::from(\"\") })"
        );
        let private = "pub struct P { x: i32 }";
        let err = super::plan(&spec("pub fn f(p: P) -> i32", private)).unwrap_err();
        assert_eq!(err, Unplanned::NoGenerator("P".into()));
        assert_eq!(err.to_string(), "no generator for `P`");
    }

    #[test]
    fn types_without_a_generator_are_reported() {
        let err = plan(&spec(
            "pub fn f(m: &std::collections::HashMap<i32, i32>) -> i32",
            "",
        ))
        .unwrap_err();
        assert!(matches!(err, Unplanned::NoGenerator(_)), "{err}");
        let err = plan(&spec("pub fn f(n: i32) -> HashSet<i32>", "")).unwrap_err();
        assert!(matches!(err, Unplanned::Incomparable(_)), "{err}");
        // Named as written, not in the canonical token spacing.
        assert_eq!(err.to_string(), "outcomes of type `HashSet<i32>` cannot be compared by their text");
    }
}

//! The paths that exist in `std`, `core` and `alloc`, read from the
//! installed toolchain, so that the grammar lets a candidate import only
//! what is there: a small model that wants a regular expression writes
//! `use std::regex::Regex;`, which no std has, and its whole decode dies at
//! the compile gate.
//!
//! The list is the toolchain's own documentation (the `rust-docs` component
//! rustup installs by default): every module of the three crates has a
//! `sidebar-items*.js` naming its child modules and items. It is read from
//! the toolchain the gates compile with, so it changes when the toolchain
//! does; nothing is typed by hand. Without the documentation the grammar
//! checks the first segment only, as before.
//!
//! Items a module's page marks *Experimental* are left out: they exist
//! only on nightly, so on the stable toolchain users build with, a
//! candidate that imports one (`use std::str::pattern::Pattern;`, which the
//! realistic dev set's candidates wrote five times) dies at the compile gate.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// The crates whose paths are listed.
pub const CRATES: [&str; 3] = ["std", "core", "alloc"];

/// Item kinds in the sidebar that a `use` cannot name.
const NOT_IMPORTABLE: [&str; 2] = ["keyword", "primitive"];

/// Modules listed without their contents: `arch` holds the platform
/// intrinsics, 25,000 of core's 28,000 names, every one `unsafe` (which
/// the policy refuses), and listing them made the grammar 600 KiB.
const OPAQUE: [&str; 1] = ["arch"];

/// One module: its child modules and the items it declares or re-exports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Module {
    /// Child modules by name.
    pub modules: BTreeMap<String, Module>,
    /// Importable items (types, traits, functions, macros, constants, …).
    pub items: BTreeSet<String>,
    /// The items that are enums: only an enum's variants may follow an
    /// item in a `use` (`std::cmp::Ordering::Less`); a macro, a function,
    /// a struct or a trait has nothing a `use` can name below it.
    pub enums: BTreeSet<String>,
}

impl Module {
    /// Whether `path` (segments after the crate) names a module or an item.
    pub fn contains(&self, path: &[&str]) -> bool {
        match path {
            [] => true,
            [last] => self.items.contains(*last) || self.modules.contains_key(*last),
            [first, rest @ ..] => {
                let variant = rest.len() == 1 && self.enums.contains(*first);
                variant || self.modules.get(*first).is_some_and(|m| m.contains(rest))
            }
        }
    }

    /// How many modules and items it holds, itself included.
    pub fn size(&self) -> (usize, usize) {
        self.modules
            .values()
            .map(Module::size)
            .fold((1, self.items.len()), |(m, i), (cm, ci)| (m + cm, i + ci))
    }
}

/// `std`, `core` and `alloc` as the installed toolchain documents them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StdPaths {
    /// Each crate's root module, by crate name.
    pub crates: BTreeMap<String, Module>,
}

impl StdPaths {
    /// The paths documented under `sysroot`, once per sysroot and process;
    /// `None` when its documentation is not installed.
    pub fn of_sysroot(sysroot: &Path) -> Option<Arc<StdPaths>> {
        static LOADED: OnceLock<Mutex<HashMap<PathBuf, Option<Arc<StdPaths>>>>> = OnceLock::new();
        let mut loaded = LOADED
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        loaded
            .entry(sysroot.to_path_buf())
            .or_insert_with(|| StdPaths::read(&sysroot.join("share/doc/rust/html")).map(Arc::new))
            .clone()
    }

    /// The paths documented in `html` (a toolchain's `share/doc/rust/html`);
    /// `None` when a crate's documentation is missing.
    pub fn read(html: &Path) -> Option<StdPaths> {
        let crates = CRATES
            .iter()
            .map(|name| Some((name.to_string(), read_module(&html.join(name))?)))
            .collect::<Option<BTreeMap<_, _>>>()?;
        Some(StdPaths { crates })
    }

    /// Whether `path` (`std::collections::HashMap`, segments by `::`) exists.
    pub fn contains(&self, path: &str) -> bool {
        let segments: Vec<&str> = path.split("::").collect();
        match segments.split_first() {
            Some((root, rest)) => self.crates.get(*root).is_some_and(|m| m.contains(rest)),
            None => false,
        }
    }
}

/// The module documented in folder `dir`, with its child modules.
fn read_module(dir: &Path) -> Option<Module> {
    let sidebar = std::fs::read_dir(dir).ok()?.flatten().find_map(|entry| {
        let name = entry.file_name().to_string_lossy().into_owned();
        (name.starts_with("sidebar-items") && name.ends_with(".js")).then(|| entry.path())
    })?;
    let kinds = parse_sidebar(&std::fs::read_to_string(sidebar).ok()?)?;
    let unstable = std::fs::read_to_string(dir.join("index.html"))
        .map(|page| experimental(&page))
        .unwrap_or_default();
    let mut module = Module::default();
    for (kind, mut names) in kinds {
        names.retain(|n| !unstable.contains(n));
        if kind == "mod" {
            for name in names {
                // A module re-exported from another crate may have no page
                // of its own here: it still exists, with no items known.
                let child = if OPAQUE.contains(&name.as_str()) {
                    Module::default()
                } else {
                    read_module(&dir.join(&name)).unwrap_or_default()
                };
                module.modules.insert(name, child);
            }
        } else if !NOT_IMPORTABLE.contains(&kind.as_str()) {
            if kind == "enum" {
                module.enums.extend(names.iter().cloned());
            }
            module.items.extend(names);
        }
    }
    Some(module)
}

/// The names a module's `index.html` lists as *Experimental* (unstable):
/// each entry is a `<dt>` whose link's title ends in the item's path and
/// which carries rustdoc's `stab unstable` badge.
fn experimental(page: &str) -> BTreeSet<String> {
    page.split("<dt>")
        .skip(1)
        .filter_map(|entry| {
            let entry = entry.split("</dt>").next()?;
            if !entry.contains("class=\"stab unstable\"") {
                return None;
            }
            let title = entry.split("title=\"").nth(1)?.split('"').next()?;
            Some(title.rsplit("::").next()?.to_string())
        })
        .collect()
}

/// `window.SIDEBAR_ITEMS = {"kind":["name",…],…};` as (kind, names).
fn parse_sidebar(text: &str) -> Option<BTreeMap<String, Vec<String>>> {
    let json = text
        .trim()
        .strip_prefix("window.SIDEBAR_ITEMS = ")?
        .trim_end_matches(';');
    serde_json::from_str(json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sidebar(dir: &Path, json: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("sidebar-items1.0.0.js"),
            format!("window.SIDEBAR_ITEMS = {json};"),
        )
        .unwrap();
    }

    #[test]
    fn the_tree_is_read_from_each_modules_sidebar() {
        let html = tempfile::tempdir().unwrap();
        for name in CRATES {
            sidebar(
                &html.path().join(name),
                r#"{"mod":["collections"],"macro":["vec"],"keyword":["fn"]}"#,
            );
        }
        sidebar(
            &html.path().join("std/collections"),
            r#"{"mod":["hash_map"],"struct":["HashMap","Cursor"],"enum":["TryReserveErrorKind"]}"#,
        );
        std::fs::write(
            html.path().join("std/collections/index.html"),
            r#"<dl><dt><a class="struct" href="struct.HashMap.html" title="struct std::collections::HashMap">HashMap</a></dt><dt><a class="struct" href="struct.Cursor.html" title="struct std::collections::Cursor">Cursor</a><wbr><span class="stab unstable" title="">Experimental</span></dt></dl>"#,
        )
        .unwrap();
        let paths = StdPaths::read(html.path()).unwrap();
        assert!(paths.contains("std::collections::HashMap"));
        assert!(paths.contains("std::collections::hash_map"));
        assert!(paths.contains("std::vec"));
        assert!(!paths.contains("std::regex"));
        assert!(!paths.contains("std::fn"), "keywords are not importable");
        assert!(!paths.contains("std::collections::HashMapEntry"));
        assert!(!paths.contains("regex::Regex"));
        assert!(!paths.contains("std::collections::Cursor"), "unstable");
        // An enum's variants are not listed, and are there; nothing is
        // below another item.
        assert!(paths.contains("std::collections::TryReserveErrorKind::CapacityOverflow"));
        assert!(!paths.contains("std::collections::HashMap::Entry"));
        assert!(!paths.contains("std::vec::Vec"), "`vec` is a macro here");
        assert_eq!(paths.crates["std"].size(), (3, 3));
    }

    #[test]
    fn no_documentation_means_no_list() {
        let html = tempfile::tempdir().unwrap();
        assert_eq!(StdPaths::read(html.path()), None);
    }
}

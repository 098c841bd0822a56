//! The layout's rules, checked on the workspace as it is:
//!
//! - between crates, dependencies run one way (read from `cargo metadata`, what `cargo tree`
//!   draws): each API crate depends on the runtime and on no other API crate, the runtime on
//!   none of ours, the facade on the runtime and the API crates;
//! - inside every crate (every library, binary, test, example and bench target), the modules
//!   form a tree: no module reaches, through its `crate::`, `super::` and `self::` paths, a
//!   module that reaches it back (read with syn: comments and strings are not paths; the
//!   token templates of `quote!` are the generated code's paths, not the generator's);
//! - what `cargo package` puts in a published crate holds no test fixture.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use syn::visit::Visit;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn metadata() -> serde_json::Value {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The workspace's packages, by name.
fn members(metadata: &serde_json::Value) -> BTreeMap<String, &serde_json::Value> {
    let ids: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|id| id.as_str())
        .collect();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| ids.contains(p["id"].as_str().unwrap()))
        .map(|p| (p["name"].as_str().unwrap().to_string(), p))
        .collect()
}

/// The workspace crates `package` depends on, each with its kind (`normal`, `dev`, `build`).
fn our_dependencies(package: &serde_json::Value) -> BTreeSet<(String, String)> {
    package["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"].as_str().unwrap().starts_with("crm-bindings"))
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["kind"].as_str().unwrap_or("normal").to_string(),
            )
        })
        .collect()
}

/// The API names, from `specs/`.
fn apis() -> Vec<String> {
    let mut apis: Vec<String> = std::fs::read_dir(root().join("specs"))
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "yaml").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    apis.sort();
    apis
}

#[test]
fn crates_depend_one_way() {
    let metadata = metadata();
    let members = members(&metadata);
    let runtime = ("crm-bindings-runtime".to_string(), "normal".to_string());
    assert_eq!(
        our_dependencies(members["crm-bindings-runtime"]),
        BTreeSet::new(),
        "the runtime depends on none of our crates, not even for its tests"
    );
    let mut api_packages = Vec::new();
    for api in apis() {
        let package = format!("crm-bindings-{}", api.replace('_', "-"));
        let found = members
            .get(&package)
            .unwrap_or_else(|| panic!("specs/{api}.yaml has no crate {package}"));
        assert_eq!(
            our_dependencies(found),
            BTreeSet::from([runtime.clone()]),
            "{package} depends on the runtime and on no other of our crates"
        );
        api_packages.push((package, "normal".to_string()));
    }
    // The golden sample is generated like an API.
    assert_eq!(
        our_dependencies(members["crm-bindings-keywords"]),
        BTreeSet::from([runtime.clone()])
    );
    // The facade re-exports the runtime and every API; its tests also use the golden
    // sample and name the runtime's mock facts.
    let facade = our_dependencies(members["crm-bindings"]);
    let normal: BTreeSet<_> = facade
        .iter()
        .filter(|(_, k)| k == "normal")
        .cloned()
        .collect();
    let mut expected: BTreeSet<_> = api_packages.into_iter().collect();
    expected.insert(runtime.clone());
    assert_eq!(normal, expected);
    // xtask (the generator and the maintainers' tasks) depends on no crate of ours: it
    // writes them.
    assert_eq!(our_dependencies(members["xtask"]), BTreeSet::new());
}

/// Every module of every target of every workspace crate, as a graph of files.
#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let metadata = metadata();
    let mut checked = 0;
    let mut cycles = Vec::new();
    for (name, package) in members(&metadata) {
        for target in package["targets"].as_array().unwrap() {
            let kind = target["kind"][0].as_str().unwrap();
            if kind == "custom-build" {
                continue; // build.rs: one file
            }
            let src = PathBuf::from(target["src_path"].as_str().unwrap());
            let graph = module_graph(&src);
            checked += graph.len();
            for cycle in find_cycles(&graph) {
                cycles.push(format!(
                    "{name} ({kind} {}): {}",
                    target["name"].as_str().unwrap(),
                    cycle.join(" -> ")
                ));
            }
        }
    }
    assert!(checked > 100, "only {checked} modules were read");
    assert!(
        cycles.is_empty(),
        "modules that import each other:\n{}",
        cycles.join("\n")
    );
}

/// The files of a target's modules (by module path, `crate` for the root), each with the
/// modules it reaches.
fn module_graph(root_file: &Path) -> BTreeMap<String, BTreeSet<String>> {
    // Find every file module first: a path resolves to the longest known one.
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let mut todo = vec![("crate".to_string(), root_file.to_path_buf(), true)];
    while let Some((module, file, owns_dir)) = todo.pop() {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        let dir = if owns_dir {
            file.parent().unwrap().to_path_buf()
        } else {
            file.with_extension("")
        };
        collect_mod_files(&parsed.items, &module, &dir, &file, &mut todo);
        files.push((module, file));
    }
    let known: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph = BTreeMap::new();
    for (module, file) in &files {
        let parsed = syn::parse_file(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut paths = Paths {
            at: vec![module.clone()],
            known: &known,
            found: Vec::new(),
        };
        paths.visit_file(&parsed);
        if std::env::var("LAYOUT_DEBUG").is_ok_and(|d| file.ends_with(&d)) {
            for path in &paths.found {
                eprintln!("{module}: {}", path.join("::"));
            }
        }
        let reached: BTreeSet<String> = paths
            .found
            .iter()
            .filter_map(|path| file_module(path, &known))
            .filter(|target| target != module)
            .collect();
        graph.insert(module.clone(), reached);
    }
    graph
}

/// The `mod x;` declarations of `items` (inline modules searched too), queued as files.
fn collect_mod_files(
    items: &[syn::Item],
    module: &str,
    dir: &Path,
    file: &Path,
    todo: &mut Vec<(String, PathBuf, bool)>,
) {
    for item in items {
        let syn::Item::Mod(m) = item else { continue };
        let child = format!("{module}::{}", m.ident);
        if let Some((_, inner)) = &m.content {
            collect_mod_files(inner, &child, &dir.join(m.ident.to_string()), file, todo);
            continue;
        }
        let explicit = m.attrs.iter().find_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        });
        let (path, owns_dir) = match explicit {
            Some(p) => {
                let path = file.parent().unwrap().join(&p);
                let owns = path.file_name().is_some_and(|n| n == "mod.rs");
                (path, owns)
            }
            None => {
                let flat = dir.join(format!("{}.rs", m.ident));
                if flat.exists() {
                    (flat, false)
                } else {
                    (dir.join(m.ident.to_string()).join("mod.rs"), true)
                }
            }
        };
        // A module file outside the crate's folders (`#[path]` to a shared file) is a leaf.
        if path.exists() {
            todo.push((child, path, owns_dir));
        }
    }
}

/// The file module a path (absolute, `crate::a::b::Item`) lands in: the longest known prefix.
fn file_module(path: &[String], known: &BTreeSet<String>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|prefix| known.contains(prefix))
}

/// Collects the absolute form of every `crate::`, `super::` and `self::` path of a file, and
/// of every path that starts with a child module's name (`use config::HttpConfig`).
struct Paths<'k> {
    /// The module being read (inline modules push onto it).
    at: Vec<String>,
    known: &'k BTreeSet<String>,
    found: Vec<Vec<String>>,
}

impl Paths<'_> {
    fn absolute(&self, segments: &[String]) -> Option<Vec<String>> {
        let here: Vec<String> = self.at.last()?.split("::").map(String::from).collect();
        let mut out = match segments.first()?.as_str() {
            "crate" => vec!["crate".to_string()],
            "self" => here.clone(),
            "super" => here.clone(),
            child
                if self
                    .known
                    .contains(&format!("{}::{child}", here.join("::"))) =>
            {
                let mut out = here.clone();
                out.push(child.to_string());
                out
            }
            _ => return None,
        };
        let mut rest = &segments[1..];
        if segments[0] == "super" {
            out.pop();
            while rest.first().is_some_and(|s| s == "super") {
                out.pop();
                rest = &rest[1..];
            }
        }
        out.extend(rest.iter().cloned());
        Some(out)
    }

    fn add(&mut self, segments: Vec<String>) {
        if let Some(path) = self.absolute(&segments) {
            self.found.push(path);
        }
    }

    fn use_tree(&mut self, prefix: Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                let mut next = prefix;
                next.push(p.ident.to_string());
                self.use_tree(next, &p.tree);
            }
            syn::UseTree::Name(n) => {
                let mut next = prefix;
                if n.ident != "self" {
                    next.push(n.ident.to_string());
                }
                self.add(next);
            }
            syn::UseTree::Rename(r) => {
                let mut next = prefix;
                if r.ident != "self" {
                    next.push(r.ident.to_string());
                }
                self.add(next);
            }
            syn::UseTree::Glob(_) => self.add(prefix),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix.clone(), t);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Paths<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if m.content.is_some() {
            let inner = format!("{}::{}", self.at.last().unwrap(), m.ident);
            self.at.push(inner);
            syn::visit::visit_item_mod(self, m);
            self.at.pop();
        }
    }

    /// `pub(crate)` and `pub(super)` say who may see an item, not what it uses.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(Vec::new(), &u.tree);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.add(p.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, p);
    }

    /// Macro arguments (`assert!(crate::x::y())`) are tokens to syn: their paths are read
    /// from the tokens, but not those of the generator's code templates.
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let name = m.path.segments.last().map(|s| s.ident.to_string());
        if !name.as_deref().is_some_and(is_template) {
            self.tokens(m.tokens.clone());
        }
    }
}

/// A macro whose tokens are code to generate, not code that runs here.
fn is_template(name: &str) -> bool {
    [
        "quote",
        "quote_spanned",
        "parse_quote",
        "parse_quote_spanned",
        "format_ident",
    ]
    .contains(&name)
}

impl Paths<'_> {
    /// The `crate::`, `super::` and `self::` paths in macro tokens, groups opened, skipping
    /// nested templates (`assert_eq!(f(parse_quote!(crate::X)), ..)`).
    fn tokens(&mut self, stream: proc_macro2::TokenStream) {
        use proc_macro2::TokenTree;
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Ident(name)
                    if is_template(&name.to_string())
                        && matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!') =>
                {
                    i += 3; // the name, `!` and the template's group
                }
                TokenTree::Ident(start)
                    if ["crate", "super", "self"].contains(&start.to_string().as_str()) =>
                {
                    let mut segments = vec![start.to_string()];
                    let mut j = i + 1;
                    while let (
                        Some(TokenTree::Punct(a)),
                        Some(TokenTree::Punct(b)),
                        Some(TokenTree::Ident(next)),
                    ) = (tokens.get(j), tokens.get(j + 1), tokens.get(j + 2))
                    {
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        segments.push(next.to_string());
                        j += 3;
                    }
                    if segments.len() > 1 {
                        self.add(segments);
                    }
                    i = j.max(i + 1);
                }
                TokenTree::Group(g) => {
                    self.tokens(g.stream());
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
}

/// Each cycle of the graph once, as the modules along it (the first repeated at the end).
fn find_cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut cycles: Vec<Vec<String>> = Vec::new();
    let mut seen_sets: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    for start in graph.keys() {
        // The shortest way back to `start`, breadth first.
        let mut back: BTreeMap<&String, &String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut found = None;
        while let Some(at) = queue.pop_front() {
            for next in graph.get(at).into_iter().flatten() {
                if next == start {
                    found = Some(at);
                    break;
                }
                if !back.contains_key(next) && graph.contains_key(next) {
                    back.insert(next, at);
                    queue.push_back(next);
                }
            }
            if found.is_some() {
                break;
            }
        }
        let Some(mut at) = found else { continue };
        let mut cycle = vec![start.clone()];
        let mut path = vec![at.clone()];
        while at != start {
            at = back[at];
            if at != start {
                path.push(at.clone());
            }
        }
        path.reverse();
        cycle.extend(path);
        cycle.push(start.clone());
        let set: BTreeSet<String> = cycle.iter().cloned().collect();
        if seen_sets.insert(set) {
            cycles.push(cycle);
        }
    }
    cycles
}

/// The checker itself finds what it is meant to: a cycle through a root re-export, and one
/// through a unit test; an edge one way only is no cycle.
#[test]
fn the_checker_finds_cycles() {
    let dir = std::env::temp_dir().join(format!("xtask-layout-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(
        dir.join("lib.rs"),
        "mod a; mod b; mod c; pub use b::Thing;\n",
    )
    .unwrap();
    // `b` reaches the root's re-export: root -> b -> root.
    std::fs::write(
        dir.join("b.rs"),
        "pub struct Thing; fn f() -> crate::Thing { Thing }\n",
    )
    .unwrap();
    // `a` -> `a::x` (in a folder) -> `c`, and `c`'s test reaches back into `a`.
    std::fs::write(dir.join("a.rs"), "mod x; fn g() { x::h() }\n").unwrap();
    std::fs::write(dir.join("a/x.rs"), "pub fn h() { super::super::c::k() }\n").unwrap();
    std::fs::write(
        dir.join("c.rs"),
        "pub fn k() {}\n#[cfg(test)]\nmod tests { #[test] fn t() { assert!(crate::a::x::h() == ()); } }\n",
    )
    .unwrap();
    let graph = module_graph(&dir.join("lib.rs"));
    assert_eq!(
        graph["crate::a::x"],
        BTreeSet::from(["crate::c".to_string()])
    );
    let cycles = find_cycles(&graph);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        cycles,
        [
            vec!["crate", "crate::b", "crate"],
            vec!["crate::a::x", "crate::c", "crate::a::x"],
        ]
        .map(|c| c.into_iter().map(String::from).collect::<Vec<_>>())
    );
}

/// `cargo package --list` of every published crate: its sources, manifest and README, and
/// no test fixture (suites, fixtures, snapshots, the golden sample's crate).
#[test]
fn published_crates_hold_no_test_fixture() {
    let metadata = metadata();
    let mut listed = 0;
    for (name, package) in members(&metadata) {
        // `publish = false` reads as an empty list of registries.
        if package["publish"].as_array().is_some_and(|r| r.is_empty()) {
            continue;
        }
        let out = Command::new(env!("CARGO"))
            .args([
                "package",
                "--list",
                "--allow-dirty",
                "--offline",
                "--package",
                &name,
            ])
            .current_dir(root())
            .output()
            .expect("cargo package runs");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let files = String::from_utf8_lossy(&out.stdout).to_string();
        for file in files.lines() {
            listed += 1;
            let fixture = file.starts_with("tests/")
                || file.contains("fixtures")
                || file.contains("snapshots")
                || file.contains("golden")
                || file.ends_with(".snap");
            assert!(!fixture, "{name} publishes {file}");
            assert!(
                file.starts_with("src/")
                    || file.starts_with("build")
                    || file == "docs/usage.md"
                    || [
                        "Cargo.toml",
                        "Cargo.toml.orig",
                        "Cargo.lock",
                        "README.md",
                        "CHANGELOG.md",
                        ".cargo_vcs_info.json"
                    ]
                    .contains(&file),
                "{name} publishes {file}: a file of neither its code nor its manifest, README and CHANGELOG"
            );
        }
        assert!(files.lines().any(|f| f == "README.md"), "{name}: no README");
    }
    assert!(listed > 20, "only {listed} files listed");
}

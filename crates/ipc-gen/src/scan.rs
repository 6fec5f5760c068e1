//! Finds the `#[tauri::command]` functions in the shell's source and reads
//! their signatures.

use std::path::Path;

use quote::ToTokens;
use syn::{Attribute, FnArg, GenericArgument, Item, Pat, PathArguments, ReturnType, Type};

use crate::{Arg, Command, GenError, RustType};

/// Argument types Tauri fills in itself; the window never passes them.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow", "Webview"];

/// Every command declared in the `.rs` files directly inside `dir`, by file
/// name and then in source order. `lib.rs` and `main.rs` are the crate root;
/// any other file is the module of its name.
pub fn scan_dir(dir: &Path) -> Result<Vec<Command>, GenError> {
    let entries = std::fs::read_dir(dir).map_err(|source| GenError::Read { path: dir.display().to_string(), source })?;
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let mut out: Vec<Command> = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).map_err(|source| GenError::Read { path: file.display().to_string(), source })?;
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let module = if stem == "lib" || stem == "main" { "" } else { stem };
        for c in scan_source(&file.display().to_string(), module, &source)? {
            if let Some(first) = out.iter().find(|o| o.name == c.name) {
                return Err(GenError::Duplicate { name: c.name.clone(), first: first.path(), second: c.path() });
            }
            out.push(c);
        }
    }
    Ok(out)
}

/// The commands declared at the top level of one file's `source`.
pub fn scan_source(path: &str, module: &str, source: &str) -> Result<Vec<Command>, GenError> {
    let file = syn::parse_file(source).map_err(|e| GenError::Parse {
        path: path.to_string(),
        line: e.span().start().line,
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    for item in file.items {
        let Item::Fn(f) = item else { continue };
        if !f.attrs.iter().any(is_command_attr) {
            continue;
        }
        let name = f.sig.ident.to_string();
        let unsupported = |ty: &dyn ToTokens| GenError::Unsupported {
            path: path.to_string(),
            command: name.clone(),
            ty: ty.to_token_stream().to_string(),
        };
        let mut args = Vec::new();
        for input in &f.sig.inputs {
            let FnArg::Typed(arg) = input else { continue };
            if last_ident(&arg.ty).is_some_and(|i| INJECTED.contains(&i.as_str())) {
                continue;
            }
            let Pat::Ident(ident) = &*arg.pat else {
                return Err(GenError::Pattern { path: path.to_string(), command: name.clone() });
            };
            let ty = rust_type(&arg.ty).ok_or_else(|| unsupported(&arg.ty))?;
            args.push(Arg { name: ident.ident.to_string().trim_start_matches('_').to_string(), ty });
        }
        let returns = match &f.sig.output {
            ReturnType::Default => RustType::Unit,
            ReturnType::Type(_, ty) => {
                let ok = result_ok(ty).unwrap_or(ty);
                rust_type(ok).ok_or_else(|| unsupported(ok))?
            }
        };
        out.push(Command { module: module.to_string(), name, doc: doc_lines(&f.attrs), args, returns });
    }
    Ok(out)
}

/// `#[tauri::command]` or a bare `#[command]`.
fn is_command_attr(attr: &Attribute) -> bool {
    let segs: Vec<String> = attr.path().segments.iter().map(|s| s.ident.to_string()).collect();
    segs == ["tauri", "command"] || segs == ["command"]
}

fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(r) => last_ident(&r.elem),
        _ => None,
    }
}

/// The `T` of a `Result<T, _>`.
fn result_ok(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Path(p) => {
            let seg = p.path.segments.last()?;
            (seg.ident == "Result").then(|| generic_args(&seg.arguments).into_iter().next()).flatten()
        }
        _ => None,
    }
}

fn generic_args(args: &PathArguments) -> Vec<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn rust_type(ty: &Type) -> Option<RustType> {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => Some(RustType::Unit),
        Type::Reference(r) => rust_type(&r.elem),
        Type::Paren(p) => rust_type(&p.elem),
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last()?;
            let one = || generic_args(&seg.arguments).first().and_then(|t| rust_type(t)).map(Box::new);
            Some(match seg.ident.to_string().as_str() {
                "String" | "str" | "PathBuf" | "Path" => RustType::String,
                "i8" | "i16" | "i32" | "i64" | "isize" | "u8" | "u16" | "u32" | "u64" | "usize" | "f32" | "f64" => RustType::Number,
                "bool" => RustType::Bool,
                "Option" => RustType::Option(one()?),
                "Vec" => RustType::Vec(one()?),
                "Channel" => RustType::Channel(one()?),
                name if matches!(seg.arguments, PathArguments::None) => RustType::Named(name.to_string()),
                _ => return None,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHELL: &str = r#"
        use tauri::State;
        /// Opens one question.
        ///
        /// With its notes.
        #[tauri::command]
        pub async fn open_question(state: State<'_, AppState>, id: String) -> Result<QuestionDetail, IpcError> { todo!() }

        #[tauri::command]
        pub async fn ui_ready() {}

        #[tauri::command]
        pub async fn rate(app: tauri::AppHandle, attempt_id: Option<i64>, chosen: Vec<usize>, on_event: Channel<starling::Ev>) -> Result<(), IpcError> { todo!() }

        pub fn helper(x: u8) -> u8 { x }
    "#;

    #[test]
    fn commands_are_read_with_their_arguments_returns_and_docs() {
        let cmds = scan_source("shell.rs", "study", SHELL).unwrap();
        let names: Vec<_> = cmds.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["open_question", "ui_ready", "rate"], "helpers without the attribute are not commands");
        assert_eq!(cmds[0].doc, ["Opens one question.", "", "With its notes."]);
        assert_eq!(cmds[0].args, [Arg { name: "id".into(), ty: RustType::String }], "State is injected, not passed");
        assert_eq!(cmds[0].returns, RustType::Named("QuestionDetail".into()));
        assert_eq!(cmds[1].returns, RustType::Unit);
        assert_eq!(cmds[2].returns, RustType::Unit);
        assert_eq!(
            cmds[2].args,
            [
                Arg { name: "attempt_id".into(), ty: RustType::Option(Box::new(RustType::Number)) },
                Arg { name: "chosen".into(), ty: RustType::Vec(Box::new(RustType::Number)) },
                Arg { name: "on_event".into(), ty: RustType::Channel(Box::new(RustType::Named("Ev".into()))) },
            ]
        );
    }

    #[test]
    fn a_type_ipc_cannot_carry_is_named_in_the_error() {
        let src = "#[tauri::command] fn bad(pair: (u8, u8)) {}";
        let err = scan_source("src/bad.rs", "bad", src).unwrap_err().to_string();
        assert!(err.contains("src/bad.rs") && err.contains("`bad`") && err.contains("(u8 , u8)"), "{err}");
    }

    #[test]
    fn source_that_does_not_parse_is_reported_with_its_line() {
        let err = scan_source("src/x.rs", "x", "fn ok() {}\nfn broken( {").unwrap_err();
        assert!(matches!(err, GenError::Parse { line: 2, .. }), "{err}");
    }

    #[test]
    fn a_name_declared_twice_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rs"), "#[tauri::command] fn ping() {}").unwrap();
        std::fs::write(dir.path().join("b.rs"), "#[tauri::command] fn ping() {}").unwrap();
        std::fs::write(dir.path().join("lib.rs"), "#[tauri::command] fn root() {}").unwrap();
        let err = scan_dir(dir.path()).unwrap_err().to_string();
        assert!(err.contains("`ping` is declared twice (a::ping and b::ping)"), "{err}");
        std::fs::remove_file(dir.path().join("b.rs")).unwrap();
        let paths: Vec<_> = scan_dir(dir.path()).unwrap().iter().map(Command::path).collect();
        assert_eq!(paths, ["a::ping", "root"]);
    }
}

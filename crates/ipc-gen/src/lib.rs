//! One declaration per IPC command. The shell's `#[tauri::command]`
//! functions are the declaration; this crate reads them (with `syn`, never
//! compiling the shell) and writes everything that must agree with them:
//!
//! - the handler list the shell passes to `tauri::generate_handler!`
//!   ([`handler_list`], written by `src-tauri/build.rs`),
//! - the permission set that lets the window call each of them
//!   ([`permission_set`], also written by `build.rs`),
//! - the typed TypeScript calls in `ui/src/lib/commands.ts`
//!   ([`typescript`], written by `cargo xtask codegen` and checked by a test).
//!
//! It knows nothing of Tauri's runtime, only the shape of a command.

mod scan;
mod ts;

pub use scan::{scan_dir, scan_source};
pub use ts::typescript;

/// Where the generated TypeScript lives, relative to the repository root.
pub const TYPESCRIPT_PATH: &str = "ui/src/lib/commands.ts";

/// The permission set (in the shell's `permissions/` folder) that grants
/// every command; the window's capability names it instead of listing them.
pub const PERMISSION_SET: &str = "window-commands";

/// One `#[tauri::command]` function.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// The module that declares it, as a path from the shell's crate root
    /// (`commands`, `study`); empty for the root itself.
    pub module: String,
    /// The Rust name, which is also the IPC name (`open_question`).
    pub name: String,
    /// The function's doc comment, one entry per line.
    pub doc: Vec<String>,
    /// The arguments the window passes, in order (injected ones such as
    /// `State` and `AppHandle` are left out).
    pub args: Vec<Arg>,
    /// What the call resolves to (the `Ok` side of a `Result`).
    pub returns: RustType,
}

/// An argument the window passes.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The Rust name (`question_id`); the window passes it in camelCase.
    pub name: String,
    pub ty: RustType,
}

/// The types a command may take or return, as far as IPC cares.
#[derive(Debug, Clone, PartialEq)]
pub enum RustType {
    String,
    Number,
    Bool,
    Unit,
    Option(Box<RustType>),
    Vec(Box<RustType>),
    /// A `tauri::ipc::Channel<T>`: the window passes a callback for `T`.
    Channel(Box<RustType>),
    /// A type with generated TypeScript bindings, by its name.
    Named(String),
}

/// Why the commands could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path} is not Rust that syn can parse (line {line}): {message}")]
    Parse { path: String, line: usize, message: String },
    #[error("{path}, command `{command}`: the type `{ty}` cannot cross IPC as generated code knows it; use String, a number, bool, Option, Vec, Channel or a type with TypeScript bindings")]
    Unsupported { path: String, command: String, ty: String },
    #[error("{path}, command `{command}`: an argument must be a plain name, not a pattern")]
    Pattern { path: String, command: String },
    #[error("command `{name}` is declared twice ({first} and {second}); IPC names must be unique")]
    Duplicate { name: String, first: String, second: String },
}

impl Command {
    /// `module::name`, as `generate_handler!` wants it.
    pub fn path(&self) -> String {
        if self.module.is_empty() {
            self.name.clone()
        } else {
            format!("{}::{}", self.module, self.name)
        }
    }

    /// The permission Tauri generates for the command (`allow-open-question`).
    pub fn permission(&self) -> String {
        format!("allow-{}", self.name.replace('_', "-"))
    }
}

/// The argument of `tauri::generate_handler!`, as an expression the shell
/// `include!`s.
pub fn handler_list(commands: &[Command]) -> String {
    let mut out = String::from("// Generated from the #[tauri::command] functions by starling-ipc-gen. Do not edit.\n");
    out.push_str("tauri::generate_handler![\n");
    for c in commands {
        out.push_str(&format!("    {},\n", c.path()));
    }
    out.push_str("]\n");
    out
}

/// A Tauri permission file defining [`PERMISSION_SET`]: every command's
/// `allow-` permission.
pub fn permission_set(commands: &[Command]) -> String {
    let mut out = String::from("# Generated from the #[tauri::command] functions by starling-ipc-gen. Do not edit.\n\n");
    out.push_str("[[set]]\n");
    out.push_str(&format!("identifier = \"{PERMISSION_SET}\"\n"));
    out.push_str("description = \"Every command the shell declares.\"\n");
    out.push_str("permissions = [\n");
    for c in commands {
        out.push_str(&format!("  \"{}\",\n", c.permission()));
    }
    out.push_str("]\n");
    out
}

/// `snake_case` to `camelCase`, as Tauri renames command arguments.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for ch in name.chars() {
        if ch == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(module: &str, name: &str) -> Command {
        Command { module: module.into(), name: name.into(), doc: vec![], args: vec![], returns: RustType::Unit }
    }

    #[test]
    fn names_become_paths_permissions_and_camel_case() {
        assert_eq!(cmd("study", "open_question").path(), "study::open_question");
        assert_eq!(cmd("", "ping").path(), "ping");
        assert_eq!(cmd("study", "open_question").permission(), "allow-open-question");
        assert_eq!(camel_case("question_id"), "questionId");
        assert_eq!(camel_case("first_try_at_it"), "firstTryAtIt");
        assert_eq!(camel_case("id"), "id");
    }

    #[test]
    fn the_handler_list_and_permission_set_name_every_command() {
        let cmds = [cmd("commands", "load_bank"), cmd("study", "search")];
        let handlers = handler_list(&cmds);
        assert!(handlers.contains("tauri::generate_handler![\n    commands::load_bank,\n    study::search,\n]"), "{handlers}");
        let set = permission_set(&cmds);
        assert!(set.contains("identifier = \"window-commands\""));
        assert!(set.contains("\"allow-load-bank\",\n  \"allow-search\",\n]"), "{set}");
    }
}

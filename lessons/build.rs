//! Embeds every lesson folder (scripts, sample files and `scenario.toml`) as a static table.
//!
//! The scenario is parsed here, at build time, so the page carries no TOML parser.

use serde::Deserialize;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Deserialize)]
struct Scenario {
    title: Title,
    #[serde(default)]
    teaches: Vec<String>,
    #[serde(default)]
    settle: Option<f64>,
    run: Vec<Run>,
}

#[derive(Deserialize)]
struct Title {
    en: String,
    zh: String,
}

#[derive(Deserialize)]
struct Run {
    file: Option<String>,
    ready: Option<String>,
    stdin: Option<String>,
    #[serde(default)]
    forever: bool,
    #[serde(default)]
    together: bool,
    serve_dir: Option<String>,
    port: Option<u16>,
    http_get: Option<String>,
    expect_body_contains: Option<String>,
    expect_exit: Option<String>,
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut folders: Vec<_> = std::fs::read_dir(dir)
        .expect("lessons/ is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("scenario.toml").is_file())
        .collect();
    folders.sort();
    let mut out = String::from("pub static LESSONS: &[Lesson] = &[\n");
    for folder in &folders {
        println!("cargo:rerun-if-changed={}", folder.display());
        let id = folder.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(folder.join("scenario.toml")).expect("scenario.toml");
        let scenario: Scenario =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{id}/scenario.toml: {e}"));
        let mut files: Vec<_> = std::fs::read_dir(folder)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "scenario.toml"))
            .collect();
        files.sort();
        // Scripts in the order the scenario first runs them, then the rest (sample files).
        let order = |p: &std::path::PathBuf| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let pos = scenario
                .run
                .iter()
                .position(|r| r.file.as_deref() == Some(name.as_str()));
            (pos.unwrap_or(usize::MAX), name)
        };
        files.sort_by_key(order);
        write!(
            out,
            "    Lesson {{ id: {id:?}, title_en: {:?}, title_zh: {:?}, teaches: &{:?}, settle: {:?},\n        files: &[",
            scenario.title.en,
            scenario.title.zh,
            scenario.teaches,
            scenario.settle.unwrap_or(0.3)
        )
        .unwrap();
        for f in &files {
            let name = f.file_name().unwrap().to_string_lossy();
            write!(
                out,
                "File {{ name: {name:?}, text: include_str!({:?}) }}, ",
                f.display()
            )
            .unwrap();
        }
        out.push_str("],\n        runs: &[");
        for r in &scenario.run {
            let kind = if let Some(file) = &r.file {
                format!("RunKind::Script {{ file: {file:?} }}")
            } else if let Some(dir) = &r.serve_dir {
                format!(
                    "RunKind::ServeDir {{ dir: {dir:?}, port: {} }}",
                    r.port.unwrap_or(8080)
                )
            } else if let Some(url) = &r.http_get {
                format!(
                    "RunKind::HttpGet {{ url: {url:?}, expect_body_contains: {:?} }}",
                    r.expect_body_contains.clone().unwrap_or_default()
                )
            } else {
                panic!("{id}: a run with neither file, serve_dir nor http_get");
            };
            write!(
                out,
                "Run {{ kind: {kind}, ready: {:?}, stdin: {:?}, forever: {}, together: {}, expect_exit: {:?} }}, ",
                r.ready, r.stdin.clone().unwrap_or_default(), r.forever, r.together, r.expect_exit
            )
            .unwrap();
        }
        out.push_str("] },\n");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("lessons.rs");
    std::fs::write(dest, out).unwrap();
}

//! Run a scenario folder (lesson or corpus program) on the fake host and show every
//! script's stdout and stderr: `cargo run -p socklab-lang --example scenario -- DIR`.

use socklab_lang::testing::{run_together_files, Script};

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("scenario dir"));
    let text = std::fs::read_to_string(dir.join("scenario.toml")).expect("scenario.toml");
    let mut files = Vec::new();
    for e in std::fs::read_dir(&dir).expect("dir") {
        let p = e.expect("entry").path();
        if p.is_file() {
            files.push((
                p.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
                    .to_string(),
                std::fs::read(&p).expect("read"),
            ));
        }
    }
    // A tiny reader for the keys this needs: file, stdin, forever.
    let mut scripts = Vec::new();
    for block in text.split("[[run]]").skip(1) {
        let get = |k: &str| {
            block.lines().find_map(|l| {
                let l = l.trim();
                let rest = l.strip_prefix(k)?.trim_start().strip_prefix('=')?.trim();
                Some(rest.trim_matches('"').replace("\\n", "\n"))
            })
        };
        let Some(file) = get("file") else { continue };
        let source = files
            .iter()
            .find(|(n, _)| *n == file)
            .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default();
        scripts.push(Script {
            name: file,
            source,
            stdin: get("stdin").unwrap_or_default(),
            forever: get("forever").is_some_and(|v| v == "true"),
        });
    }
    let (results, _) = run_together_files(&scripts, &files);
    for (s, r) in scripts.iter().zip(results) {
        println!(
            "=== {} (code {:?})\n{}--- stderr\n{}",
            s.name, r.code, r.stdout, r.stderr
        );
    }
}

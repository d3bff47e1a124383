//! Run a script on the in-memory fake host: `cargo run -p socklab-lang --example vmrun -- file.py [stdin-file]`.

use socklab_lang::testing::run_script_named;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = &args[1];
    let src = std::fs::read_to_string(path).expect("read script");
    let stdin = args
        .get(2)
        .map(|p| std::fs::read_to_string(p).expect("read stdin"))
        .unwrap_or_default();
    let name = std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("test.py");
    let r = run_script_named(&src, name, &stdin);
    print!("{}", r.stdout);
    eprint!("{}", r.stderr);
    std::process::exit(r.code.unwrap_or(99));
}

//! socklab's lesson library: every lesson folder beside this crate, embedded at build time.
//!
//! A lesson is a few Python scripts and a scenario saying how they run together (which
//! starts first, which port it must have bound before the next starts, what each reads on
//! standard input, which run forever). The page and `socklab run --lesson ID` both read it.
//!
//! ```
//! let echo = socklab_lessons::find("01-tcp-echo").unwrap();
//! assert!(echo.file("server.py").unwrap().contains("server.accept()"));
//! ```

/// One lesson.
#[derive(Debug)]
pub struct Lesson {
    /// The folder name, e.g. `01-tcp-echo`; used in `#lesson=<id>` links.
    pub id: &'static str,
    pub title_en: &'static str,
    pub title_zh: &'static str,
    /// What the lesson teaches, one point each.
    pub teaches: &'static [&'static str],
    /// Seconds to let forever-running servers print after the last client ends.
    pub settle: f64,
    /// Scripts in the order the scenario first runs them, then sample files.
    pub files: &'static [File],
    pub runs: &'static [Run],
}

/// A file of a lesson.
#[derive(Debug)]
pub struct File {
    pub name: &'static str,
    pub text: &'static str,
}

/// One step of a lesson's scenario.
#[derive(Debug)]
pub struct Run {
    pub kind: RunKind,
    /// `tcp:HOST:PORT` / `udp:HOST:PORT`: the next step starts once this is bound.
    pub ready: Option<&'static str>,
    /// The sample input, fed to the script's `input()` calls.
    pub stdin: &'static str,
    /// Runs until stopped (servers that loop over `accept`).
    pub forever: bool,
    /// Starts together with the neighbouring `together` runs.
    pub together: bool,
    /// The exception the script is expected to end with (e.g. `EOFError` when input runs out).
    pub expect_exit: Option<&'static str>,
}

/// What a scenario step does.
#[derive(Debug)]
pub enum RunKind {
    /// Run one of the lesson's scripts.
    Script { file: &'static str },
    /// An ordinary web server over the lesson's `page.html` (stands in for a public site).
    ServeDir { dir: &'static str, port: u16 },
    /// A real HTTP client fetches the student's server.
    HttpGet {
        url: &'static str,
        expect_body_contains: &'static str,
    },
}

impl Lesson {
    /// The text of one of the lesson's files.
    pub fn file(&self, name: &str) -> Option<&'static str> {
        self.files.iter().find(|f| f.name == name).map(|f| f.text)
    }

    /// The Python scripts, in scenario order.
    pub fn scripts(&self) -> impl Iterator<Item = &'static File> {
        self.files.iter().filter(|f| f.name.ends_with(".py"))
    }

    /// The sample input of the first run of `file`.
    pub fn stdin_for(&self, file: &str) -> &'static str {
        self.runs
            .iter()
            .find(|r| matches!(r.kind, RunKind::Script { file: f } if f == file))
            .map_or("", |r| r.stdin)
    }
}

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// Every lesson, ordered by id.
pub fn all() -> &'static [Lesson] {
    LESSONS
}

/// The lesson with this id.
pub fn find(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_lesson_is_embedded_with_its_scripts() {
        let on_disk = std::fs::read_dir(env!("CARGO_MANIFEST_DIR"))
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.path().join("scenario.toml").is_file())
            .count();
        assert_eq!(all().len(), on_disk);
        for lesson in all() {
            assert!(lesson.scripts().count() >= 1, "{} has no script", lesson.id);
            assert!(!lesson.title_zh.is_empty() && !lesson.title_en.is_empty());
            for run in lesson.runs {
                if let RunKind::Script { file } = run.kind {
                    assert!(lesson.file(file).is_some(), "{}: {file} missing", lesson.id);
                }
            }
        }
    }

    #[test]
    fn scenario_details_survive_embedding() {
        let chat = find("07-terminal-chat").unwrap();
        assert_eq!(chat.stdin_for("client.py"), "hi\nfine\nesc\n");
        assert_eq!(chat.runs[0].ready, Some("tcp:hostname:8888"));
        let greeter = find("08-threaded-greeter").unwrap();
        assert_eq!(greeter.settle, 2.0);
        assert!(greeter.runs[1].together && greeter.runs[0].forever);
        assert_eq!(
            find("12-udp-chat").unwrap().runs[0].expect_exit,
            Some("EOFError")
        );
        let first: Vec<_> = find("01-tcp-echo")
            .unwrap()
            .scripts()
            .map(|f| f.name)
            .collect();
        assert_eq!(first, ["server.py", "client.py"]);
    }
}

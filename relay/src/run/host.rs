//! The terminal's side of `lang::host::Host`: output streams, the file area (the working directory) and the clock.

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use socklab_client::{Engine, ScriptId};
use socklab_lang::host::{errno, Host, Location, Op, OpId, OsError, Stream};

/// Where a script's output goes: the process's stdout/stderr, flushed at every write (as
/// `python3 -u`), each line optionally prefixed with the script's name.
#[derive(Debug)]
pub struct Output {
    prefix: Option<String>,
}

/// The terminal both streams share when several prefixed scripts write to it.
#[derive(Debug)]
struct Console {
    /// Per stream: the prefix of the script whose line is open, if a line is open.
    open: [Option<String>; 2],
}

static CONSOLE: std::sync::Mutex<Console> = std::sync::Mutex::new(Console { open: [None, None] });

impl Output {
    pub fn new(prefix: Option<String>) -> Output {
        Output { prefix }
    }

    pub fn write(&mut self, stream: Stream, text: &str) {
        let text = self.render(stream, text);
        // A closed stdout (`| head`) must not kill the run: CPython would raise at exit,
        // but the script's sockets deserve their orderly close first.
        let _ = match stream {
            Stream::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes()).and_then(|()| out.flush())
            }
            Stream::Stderr => {
                let mut err = std::io::stderr().lock();
                err.write_all(text.as_bytes()).and_then(|()| err.flush())
            }
        };
    }

    /// The text with the prefix at each line start. A line another script left open
    /// (an `input()` prompt) is ended first, so every line names its script.
    fn render<'t>(&mut self, stream: Stream, text: &'t str) -> std::borrow::Cow<'t, str> {
        let slot = usize::from(stream == Stream::Stderr);
        let Some(prefix) = &self.prefix else {
            return std::borrow::Cow::Borrowed(text);
        };
        let mut console = CONSOLE.lock().unwrap_or_else(|e| e.into_inner());
        let open = &mut console.open[slot];
        let mut out = String::with_capacity(text.len() + prefix.len() + 1);
        for piece in text.split_inclusive('\n') {
            match open.as_deref() {
                Some(p) if p == prefix => {}
                Some(_) => {
                    out.push('\n');
                    out.push_str(prefix);
                }
                None => out.push_str(prefix),
            }
            out.push_str(piece);
            *open = if piece.ends_with('\n') {
                None
            } else {
                Some(prefix.clone())
            };
        }
        std::borrow::Cow::Owned(out)
    }
}

/// The sandboxed file area of `socklab run`: the working directory. Paths that leave it
/// (`..`, absolute paths elsewhere) are refused with `PermissionError`.
#[derive(Debug, Clone)]
pub struct FileArea {
    root: PathBuf,
}

impl FileArea {
    pub fn new(root: PathBuf) -> FileArea {
        FileArea { root }
    }

    fn resolve(&self, path: &str) -> Result<PathBuf, OsError> {
        let refused = || OsError {
            errno: errno::EACCES,
            message: "Permission denied".into(),
        };
        let p = Path::new(path);
        let relative = if p.is_absolute() {
            p.strip_prefix(&self.root).map_err(|_| refused())?
        } else {
            p
        };
        let mut out = self.root.clone();
        for part in relative.components() {
            match part {
                Component::Normal(name) => out.push(name),
                Component::CurDir => {}
                Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                    return Err(refused())
                }
            }
        }
        if path.is_empty() {
            return Err(io_error(&std::io::Error::from_raw_os_error(errno::ENOENT)));
        }
        Ok(out)
    }

    pub fn read(&self, path: &str) -> Result<Vec<u8>, OsError> {
        std::fs::read(self.resolve(path)?).map_err(|e| io_error(&e))
    }

    pub fn write(&self, path: &str, data: &[u8], append: bool) -> Result<(), OsError> {
        let path = self.resolve(path)?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(path)
            .map_err(|e| io_error(&e))?;
        file.write_all(data).map_err(|e| io_error(&e))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.resolve(path).is_ok_and(|p| p.exists())
    }
}

/// An I/O error as CPython words it (`[Errno 2] No such file or directory`).
fn io_error(e: &std::io::Error) -> OsError {
    let errno = e.raw_os_error().unwrap_or(errno::EINVAL);
    let message = match errno {
        2 => "No such file or directory".to_string(),
        13 => "Permission denied".to_string(),
        17 => "File exists".to_string(),
        20 => "Not a directory".to_string(),
        21 => "Is a directory".to_string(),
        28 => "No space left on device".to_string(),
        n => match socklab_proto::errno::strerror(n) {
            "Unknown error" => {
                let text = e.to_string();
                text.split(" (os error").next().unwrap_or(&text).to_string()
            }
            known => known.to_string(),
        },
    };
    OsError { errno, message }
}

/// An op the runner itself answers (not the socket engine).
#[derive(Debug, Clone, PartialEq)]
pub enum LocalOp {
    Sleep { id: OpId, seconds: f64 },
    Input { id: OpId },
    Cancel { id: OpId },
}

/// What one script sees as its host during one `Interpreter::run` call.
pub struct ScriptHost<'a> {
    pub script: ScriptId,
    pub engine: &'a mut Engine,
    pub out: &'a mut Output,
    pub files: &'a FileArea,
    pub local: &'a mut Vec<LocalOp>,
    pub start: Instant,
}

impl ScriptHost<'_> {
    fn now(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}

impl Host for ScriptHost<'_> {
    fn write(&mut self, stream: Stream, text: &str) {
        self.out.write(stream, text);
    }

    fn submit(&mut self, id: OpId, op: Op, at: Location) {
        match op {
            Op::Sleep { seconds } => self.local.push(LocalOp::Sleep { id, seconds }),
            Op::Input => self.local.push(LocalOp::Input { id }),
            op => {
                let now = self.now();
                self.engine.submit(self.script, id, op, at, now);
            }
        }
    }

    fn cancel(&mut self, id: OpId) {
        self.engine.cancel(self.script, id);
        self.local.push(LocalOp::Cancel { id });
    }

    fn time(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    }

    fn monotonic(&self) -> f64 {
        self.now()
    }

    fn hostname(&self) -> String {
        self.engine.hostname().unwrap_or("localhost").to_string()
    }

    fn read_file(&mut self, path: &str) -> Result<Vec<u8>, OsError> {
        self.files.read(path)
    }

    fn write_file(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), OsError> {
        self.files.write(path, data, append)
    }

    fn file_exists(&mut self, path: &str) -> bool {
        self.files.exists(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_area_refuses_paths_that_leave_it() {
        let area = FileArea::new(PathBuf::from("/work/area"));
        assert_eq!(
            area.resolve("out.html").unwrap(),
            PathBuf::from("/work/area/out.html")
        );
        assert_eq!(
            area.resolve("./sub/x").unwrap(),
            PathBuf::from("/work/area/sub/x")
        );
        assert_eq!(
            area.resolve("/work/area/x").unwrap(),
            PathBuf::from("/work/area/x")
        );
        for bad in ["../x", "sub/../../x", "/etc/passwd", "/work/areax/y"] {
            assert_eq!(area.resolve(bad).unwrap_err().errno, errno::EACCES, "{bad}");
        }
    }

    #[test]
    fn prefixed_output_names_the_script_on_every_line() {
        let mut server = Output::new(Some("[s.py] ".into()));
        let mut client = Output::new(Some("[c.py] ".into()));
        let mut seen = String::new();
        seen.push_str(&server.render(Stream::Stdout, "a"));
        seen.push_str(&server.render(Stream::Stdout, "b\nc\n"));
        seen.push_str(&client.render(Stream::Stdout, ">"));
        seen.push_str(&server.render(Stream::Stdout, "d\n"));
        seen.push_str(&client.render(Stream::Stdout, "e\n"));
        assert_eq!(seen, "[s.py] ab\n[s.py] c\n[c.py] >\n[s.py] d\n[c.py] e\n");
        let mut plain = Output::new(None);
        assert_eq!(plain.render(Stream::Stdout, "x\ny"), "x\ny");
    }
}

//! `socklab run --lesson ID`: a lesson's whole scenario in one process, each script its own interpreter on the shared engine.

use std::time::{Duration, Instant};

use anyhow::Context;
use socklab_client::ScriptId;
use socklab_lessons::{Lesson, Run, RunKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::driver::{Driver, Input, Ready};
use super::host::Output;
use socklab_lang::host::Stream;

/// How long a step may take to become ready or to end (as `run-lessons` allows).
const STEP: Duration = Duration::from_secs(30);

/// Runs the scenario in order: a run with `ready` must have bound its port before the next
/// starts; runs marked `together` start at once; forever-running servers are stopped once
/// the others ended and the lesson's settle time passed. Exit status 0 when every script
/// ended as the lesson expects.
pub async fn run(driver: &mut Driver, lesson: &'static Lesson) -> anyhow::Result<i32> {
    let mut scripts: Vec<(ScriptId, &'static Run)> = Vec::new();
    let mut failed = false;
    let note = |text: String| Output::new(None).write(Stream::Stderr, &text);
    let mut i = 0;
    while i < lesson.runs.len() {
        let mut batch = vec![i];
        if lesson.runs[i].together {
            while i + 1 < lesson.runs.len() && lesson.runs[i + 1].together {
                i += 1;
                batch.push(i);
            }
        }
        let mut started = Vec::new();
        for &j in &batch {
            let run = &lesson.runs[j];
            match &run.kind {
                RunKind::Script { file } => {
                    let source = lesson
                        .file(file)
                        .with_context(|| format!("lesson {} has no {file}", lesson.id))?;
                    let prefix = format!("[{file}] ");
                    let argv = vec![file.to_string()];
                    let id =
                        driver.spawn(source, file, argv, Input::sample(run.stdin), Some(prefix));
                    scripts.push((id, run));
                    started.push((id, run));
                }
                RunKind::ServeDir { port, .. } => {
                    let page = lesson.file("page.html").unwrap_or("").as_bytes();
                    let listener = tokio::net::TcpListener::bind(("127.0.0.1", *port))
                        .await
                        .with_context(|| format!("serving the lesson's page on port {port}"))?;
                    tokio::task::spawn_local(serve_page(listener, page));
                }
                RunKind::HttpGet {
                    url,
                    expect_body_contains,
                } => {
                    let fetch = tokio::task::spawn_local(http_get(url));
                    let limit = Some(Instant::now() + STEP);
                    driver.run_until(|_| fetch.is_finished(), limit).await?;
                    let result = if fetch.is_finished() {
                        fetch.await.unwrap_or_else(|e| Err(e.to_string()))
                    } else {
                        fetch.abort();
                        Err("timed out".to_string())
                    };
                    match result {
                        Ok(body) if body.contains(expect_body_contains) => {
                            note(format!("[http_get] {url}: body ok\n"))
                        }
                        Ok(_) => {
                            failed = true;
                            note(format!("[http_get] {url}: unexpected body\n"));
                        }
                        Err(e) => {
                            failed = true;
                            note(format!("[http_get] {url}: {e}\n"));
                        }
                    }
                }
            }
        }
        for &(id, run) in &started {
            if let Some(spec) = run.ready {
                let ready = parse_ready(spec)?;
                let limit = Some(Instant::now() + STEP);
                let up = driver
                    .run_until(|d| d.is_ready(ready) || d.exited(id), limit)
                    .await?;
                if !up || !driver.is_ready(ready) {
                    failed = true;
                    note(format!("socklab: {spec} never became ready\n"));
                }
            }
        }
        for &(id, run) in &started {
            if !run.forever && run.ready.is_none() {
                driver.run_until(|d| d.exited(id), None).await?;
            }
        }
        i += 1;
    }
    // Servers that became ready and are not forever end by themselves too.
    let finite: Vec<ScriptId> = scripts
        .iter()
        .filter(|(_, r)| !r.forever)
        .map(|(id, _)| *id)
        .collect();
    driver
        .run_until(|d| finite.iter().all(|id| d.exited(*id)), None)
        .await?;
    // Let forever-servers print what the last client caused, then stop them.
    let settle = Instant::now() + Duration::from_secs_f64(lesson.settle.max(0.0));
    driver.run_until(|_| false, Some(settle)).await?;
    for (id, run) in &scripts {
        if run.forever {
            driver.stop(*id);
        }
    }
    for (id, run) in &scripts {
        if run.forever {
            continue;
        }
        let code = driver.exit_code(*id).unwrap_or(1);
        let expected = match (code, run.expect_exit, driver.error(*id)) {
            (0, None, _) => true,
            (_, Some(name), Some(err)) => err.split(':').next() == Some(name),
            _ => false,
        };
        failed |= !expected;
    }
    driver.drain(super::DRAIN).await?;
    Ok(i32::from(failed))
}

/// `tcp:HOST:PORT` / `udp:HOST:PORT`.
fn parse_ready(spec: &str) -> anyhow::Result<Ready> {
    let mut parts = spec.split(':');
    let (kind, _host, port) = (parts.next(), parts.next(), parts.next());
    let port: u16 = port
        .and_then(|p| p.parse().ok())
        .with_context(|| format!("bad ready spec {spec:?}"))?;
    match kind {
        Some("tcp") => Ok(Ready::Tcp(port)),
        Some("udp") => Ok(Ready::Udp(port)),
        _ => anyhow::bail!("bad ready spec {spec:?}"),
    }
}

/// An ordinary web server for the lesson's page (it stands in for a public site): answers
/// every request with the page and closes, as `python3 -m http.server` does.
async fn serve_page(listener: tokio::net::TcpListener, page: &'static [u8]) {
    while let Ok((mut conn, _)) = listener.accept().await {
        tokio::task::spawn_local(async move {
            let mut buf = [0u8; 4096];
            let mut seen = Vec::new();
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") && seen.len() < 65536 {
                match conn.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let head = format!(
                "HTTP/1.0 200 OK\r\nServer: socklab\r\nContent-type: text/html\r\nContent-Length: {}\r\n\r\n",
                page.len()
            );
            let _ = conn.write_all(head.as_bytes()).await;
            let _ = conn.write_all(page).await;
            let _ = conn.shutdown().await;
        });
    }
}

/// A plain HTTP/1.0 GET of an `http://HOST:PORT/PATH` URL; returns the body.
async fn http_get(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("not an http:// URL: {url}"))?;
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let mut conn = tokio::net::TcpStream::connect(authority)
        .await
        .map_err(|e| e.to_string())?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: {authority}\r\n\r\n");
    conn.write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    conn.read_to_end(&mut response)
        .await
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&response);
    Ok(text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, body)| body.to_string()))
}

//! The dashboard in a real browser: Chromium, driven over WebDriver (chromedriver), loads
//! the page, moves a slider, checks that the chart changed and that the console has no
//! errors, runs Monte Carlo from the page, and saves screenshots.
//!
//! Needs `chromium` and `chromium-driver` (Debian packages; `.ci/run` installs them). Without
//! them the test is skipped, except under `CI=true`, where it fails.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Kills a child process when dropped, so a failing test leaves nothing running.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|d| names.iter().map(move |n| d.join(n))).find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A WebDriver session.
struct Session {
    base: String,
}

impl Session {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let agent = agent();
        let mut response = match (method, body) {
            ("GET", _) => agent.get(&url).call(),
            ("DELETE", _) => agent.delete(&url).call(),
            (_, body) => agent
                .post(&url)
                .content_type("application/json")
                .send(body.unwrap_or_else(|| json!({})).to_string()),
        }
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = response.status();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert!(status.is_success(), "{method} {path}: {status} {v}");
        v["value"].clone()
    }

    fn script(&self, source: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({ "script": source, "args": [] })))
    }

    /// Polls `source` until it returns something truthy, or fails after `secs`.
    fn wait_for(&self, source: &str, secs: u64, what: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.script(source);
            if !(v.is_null() || v == json!(false) || v == json!("")) {
                return v;
            }
            assert!(start.elapsed() < Duration::from_secs(secs), "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, dir: &std::path::Path, name: &str) -> PathBuf {
        let b64 = self.call("GET", "/screenshot", None);
        let bytes = decode_base64(b64.as_str().unwrap());
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG screenshot");
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

/// Standard base64 (the WebDriver screenshot encoding).
fn decode_base64(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= u32::from(value(c)) << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// Starts `suanli serve` on a free port; returns the process and the dashboard's URL.
fn start_server() -> (Guard, String) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_suanli"))
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the server prints its URL")
        .to_string();
    (Guard(server), url)
}

/// An HTTP client that returns 4xx and 5xx answers instead of failing on them.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

/// What the server answers to a POST whose header declares a 2 MiB body that never comes.
fn declared_oversize_answer(url: &str) -> String {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let request = format!(
        "POST /api/site/plan HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        2 << 20
    );
    tcp.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn get(url: &str) -> (u16, String) {
    let agent = agent();
    let mut r = agent.get(url).call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    (r.status().as_u16(), r.body_mut().read_to_string().unwrap_or_default())
}

#[test]
fn api_answers_like_the_cli_and_refuses_bad_requests_with_a_message() {
    let (_server, url) = start_server();
    let (status, body) = get(&format!("{url}api/race?scenario=baseline"));
    assert_eq!(status, 200);
    let cli = Command::new(env!("CARGO_BIN_EXE_suanli")).args(["race", "--format", "json"]).output().unwrap();
    assert_eq!(body.as_bytes(), cli.stdout.as_slice(), "/api/race is `suanli race --format json`");
    let (status, svg) = get(&format!("{url}api/chart/race.svg?interconnect_factor=2&pue=1.2"));
    assert_eq!(status, 200);
    assert!(svg.starts_with("<svg") && svg.contains("Effective AI compute"));
    for (query, needle) in [
        ("api/race?scenario=atlantis", "unknown scenario `atlantis`"),
        ("api/race?pue=9", "`pue` must be between"),
        ("api/race?pue=abc", "must be a number"),
        ("api/race?bogus=1", "unknown parameter `bogus`"),
        ("api/chart/race.svg?from=2040&to=2030", "must be before"),
        ("api/chart/race.svg?mc=999", "no Monte Carlo job 999"),
        ("api/mc/abc", "job ids are numbers"),
        ("api/site/plan", "takes another method"),
        ("nowhere", "no such page"),
    ] {
        let (status, body) = get(&format!("{url}{query}"));
        assert!((400..500).contains(&status), "{query}: {status}");
        let v: Value =
            serde_json::from_str(&body).unwrap_or_else(|_| panic!("{query}: JSON error, got {body}"));
        assert!(v["error"].as_str().unwrap_or("").contains(needle), "{query}: {body}");
    }
    // A bad uploaded profile is refused with its line, before any planning.
    let agent = agent();
    let site = "[site]\nname = \"t\"\nprofiles = \"p.csv\"\n[load]\nfirm_mw = 10\n[gas]\ncapital_cost_per_mw_year = 1\nmarginal_cost_per_mwh = 1\n";
    let mut r = agent
        .post(&format!("{url}api/site/plan"))
        .content_type("application/json")
        .send(json!({"site": site, "profiles": "hour,solar_cf,wind_cf\n0,0.5,0.2\n1,7,0.1\n"}).to_string())
        .unwrap();
    let body = r.body_mut().read_to_string().unwrap();
    assert_eq!(r.status().as_u16(), 400, "{body}");
    assert!(body.contains("uploaded profiles") && body.contains(":3"), "{body}");
    // Limits: bodies over 1 MiB, a third concurrent Monte Carlo job.
    // The body is declared and not sent: the answer must come from the header alone (a
    // client that streamed 2 MiB could see the connection closed before it finished).
    let head = declared_oversize_answer(&url);
    assert!(head.starts_with("HTTP/1.1 413") && head.contains("at most 1048576"), "{head}");
    let start_job =
        || agent.post(&format!("{url}api/mc?draws=1000000")).send_empty().unwrap().status().as_u16();
    assert_eq!((start_job(), start_job()), (202, 202));
    assert_eq!(start_job(), 429);
    // Still up.
    assert_eq!(get(&format!("{url}api/scenarios")).0, 200);
}

#[test]
fn dashboard_redraws_when_a_slider_moves_without_console_errors() {
    let (Some(chromium), Some(driver)) =
        (find(&["chromium", "chromium-browser", "google-chrome"]), find(&["chromedriver"]))
    else {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium and chromium-driver");
        eprintln!("skipped: chromium or chromedriver not installed");
        return;
    };

    let (_server, url) = start_server();

    let port = free_port();
    let _driver = Guard(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while ureq::get(&format!("{base}/status")).call().is_err() {
        assert!(start.elapsed() < Duration::from_secs(20), "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let driver_session = Session { base: base.clone() };
    let created = driver_session.call(
        "POST",
        "/session",
        Some(json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1500"]
            },
            "goog:loggingPrefs": {"browser": "ALL"}
        }}})),
    );
    let id = created["sessionId"].as_str().expect("a session id").to_string();
    let s = Session { base: format!("{base}/session/{id}") };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    s.call("POST", "/url", Some(json!({ "url": url })));
    let fingerprint = "const c = document.querySelector('#chart svg'); return c ? c.innerHTML.length + ':' + (document.querySelector('#chart polyline') || {}).outerHTML : ''";
    let before = s.wait_for(fingerprint, 20, "the first chart");
    s.screenshot(&shots, "dashboard-1-loaded.png");

    // Move the grid-connection slider as a user would: click on it, then arrow keys.
    let el =
        s.call("POST", "/element", Some(json!({"using": "css selector", "value": "#s-interconnect_factor"})));
    let el = el
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_str)
        .expect("the slider")
        .to_string();
    s.call("POST", &format!("/element/{el}/click"), None);
    s.call(
        "POST",
        &format!("/element/{el}/value"),
        Some(json!({"text": "\u{E014}\u{E014}\u{E014}\u{E014}"})),
    );
    let moved = s.script("return document.getElementById('s-interconnect_factor').value");
    assert_ne!(moved, json!("1"), "the slider moved");
    let after = s.wait_for(
        &format!("const f = (() => {{ {fingerprint} }})(); return f && f !== {before} ? f : ''"),
        20,
        "the chart to change",
    );
    assert_ne!(before, after);
    let timing = s.wait_for("return document.getElementById('timing').textContent", 5, "the timing");
    eprintln!("dashboard: {}", timing);
    s.screenshot(&shots, "dashboard-2-slider-moved.png");

    // Monte Carlo from the page: progress, then bands on the chart.
    s.script("const d = document.getElementById('draws'); d.value = 2000; d.dispatchEvent(new Event('input')); document.getElementById('mc-run').click(); return true");
    s.wait_for("return document.getElementById('mc-status').textContent.includes('bands') && document.querySelector('#chart svg').innerHTML.includes('bands: 5th-95th')", 60, "Monte Carlo bands");
    let shot = s.screenshot(&shots, "dashboard-3-monte-carlo.png");
    let errors = s.script("return window.suanliErrors");
    assert_eq!(errors, json!([]), "page errors");

    // The site page: plan the example campus from synthetic profiles.
    s.call("POST", "/url", Some(json!({ "url": format!("{url}site") })));
    s.wait_for("return document.getElementById('plan') !== null", 10, "the site page");
    s.script("document.getElementById('plan').click(); return true");
    s.wait_for(
        "const c = document.querySelector('#chart svg'); return c && c.innerHTML.includes('Capacity built') && document.getElementById('summary').textContent",
        120,
        "the site plan",
    );
    s.screenshot(&shots, "dashboard-4-site.png");

    let errors = s.script("return window.suanliErrors");
    assert_eq!(errors, json!([]), "page errors");
    let shown = s.script("return document.getElementById('error').textContent");
    assert_eq!(shown, json!(""), "error shown on the page");
    // Chromium's own console log, where the driver offers it.
    let agent = agent();
    let log = agent
        .post(&format!("{base}/session/{id}/se/log"))
        .content_type("application/json")
        .send(json!({"type": "browser"}).to_string());
    if let Ok(mut r) = log {
        if r.status().is_success() {
            let v: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap_or_default())
                .unwrap_or(Value::Null);
            let severe: Vec<&Value> =
                v["value"].as_array().into_iter().flatten().filter(|e| e["level"] == "SEVERE").collect();
            assert!(severe.is_empty(), "console errors: {severe:?}");
        }
    }
    s.call("DELETE", "", None);
    eprintln!("screenshots in {}", shot.parent().unwrap().display());
}

/// Resident memory of a process, kB (Linux).
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// 200 clients on the dashboard API for `SUANLI_LOAD_SECONDS` (default 5; 30 for the
/// figures in docs/reliability.md): no request may fail and memory must stay flat.
#[test]
fn two_hundred_clients_get_answers_and_memory_stays_flat() {
    let (server, url) = start_server();
    let pid = server.0.id();
    let seconds: f64 = std::env::var("SUANLI_LOAD_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5.0);
    // Warm up, then measure memory under load.
    for _ in 0..20 {
        assert_eq!(get(&format!("{url}api/chart/race.svg")).0, 200);
    }
    let rss_before = rss_kb(pid);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let clients: Vec<_> = (0..200u64)
        .map(|c| {
            let url = url.clone();
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(60)))
                    .build()
                    .into();
                let (mut ok, mut failed, mut latencies) = (0u64, 0u64, Vec::new());
                let mut k = c;
                while Instant::now() < deadline {
                    k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let path = if k % 10 == 0 {
                        "api/scenarios".to_string()
                    } else {
                        format!(
                            "api/chart/race.svg?interconnect_factor={:.2}&generation_growth_delta={:.3}",
                            ((k >> 33) % 300) as f64 / 100.0,
                            ((k >> 20) % 100) as f64 / 1000.0
                        )
                    };
                    let t = Instant::now();
                    let answered = agent
                        .get(&format!("{url}{path}"))
                        .call()
                        .is_ok_and(|mut r| r.status().is_success() && r.body_mut().read_to_string().is_ok());
                    if answered {
                        ok += 1;
                    } else {
                        failed += 1;
                    }
                    latencies.push(t.elapsed());
                }
                (ok, failed, latencies)
            })
        })
        .collect();
    let mut peak_rss = 0;
    while Instant::now() < deadline {
        peak_rss = peak_rss.max(rss_kb(pid));
        std::thread::sleep(Duration::from_millis(200));
    }
    let (mut ok, mut failed, mut latencies) = (0, 0, Vec::new());
    for c in clients {
        let (o, f, l) = c.join().unwrap();
        ok += o;
        failed += f;
        latencies.extend(l);
    }
    let rss_after = rss_kb(pid);
    latencies.sort();
    let q = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    eprintln!(
        "load: 200 clients, {seconds} s: {ok} answers, {failed} failed, {:.0} req/s, latency p50 {:?} p99 {:?} max {:?}; server RSS {} MB before, {} MB peak, {} MB after",
        ok as f64 / seconds,
        q(0.5),
        q(0.99),
        latencies.last().unwrap(),
        rss_before / 1024,
        peak_rss / 1024,
        rss_after / 1024
    );
    assert_eq!(failed, 0, "failed requests");
    assert!(ok > 0);
    assert!(rss_after < rss_before + 200 * 1024, "memory grew from {rss_before} kB to {rss_after} kB");
    assert_eq!(get(&format!("{url}api/scenarios")).0, 200, "still up");
}

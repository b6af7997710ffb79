//! A throwaway PostgreSQL cluster for the tests: one per test-binary run,
//! started by the first test that asks ([`fresh_database`]), in a
//! temporary folder, listening only on a unix socket in that folder, and
//! stopped (its folder removed) when the test binary exits. Each test gets
//! a database of its own. PostgreSQL refuses to run as root: as root, the
//! cluster runs as the `postgres` user (or `nobody`). Without PostgreSQL
//! installed the test fails and says how to install it: never a skip.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

struct Cluster {
    bindir: PathBuf,
    /// The temporary folder: data/ and the socket.
    dir: PathBuf,
    /// Whom the server runs as when the tests run as root.
    run_as: Option<String>,
    /// How long initdb and start took.
    started_in: Duration,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(1);
/// CREATE DATABASE copies template1; one at a time keeps them from
/// tripping over each other.
static CREATING: Mutex<()> = Mutex::new(());

/// A new, empty database in the tests' cluster: its connection string.
/// Panics with the reason when PostgreSQL is missing or will not start.
pub fn fresh_database() -> String {
    let cluster = match CLUSTER.get_or_init(start) {
        Ok(c) => c,
        Err(why) => panic!("PostgreSQL test cluster: {why}"),
    };
    let name = format!("test_{}", NEXT_DB.fetch_add(1, Ordering::SeqCst));
    let _one = CREATING.lock().unwrap_or_else(|e| e.into_inner());
    let mut admin = postgres::Client::connect(&cluster.params("postgres"), postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to the test cluster: {e}"));
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
    cluster.params(&name)
}

/// How long the cluster took to set up and start (after the first
/// [`fresh_database`]).
pub fn started_in() -> Option<Duration> {
    CLUSTER.get()?.as_ref().ok().map(|c| c.started_in)
}

impl Cluster {
    fn params(&self, dbname: &str) -> String {
        format!(
            "host={} port={PORT} user=postgres dbname={dbname} connect_timeout=10",
            self.dir.display()
        )
    }

    fn pg_ctl(&self, args: &[&str]) -> Command {
        let mut c = as_user(&self.run_as, &self.bindir.join("pg_ctl"));
        c.args(args);
        c
    }
}

/// The socket's name is .s.PGSQL.<port> in the folder; nothing listens on
/// TCP, so any port will do.
const PORT: u16 = 5432;

fn start() -> Result<Cluster, String> {
    let dir = std::env::temp_dir().join(format!("orderdesk-pg-{}", std::process::id()));
    let cluster = Cluster::make(dir)?;
    // The cluster goes with the test binary, however its tests ended.
    unsafe { libc::atexit(stop_at_exit) };
    Ok(cluster)
}

impl Cluster {
    /// A new cluster in `dir` (made afresh), started.
    fn make(dir: PathBuf) -> Result<Cluster, String> {
        let began = Instant::now();
        let bindir = find_bindir()?;
        let root = unsafe { libc::geteuid() } == 0;
        let run_as = if root {
            Some(unprivileged_user()?)
        } else {
            None
        };
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if let Some(user) = &run_as {
            let status = Command::new("chown")
                .arg(user)
                .arg(&dir)
                .status()
                .map_err(|e| format!("chown: {e}"))?;
            if !status.success() {
                return Err(format!("chown {user} {} failed", dir.display()));
            }
        }
        let data = dir.join("data");
        let out = as_user(&run_as, &bindir.join("initdb"))
            .args(["-D"])
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ])
            .output()
            .map_err(|e| format!("running initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let cluster = Cluster {
            bindir,
            dir,
            run_as,
            started_in: Duration::ZERO,
        };
        cluster.start()?;
        Ok(Cluster {
            started_in: began.elapsed(),
            ..cluster
        })
    }

    /// Starts the server (throwaway data: no fsync; the socket only, in
    /// the cluster's folder) and waits until it takes connections.
    fn start(&self) -> Result<(), String> {
        let options = format!(
            "-c listen_addresses='' -k {} -p {PORT} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            self.dir.display()
        );
        let log = self.dir.join("server.log");
        let out = self
            .pg_ctl(&["start", "-w", "-t", "60", "-D"])
            .arg(self.dir.join("data"))
            .args(["-l"])
            .arg(&log)
            .args(["-o", &options])
            .output()
            .map_err(|e| format!("running pg_ctl start: {e}"))?;
        if !out.status.success() {
            let server_log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!(
                "pg_ctl start failed: {}{server_log}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }

    /// Stops the server: `fast` ends every session (as a restart does).
    fn stop(&self, mode: &str) {
        let _ = self
            .pg_ctl(&["stop", "-m", mode, "-w", "-D"])
            .arg(self.dir.join("data"))
            .output();
    }
}

/// A cluster of a test's own, to stop and start under a console without
/// touching the other tests' databases; stopped and removed when dropped.
pub struct OwnCluster(Cluster);

impl OwnCluster {
    /// Panics with the reason when PostgreSQL is missing or will not start.
    pub fn new(name: &str) -> OwnCluster {
        let dir = std::env::temp_dir().join(format!("orderdesk-pg-{}-{name}", std::process::id()));
        match Cluster::make(dir) {
            Ok(c) => OwnCluster(c),
            Err(why) => panic!("PostgreSQL cluster {name}: {why}"),
        }
    }

    /// A new database in it: its connection string.
    pub fn database(&self, name: &str) -> String {
        let mut admin = postgres::Client::connect(&self.0.params("postgres"), postgres::NoTls)
            .unwrap_or_else(|e| panic!("connecting to the cluster: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        self.0.params(name)
    }

    /// Stops the server as an administrator's restart does (every session
    /// ended).
    pub fn stop(&self) {
        self.0.stop("fast");
    }

    pub fn start(&self) {
        if let Err(why) = self.0.start() {
            panic!("{why}");
        }
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        self.0.stop("immediate");
        let _ = std::fs::remove_dir_all(&self.0.dir);
    }
}

extern "C" fn stop_at_exit() {
    if let Some(Ok(cluster)) = CLUSTER.get() {
        cluster.stop("immediate");
        let _ = std::fs::remove_dir_all(&cluster.dir);
    }
}

/// `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin (where
/// Debian puts initdb, off the PATH), else initdb on the PATH.
fn find_bindir() -> Result<PathBuf, String> {
    let has_tools = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_tools(&dir) {
            return Ok(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, d)| has_tools(d))
        .collect();
    versions.sort();
    if let Some((_, dir)) = versions.pop() {
        return Ok(dir);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .find(|d| has_tools(d))
        .ok_or_else(|| {
            "PostgreSQL is not installed (no initdb and pg_ctl in `pg_config --bindir`, \
             /usr/lib/postgresql/*/bin or the PATH): install the Debian package \
             `postgresql` (.ci/run does)"
                .to_string()
        })
}

/// PostgreSQL will not run as root: the `postgres` user the Debian
/// package makes, else `nobody`.
fn unprivileged_user() -> Result<String, String> {
    for user in ["postgres", "nobody"] {
        let known = Command::new("id")
            .arg("-u")
            .arg(user)
            .output()
            .is_ok_and(|o| o.status.success());
        if known {
            return Ok(user.to_string());
        }
    }
    Err("running as root, and neither a `postgres` nor a `nobody` user to run PostgreSQL as".into())
}

fn as_user(run_as: &Option<String>, program: &Path) -> Command {
    match run_as {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(program);
            c
        }
        None => Command::new(program),
    }
}

/// The `postgres://` URL of connection parameters from [`fresh_database`],
/// as the program's --db takes it (the socket folder percent-encoded).
pub fn url(params: &str) -> String {
    let get = |key: &str| {
        params
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("no {key} in {params}"))
    };
    format!(
        "postgres://{}@{}:{}/{}",
        get("user"),
        get("host").replace('/', "%2F"),
        get("port"),
        get("dbname")
    )
}

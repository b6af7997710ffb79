//! The orderdesk command line: which database (an SQLite file, or
//! PostgreSQL for a `postgres://` URL), which operator, demo data; `init`,
//! `check` and `backup` look after the database itself; `migrate` moves a
//! file to PostgreSQL.

use anyhow::Result;
use clap::{Parser, Subcommand};
use orderdesk::session::simulate::Outcome;
use orderdesk::session::{operators, play, search, warehouse, Session};
use orderdesk::store::db::{is_postgres_url, PgTarget};
use orderdesk::store::move_to_postgres::{move_to_postgres, MoveError};
use orderdesk::store::{
    check_file_path, create_private_folder, Create, OpenError, OpenOptions, Store, StoreError,
    DEFAULT_BUSY_TIMEOUT,
};
use orderdesk::tui::app::App;
use orderdesk::tui::secret_prompt::read_secret;
use orderdesk::tui::theme::Theme;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "orderdesk",
    version,
    about = "Keyboard-only order entry for phone operators"
)]
struct Cli {
    /// Database file, or a PostgreSQL database as
    /// postgres://user@host:port/dbname [default: $ORDERDESK_DB, else
    /// orderdesk.db in the user's data folder]. It must exist (orderdesk
    /// init makes one); only the default file is created on first use
    #[arg(long, global = true, value_name = "PATH|URL")]
    db: Option<PathBuf>,
    /// Operator recorded on orders: another than the login only where the
    /// operators table lets this login act as them (audited) [default:
    /// $ORDERDESK_OPERATOR, else the login name]
    #[arg(long, global = true, value_name = "NAME")]
    operator: Option<String>,
    /// Do not fill a newly created database with the demo data
    #[arg(long, global = true)]
    no_demo: bool,
    /// How long to wait for another operator's write, in milliseconds
    #[arg(long, global = true, value_name = "MS", default_value_t = DEFAULT_BUSY_TIMEOUT.as_millis() as u64)]
    busy_timeout: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new database at --db PATH (or the default), with the demo
    /// data unless --no-demo. Never overwrites a file; of folders, only the
    /// default data folder is made
    Init,
    /// Generate a large realistic database (on top of the demo data); a
    /// missing --db file is created
    Demo {
        /// Customers to add
        #[arg(long, default_value_t = 0)]
        customers: u64,
        /// Items to add
        #[arg(long, default_value_t = 0)]
        items: u64,
    },
    /// Place random orders as a simulated operator (load and crash testing).
    /// Prints one line per order: "placed N [N]" or "refused: why".
    Simulate {
        /// How many orders to place
        #[arg(long, default_value_t = 10)]
        orders: u64,
        /// Seed for the random choices
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Only these SKUs (comma-separated); all items when omitted
        #[arg(long, value_delimiter = ',')]
        items: Vec<String>,
    },
    /// Run a script of order-session commands (JSON lines; - for standard
    /// input) as the operator, printing one JSON line per command. Exit 0
    /// when every command was answered, refusals included; 2 for a
    /// malformed line or an unusable database
    Play {
        /// The script (- reads standard input)
        file: PathBuf,
    },
    /// Print a placed order as JSON (or as readable text with --text)
    Export {
        /// The order number
        order_no: i64,
        /// Readable text instead of JSON
        #[arg(long)]
        text: bool,
    },
    /// Goods arrive: on hand goes up and the backorders waiting for the
    /// item are filled, first placed first filled. Prints JSON; exit 0
    /// done, 1 refused, 2 unusable
    Receive {
        sku: String,
        quantity: i64,
        /// The day they arrived (YYYY-MM-DD); today when omitted
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    /// Release placed orders to the warehouse (held ones stay). Prints one
    /// JSON line per order; exit 0 all released, 1 one refused, 2 unusable
    Release {
        /// The order to release
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        order_no: Option<i64>,
        /// Every placed order not on hold
        #[arg(long)]
        all: bool,
    },
    /// A shipment leaves the warehouse: its stock comes off the shelf and
    /// out of the reservations. Prints JSON; exit 0 shipped, 1 refused, 2
    /// unusable
    Ship {
        order_no: i64,
        /// The shipment's number within the order
        shipment: u32,
        /// The carrier's tracking text
        #[arg(long, default_value = "")]
        tracking: String,
    },
    /// Check the database: SQLite's integrity and foreign keys, stock
    /// reserved against open orders, every order's totals and parts. Exit 0
    /// when sound, 1 when problems were found, 2 when it cannot be checked
    Check,
    /// Copy the database to a new file while operators keep working (online
    /// backup), then check the copy. Never overwrites; the copy is mode 0600
    Backup {
        /// The copy to write (a new file)
        path: PathBuf,
    },
    /// Search items or customers as the console does; one JSON object a
    /// line, best match first (nothing printed when nothing matches)
    Search {
        #[command(subcommand)]
        command: search::SearchCommand,
    },
    /// Manage operators: roles, limits per currency, supervisor PINs and
    /// who may act as whom (admins; the login that created the database is one)
    Operators {
        #[command(subcommand)]
        command: operators::OperatorsCommand,
    },
    /// Move a SQLite store to an empty PostgreSQL database: every table
    /// copied with its ids in one transaction, committed only when the row
    /// counts and totals match. The SQLite file is only read. Prints a JSON
    /// summary; exit 0 moved, 1 refused or rolled back, 2 unusable
    Migrate {
        /// The SQLite store to move (it must pass `orderdesk check`)
        #[arg(long, value_name = "PATH")]
        from: PathBuf,
        /// The PostgreSQL database: postgres://user@host:port/dbname (or
        /// libpq's key=value pairs), connecting as the schema's owner
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

/// An input the program cannot work with (a malformed script): exit 2.
#[derive(Debug)]
struct Unusable(play::PlayError);

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Unusable {}

/// A command asked of a PostgreSQL store that cannot run there: what
/// ("generating … is"), and what to do instead. Exit 2.
#[derive(Debug)]
struct NotOnPostgres(&'static str, &'static str);

impl std::fmt::Display for NotOnPostgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} not available on PostgreSQL; {}", self.0, self.1)
    }
}

impl std::error::Error for NotOnPostgres {}

/// Generated customers and items go to PostgreSQL only with the demo data,
/// into a new database: they are made in a scratch SQLite file and moved
/// over whole, as `migrate` moves a store, and a move needs an empty
/// target.
const GENERATE_ON_NEW_ONLY: NotOnPostgres = NotOnPostgres(
    "adding generated customers and items to a database that has data (or without the demo data) is",
    "generate them with the demo data into a new, empty database (demo --customers N --items M)",
);

/// The customers and items `command` generates.
fn generated(command: &Option<Command>) -> (u64, u64) {
    match command {
        Some(Command::Demo { customers, items }) => (*customers, *items),
        _ => (0, 0),
    }
}

/// The progress bar of generated rows, on stderr.
fn generation_bar(total: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} rows ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

fn default_db() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "orderdesk")
        .ok_or_else(|| anyhow::anyhow!("no home folder to keep the database in; use --db PATH"))?;
    Ok(dirs.data_dir().join("orderdesk.db"))
}

/// The operator of this session: the login name, or the operator that
/// --operator (else $ORDERDESK_OPERATOR) names where the operators table
/// lets this login act as them (audited).
fn operator_name(store: &Store, flag: Option<String>) -> Result<String> {
    let requested = flag.or_else(|| std::env::var("ORDERDESK_OPERATOR").ok());
    let login = operators::os_login();
    Ok(operators::acting_operator(
        store,
        &login,
        requested.as_deref(),
    )?)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Kept to the end: dropping it flushes the log.
    let _log = orderdesk::log::init();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "start");
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // One clear line; exit code 2 for a database we cannot use.
            let code = if let Some(m) = e.downcast_ref::<MoveError>() {
                m.exit_code()
            } else if e.downcast_ref::<OpenError>().is_some()
                || e.downcast_ref::<Unusable>().is_some()
                || e.downcast_ref::<NotOnPostgres>().is_some()
                || e.downcast_ref::<search::BadSearch>().is_some()
                || e.downcast_ref::<warehouse::DatabaseFailed>().is_some()
            {
                2
            } else {
                1
            };
            let text = format!("{e:#}");
            eprintln!(
                "orderdesk: {}",
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            ExitCode::from(code)
        }
    }
}

/// True when `e` (or what caused it) says the database file is damaged:
/// SQLite's SQLITE_CORRUPT / SQLITE_NOTADB, however the layers above
/// passed it on.
fn is_damaged(e: &anyhow::Error) -> bool {
    let corrupt = StoreError::Corrupt.to_string();
    e.chain().any(|cause| {
        cause
            .downcast_ref::<rusqlite::Error>()
            .is_some_and(orderdesk::store::is_corruption)
            || cause.downcast_ref::<StoreError>() == Some(&StoreError::Corrupt)
            || cause.to_string().contains(&corrupt)
    })
}

/// Exit 1 (with a line on stderr) when something asked was refused; the
/// refusal itself is on stdout.
fn refused_unless(done: bool) -> Result<()> {
    if done {
        Ok(())
    } else {
        Err(anyhow::anyhow!(
            "refused: see the \"refused\" line on stdout"
        ))
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let busy = Duration::from_millis(cli.busy_timeout);
    // Before anything opens (or makes) the --db store: migrate has its own.
    if let Some(Command::Migrate { from, to }) = &cli.command {
        if cli.db.is_some() {
            anyhow::bail!("migrate reads the SQLite store from --from, not --db");
        }
        migrate(from, to, busy)?;
        return Ok(ExitCode::SUCCESS);
    }
    // --db, else $ORDERDESK_DB: either is the operator's choice, which
    // must exist (only the default file is made on first use).
    let chosen = cli.db.clone().or_else(|| {
        std::env::var_os("ORDERDESK_DB")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    if let Some(url) = chosen
        .as_ref()
        .and_then(|p| p.to_str())
        .filter(|s| is_postgres_url(s))
    {
        return run_postgres(cli, url.to_owned(), busy);
    }
    let explicit = chosen.is_some();
    let path = match chosen {
        Some(p) => p,
        None => default_db()?,
    };
    check_file_path(&path)?;
    if let Some(Command::Check) = cli.command {
        let report = orderdesk::store::check::check_database(&path, busy)?;
        print!("{report}");
        return Ok(if report.is_sound() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    // Only `init`, `demo` and the default database make a new file; an
    // explicit path that is not there is a mistyped path, not a new shop.
    let create = match cli.command {
        Some(Command::Init) => Create::New,
        Some(Command::Demo { .. }) => Create::IfMissing,
        Some(Command::Backup { .. }) => Create::Never,
        _ if explicit => Create::Never,
        _ => Create::IfMissing,
    };
    if create != Create::Never && !explicit {
        if let Some(dir) = path.parent() {
            create_private_folder(dir).map_err(|e| {
                OpenError::Other(
                    path.clone(),
                    format!("cannot create the data folder {}: {e}", dir.display()),
                )
            })?;
        }
    }
    let options = OpenOptions::new(busy, create)
        .startup_check(true)
        .warm_map(cli.command.is_none());
    let (store, created) = Store::open_with(&path, options)?;
    let damaged = |e: anyhow::Error| {
        if is_damaged(&e) {
            anyhow::Error::new(OpenError::Damaged(path.clone()))
        } else {
            e
        }
    };
    run_command(cli, store, created).map_err(damaged)?;
    Ok(ExitCode::SUCCESS)
}

/// The commands on a PostgreSQL store. `backup` prints the `pg_dump`
/// command and connects to nothing; `check` reads without migrating;
/// the rest open the store as a file is opened (init makes a new one).
fn run_postgres(cli: Cli, url: String, busy: Duration) -> Result<ExitCode> {
    let (customers, items) = generated(&cli.command);
    if customers + items > 0 && cli.no_demo {
        return Err(GENERATE_ON_NEW_ONLY.into());
    }
    match &cli.command {
        Some(Command::Backup { path: dest }) => {
            let target = PgTarget::parse(&url)
                .map_err(|e| OpenError::Postgres("the PostgreSQL connection string".into(), e))?;
            if dest.exists() {
                anyhow::bail!(
                    "{}: a file is already there; a backup needs a new path",
                    dest.display()
                );
            }
            eprintln!(
                "orderdesk: {} is backed up by PostgreSQL's own pg_dump (restored with pg_restore); run:",
                target.label()
            );
            println!("{}", target.pg_dump_command(dest));
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Check) => {
            let report = orderdesk::store::check::check_postgres(&url)?;
            print!("{report}");
            return Ok(if report.is_sound() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        _ => {}
    }
    let create = match cli.command {
        Some(Command::Init) => Create::New,
        Some(Command::Demo { .. }) => Create::IfMissing,
        _ => Create::Never,
    };
    let (store, created) = Store::connect_postgres(&url, create, busy)?;
    if customers + items > 0 && !created {
        return Err(GENERATE_ON_NEW_ONLY.into());
    }
    if created && !cli.no_demo {
        // The demo data (and what is generated) is written by SQLite code:
        // made in a scratch file and moved over, checked, before anything
        // else is written.
        if !matches!(cli.command, Some(Command::Init)) {
            eprintln!(
                "orderdesk: new database {}; loading the demo data",
                store.describe()
            );
        }
        let started = std::time::Instant::now();
        let bar = generation_bar(customers + items);
        store.load_demo_on_postgres(
            chrono::Local::now().date_naive(),
            busy,
            customers,
            items,
            &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            },
            &mut |line| {
                bar.finish_and_clear();
                if customers + items > 0 {
                    eprintln!("orderdesk: moving to PostgreSQL: {line}");
                }
            },
        )?;
        bar.finish_and_clear();
        if customers + items > 0 {
            eprintln!(
                "orderdesk: added {customers} customers and {items} items to {} in {:.1} s",
                store.describe(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    run_command(cli, store, created)?;
    Ok(ExitCode::SUCCESS)
}

/// `orderdesk migrate`: progress on stderr, one JSON line on stdout.
fn migrate(from: &std::path::Path, to: &str, busy: Duration) -> Result<()> {
    let moved = move_to_postgres(from, to, busy, &mut |line| {
        eprintln!("orderdesk: migrate: {line}")
    })?;
    let tables: serde_json::Map<String, serde_json::Value> = moved
        .tables
        .iter()
        .map(|(name, rows)| (name.clone(), (*rows).into()))
        .collect();
    let totals: serde_json::Map<String, serde_json::Value> = moved
        .totals
        .iter()
        .map(|t| {
            (
                format!("{}.{}", t.table, t.column),
                t.sum.to_string().into(),
            )
        })
        .collect();
    // The URL is not echoed: it may hold a password.
    let summary = serde_json::json!({
        "migrated": from.display().to_string(),
        "tables": moved.tables.len(),
        "rows": moved.rows(),
        "verified": "row counts and totals equal",
        "sqlite_schema_version": moved.sqlite_version,
        "postgres_schema_version": moved.postgres_version,
        "rows_per_table": tables,
        "totals": totals,
    });
    println!("{summary}");
    Ok(())
}

fn run_command(cli: Cli, mut store: Store, created: bool) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    let path = store.describe();
    if created && !cli.no_demo && !store.is_postgres() {
        if !matches!(cli.command, Some(Command::Init)) {
            eprintln!("orderdesk: new database {path}; loading the demo data");
        }
        store.load_demo(today)?;
    }
    if created {
        // Whoever creates the database is its admin.
        store.record_creator(&operators::os_login())?;
    }
    match cli.command {
        Some(Command::Init) => {
            eprintln!(
                "orderdesk: created {path}{}",
                if cli.no_demo {
                    " (empty: no demo data)"
                } else {
                    " with the demo data"
                }
            );
            Ok(())
        }
        Some(Command::Check) | Some(Command::Migrate { .. }) => Ok(()),
        Some(Command::Operators { command }) => {
            let login = operators::os_login();
            let out = &mut std::io::stdout().lock();
            operators::run(&store, &login, command, out, &mut read_secret)?;
            Ok(())
        }
        Some(Command::Backup { path: dest }) => {
            let done = store.backup(&dest, Duration::from_millis(cli.busy_timeout))?;
            println!(
                "orderdesk: backup of {path} written to {}: {} orders, {} bytes, integrity checked, in {:.1} s",
                done.path.display(),
                done.orders,
                done.bytes,
                done.elapsed.as_secs_f64()
            );
            Ok(())
        }
        // Made with the demo data and what it generated, or refused, before
        // this (run_postgres).
        Some(Command::Demo { .. }) if store.is_postgres() => Ok(()),
        Some(Command::Demo { customers, items }) => {
            let bar = generation_bar(customers + items);
            let started = std::time::Instant::now();
            store.generate(customers, items, today, &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })?;
            bar.finish_and_clear();
            eprintln!(
                "orderdesk: added {customers} customers and {items} items to {path} in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Some(Command::Simulate {
            orders,
            seed,
            items,
        }) => {
            use std::io::Write;
            let operator = operator_name(&store, cli.operator)?;
            let skus = store.simulation_items(&items)?;
            let mut rng = fastrand::Rng::with_seed(seed);
            let mut session = Session::new(store, operator, today).without_drafts();
            let mut out = std::io::stdout().lock();
            for _ in 0..orders {
                match session.place_random_order(&mut rng, &skus)? {
                    Outcome::Placed(numbers) => {
                        let list: Vec<String> = numbers.iter().map(|n| n.to_string()).collect();
                        writeln!(out, "placed {}", list.join(" "))?;
                    }
                    Outcome::Refused(why) => writeln!(out, "refused: {why}")?,
                }
                out.flush()?;
            }
            Ok(())
        }
        Some(Command::Export { order_no, text }) => {
            let order = store
                .export_order(order_no)?
                .ok_or_else(|| anyhow::anyhow!("no order number {order_no} in {path}"))?;
            if text {
                print!("{}", orderdesk::session::order_text::order_text(&order));
            } else {
                let json = serde_json::to_string_pretty(&order)?;
                println!("{}", orderdesk::domain::text::json_safe(&json));
            }
            Ok(())
        }
        Some(Command::Receive {
            sku,
            quantity,
            date,
        }) => {
            let operator = operator_name(&store, cli.operator)?;
            let day = date.unwrap_or(today);
            let done = warehouse::receive(
                &store,
                &sku,
                quantity,
                day,
                &operator,
                &mut std::io::stdout().lock(),
            )?;
            refused_unless(done)
        }
        Some(Command::Release { order_no, .. }) => {
            let operator = operator_name(&store, cli.operator)?;
            let done =
                warehouse::release(&store, order_no, &operator, &mut std::io::stdout().lock())?;
            refused_unless(done)
        }
        Some(Command::Ship {
            order_no,
            shipment,
            tracking,
        }) => {
            let operator = operator_name(&store, cli.operator)?;
            let done = warehouse::ship(
                &store,
                order_no,
                shipment,
                &tracking,
                &operator,
                &mut std::io::stdout().lock(),
            )?;
            refused_unless(done)
        }
        Some(Command::Search { command }) => {
            search::run(&store, command, &mut std::io::stdout().lock())
        }
        Some(Command::Play { file }) => {
            let commands = if file.as_os_str() == "-" {
                play::parse(std::io::stdin().lock())
            } else {
                let f = std::fs::File::open(&file)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                play::parse(std::io::BufReader::new(f))
            }
            .map_err(Unusable)?;
            let operator = operator_name(&store, cli.operator)?;
            let mut session = Session::new(store, operator, today).without_drafts();
            play::run(&mut session, commands, &mut std::io::stdout().lock())?;
            Ok(())
        }
        None => {
            let operator = operator_name(&store, cli.operator)?;
            // The catalog's search index, built now rather than on a key.
            store.warm_item_index()?;
            let mut session = Session::new(store, operator, today);
            // Beside the log, in the private state folder.
            if let Some(folder) = orderdesk::log::folder() {
                session = session.with_unsaved_folder(&folder.join("unsaved-orders"));
            }
            let app = App::new(session, Theme::from_env());
            orderdesk::tui::terminal::run(app)
        }
    }
}

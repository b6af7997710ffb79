//! The orderdesk command line: which database, which operator, demo data.

use anyhow::Result;
use clap::{Parser, Subcommand};
use orderdesk::store::{OpenError, Store, DEFAULT_BUSY_TIMEOUT};
use orderdesk::tui::app::App;
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
    /// Database file [default: orderdesk.db in the user's data folder]
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Operator name recorded on orders [default: $ORDERDESK_OPERATOR, else the login name]
    #[arg(long, value_name = "NAME")]
    operator: Option<String>,
    /// Do not fill a newly created database with the demo data
    #[arg(long)]
    no_demo: bool,
    /// How long to wait for another operator's write, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_BUSY_TIMEOUT.as_millis() as u64)]
    busy_timeout: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a large realistic database (on top of the demo data)
    Demo {
        /// Customers to add
        #[arg(long, default_value_t = 0)]
        customers: u64,
        /// Items to add
        #[arg(long, default_value_t = 0)]
        items: u64,
    },
}

fn default_db() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "orderdesk")
        .ok_or_else(|| anyhow::anyhow!("no home folder to keep the database in; use --db PATH"))?;
    Ok(dirs.data_dir().join("orderdesk.db"))
}

fn operator_name(flag: Option<String>) -> String {
    flag.or_else(|| std::env::var("ORDERDESK_OPERATOR").ok())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .map(|s| orderdesk::domain::text::clean(&s))
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "operator".into())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One clear line; exit code 2 for a database we cannot use.
            let code = if e.downcast_ref::<OpenError>().is_some() {
                2
            } else {
                1
            };
            eprintln!("orderdesk: {e:#}");
            ExitCode::from(code)
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let path = match cli.db {
        Some(p) => p,
        None => default_db()?,
    };
    let today = chrono::Local::now().date_naive();
    let (mut store, created) = Store::open(&path, Duration::from_millis(cli.busy_timeout))?;
    if created && !cli.no_demo {
        eprintln!(
            "orderdesk: new database {}; loading the demo data",
            path.display()
        );
        store.load_demo(today)?;
    }
    match cli.command {
        Some(Command::Demo { customers, items }) => {
            let _ = (customers, items, &mut store);
            anyhow::bail!("demo generation is not built yet")
        }
        None => {
            let operator = operator_name(cli.operator);
            let app = App::new(store, operator, today, Theme::from_env());
            orderdesk::tui::terminal::run(app)
        }
    }
}

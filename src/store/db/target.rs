//! Which PostgreSQL database a connection string names, told without its
//! password: for messages, and for the `pg_dump` command `orderdesk backup`
//! prints on PostgreSQL.

use postgres::config::Host;
use std::path::Path;

/// True when `text` is a PostgreSQL URL (`postgres://…` or
/// `postgresql://…`), which `--db` takes instead of a file path.
pub fn is_postgres_url(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The parts of a connection string that say where, never the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgTarget {
    /// Host names, or socket folders (libpq takes both as a host).
    pub hosts: Vec<String>,
    pub ports: Vec<u16>,
    pub user: Option<String>,
    pub dbname: Option<String>,
}

impl PgTarget {
    /// Reads a URL or libpq `key=value` string as the client does; the
    /// client's own message when it cannot.
    pub fn parse(params: &str) -> Result<PgTarget, String> {
        let config: postgres::Config = params.parse().map_err(|e| format!("{e}"))?;
        let hosts = config
            .get_hosts()
            .iter()
            .map(|h| match h {
                Host::Tcp(name) => name.clone(),
                Host::Unix(dir) => dir.display().to_string(),
            })
            .collect();
        Ok(PgTarget {
            hosts,
            ports: config.get_ports().to_vec(),
            user: config.get_user().map(str::to_owned),
            dbname: config.get_dbname().map(str::to_owned),
        })
    }

    /// `postgres://user@host:port/dbname`, without the password: what the
    /// program shows for the database.
    pub fn label(&self) -> String {
        let user = self
            .user
            .as_deref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        let hosts = self
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| match self.ports.get(i).or(self.ports.first()) {
                Some(port) => format!("{h}:{port}"),
                None => h.clone(),
            })
            .collect::<Vec<_>>()
            .join(",");
        let db = self.dbname.as_deref().unwrap_or_default();
        format!("postgres://{user}{hosts}/{db}")
    }

    /// The `pg_dump` command that writes this database to `file` in
    /// pg_dump's custom format (restored with `pg_restore`), as one shell
    /// line. No password: pg_dump asks for it, or reads ~/.pgpass.
    pub fn pg_dump_command(&self, file: &Path) -> String {
        let mut words = vec![
            "pg_dump".to_owned(),
            "--format=custom".to_owned(),
            format!("--file={}", file.display()),
        ];
        if let Some(host) = self.hosts.first() {
            words.push(format!("--host={host}"));
        }
        if let Some(port) = self.ports.first() {
            words.push(format!("--port={port}"));
        }
        if let Some(user) = &self.user {
            words.push(format!("--username={user}"));
        }
        if let Some(db) = &self.dbname {
            words.push(format!("--dbname={db}"));
        }
        words
            .iter()
            .map(|w| shell_word(w))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `word` as the shell reads it back: as is when plain, else in single
/// quotes (a quote inside closes, escapes and reopens).
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=./:@,+%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_postgres_url("postgres://u@h/db"));
        assert!(is_postgres_url("PostgreSQL://h/db"));
        assert!(!is_postgres_url("postgres:/h/db"));
        assert!(!is_postgres_url("orders/postgres://x"));
    }

    #[test]
    fn the_password_is_never_shown() {
        let t = PgTarget::parse("postgres://ann:s3cret@dbhost:5433/shop").unwrap();
        assert_eq!(t.label(), "postgres://ann@dbhost:5433/shop");
        let cmd = t.pg_dump_command(Path::new("/backups/shop 1.dump"));
        assert_eq!(
            cmd,
            "pg_dump --format=custom '--file=/backups/shop 1.dump' --host=dbhost --port=5433 --username=ann --dbname=shop"
        );
        assert!(!cmd.contains("s3cret"));
    }

    #[test]
    fn key_value_strings_and_socket_folders_read_alike() {
        let t =
            PgTarget::parse("host=/run/postgresql port=5432 user=o dbname=d password=x").unwrap();
        assert_eq!(t.label(), "postgres://o@/run/postgresql:5432/d");
        assert!(PgTarget::parse("postgres://h:notaport/d").is_err());
    }
}

//! The console's store puts SQLite's memory map of the database file into
//! the process's page tables in the background as it opens
//! (store/map_warm.rs), so its first searches do not fault page by page.

use crate::common::{demo_store, today, BUSY};
use orderdesk::store::{Create, CustomerQuery, OpenOptions, Store};
use std::path::Path;
use std::time::{Duration, Instant};

/// Kilobytes of `file`'s maps present in this process's page tables
/// (`Rss` in /proc/self/smaps).
#[cfg(target_os = "linux")]
fn mapped_kb(file: &Path) -> u64 {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let mut ours = false;
    let mut kb = 0;
    for line in smaps.lines() {
        let first = line.split(' ').next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            // A map's header: start-end perms offset dev inode path.
            let path = line.splitn(6, ' ').nth(5).unwrap_or("").trim_start();
            ours = Path::new(path) == file;
        } else if ours {
            if let Some(rss) = line.strip_prefix("Rss:") {
                kb += rss
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .unwrap();
            }
        }
    }
    kb
}

/// Linux 5.14 and later can map a range in one call.
#[cfg(target_os = "linux")]
fn kernel_can_populate() -> bool {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let mut parts = release
        .trim()
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (5, 14)
}

#[test]
#[cfg(target_os = "linux")]
fn the_consoles_store_maps_its_file_into_the_page_tables() {
    let (_dir, path, mut store) = demo_store();
    store.generate(3_000, 0, today(), &mut |_, _| {}).unwrap();
    drop(store);
    let file = std::fs::canonicalize(&path).unwrap();
    let size_kb = std::fs::metadata(&file).unwrap().len() / 1024;
    assert!(size_kb > 2_000, "a file of some megabytes: {size_kb} kB");
    // Opened as a command opens it: only the pages read are mapped.
    let (store, _) = Store::open(&path, BUSY).unwrap();
    assert!(
        mapped_kb(&file) * 2 < size_kb,
        "a command's store maps what it reads"
    );
    drop(store);
    let console = OpenOptions::new(BUSY, Create::Never).warm_map(true);
    let (store, _) = Store::open_with(&path, console).unwrap();
    if !kernel_can_populate() {
        // Nothing to do here but search as before.
        let q = CustomerQuery {
            last_name: "s".into(),
            ..Default::default()
        };
        assert!(!store.search_customers(&q, 5).unwrap().is_empty());
        return;
    }
    // Opening reads a few pages; the rest are mapped without being read.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let kb = mapped_kb(&file);
        if kb * 10 >= size_kb * 9 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{kb} kB of {size_kb} kB mapped after 20 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

//! Puts the database file's memory map into the process's page tables
//! while the console starts, so its searches do not pay for it one page at
//! a time.
//!
//! Every store connection reads the file through a memory map (`PRAGMA
//! mmap_size`, store/mod.rs). The first touch of each page of it costs a
//! page fault even when the file is in the OS's cache: about 5 µs each on
//! the development machine, most of a search's time when its 201 rows sit
//! on 201 pages never touched before (1.8 ms for them, 0.6 ms once mapped).
//! Linux can map a range in one call (`madvise(MADV_POPULATE_READ)`, Linux
//! 5.14): some 0.1 s for a 1.7 GB file. Only the pages the OS already holds
//! in memory (`mincore`) are mapped, so this never reads the disk; the
//! start-up check has just read every page.
//!
//! The map belongs to SQLite: this only asks the kernel to fill in page
//! table entries for it and never reads or writes the memory itself. An
//! error (an older kernel, the map moved or gone) leaves things as they
//! were: pages then fault in as they are read, as without this.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// The address ranges `/proc/self/maps` (its text: `maps`) shows mapping
/// `file`.
fn mappings_of(maps: &str, file: &Path) -> Vec<Range<usize>> {
    maps.lines()
        .filter_map(|line| {
            // start-end perms offset dev inode path; the path may hold spaces.
            let mut parts = line.splitn(6, ' ');
            let range = parts.next()?;
            let path = parts.nth(4)?.trim_start();
            if Path::new(path) != file {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            let start = usize::from_str_radix(start, 16).ok()?;
            let end = usize::from_str_radix(end, 16).ok()?;
            (start < end).then_some(start..end)
        })
        .collect()
}

/// The runs of consecutive resident pages in `mincore`'s answer (bit 0 of
/// each byte), as page index ranges.
fn resident_runs(resident: &[u8]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, byte) in resident.iter().enumerate() {
        match (byte & 1 == 1, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push(s..resident.len());
    }
    runs
}

/// Maps the resident pages of every map of `path` in this process; the
/// bytes mapped (0 where the system cannot).
pub fn warm(path: &Path) -> usize {
    let Ok(file) = std::fs::canonicalize(path) else {
        return 0;
    };
    populate(&file)
}

/// [`warm`] on a thread of its own, so opening does not wait for it.
pub(super) fn warm_in_background(path: &Path) {
    let path: PathBuf = path.to_path_buf();
    let _ = std::thread::Builder::new()
        .name("map-warm".into())
        .spawn(move || warm(&path));
}

#[cfg(target_os = "linux")]
fn populate(file: &Path) -> usize {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
        return 0;
    };
    // SAFETY: sysconf only reads a system constant.
    let page = match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
        p if p > 0 => p as usize,
        _ => return 0,
    };
    let mut mapped = 0;
    for range in mappings_of(&maps, file) {
        let len = range.end - range.start;
        let mut resident = vec![0u8; len.div_ceil(page)];
        // SAFETY: mincore writes one byte per page of the range into
        // `resident`, which has that many; the range is page aligned (the
        // kernel's own map) and mincore only reads the page tables.
        let asked = unsafe {
            libc::mincore(
                range.start as *mut libc::c_void,
                len,
                resident.as_mut_ptr().cast(),
            )
        };
        if asked != 0 {
            continue;
        }
        for run in resident_runs(&resident) {
            let at = range.start + run.start * page;
            let bytes = run.len() * page;
            // SAFETY: MADV_POPULATE_READ fills page table entries as a read
            // would, without reading into or writing any Rust value; on a
            // range no longer mapped it fails (ENOMEM) and does nothing.
            let done =
                unsafe { libc::madvise(at as *mut libc::c_void, bytes, libc::MADV_POPULATE_READ) };
            if done != 0 {
                break;
            }
            mapped += bytes;
        }
    }
    mapped
}

#[cfg(not(target_os = "linux"))]
fn populate(_file: &Path) -> usize {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maps_of_the_file_are_found_and_no_others() {
        let maps = "\
7f0000000000-7f0000400000 r--s 00000000 fd:01 1234                       /data/shop.db
7f0000400000-7f0000401000 rw-s 00000000 fd:01 1235                       /data/shop.db-shm
7f0000500000-7f0000600000 r--s 00000000 fd:01 1236                       /data/my shop.db
55d000000000-55d000001000 r-xp 00000000 fd:01 99                         /usr/bin/orderdesk
7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]
7f0000700000-7f0000800000 rw-p 00000000 00:00 0
";
        assert_eq!(
            mappings_of(maps, Path::new("/data/shop.db")),
            vec![0x7f00_0000_0000..0x7f00_0040_0000]
        );
        assert_eq!(
            mappings_of(maps, Path::new("/data/my shop.db")),
            vec![0x7f00_0050_0000..0x7f00_0060_0000]
        );
        assert!(mappings_of(maps, Path::new("/data/other.db")).is_empty());
    }

    #[test]
    fn resident_pages_make_runs() {
        assert_eq!(resident_runs(&[]), Vec::<Range<usize>>::new());
        assert_eq!(resident_runs(&[0, 0]), Vec::<Range<usize>>::new());
        assert_eq!(resident_runs(&[1, 1, 1]), vec![0..3]);
        // Only bit 0 says resident; the others are reserved.
        assert_eq!(resident_runs(&[1, 2, 3, 0, 1]), vec![0..1, 2..3, 4..5]);
    }
}

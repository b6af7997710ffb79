//! What `orderdesk simulate` workers print: one line per order they try,
//! `placed N [M…]` or `refused: why`. The stress tests on both backends
//! read it the same way.

use std::process::Child;

/// Waits for every worker (each must exit 0) and reads its lines: the
/// order numbers printed as placed, and how many orders were tried.
pub fn placed_and_tried(workers: Vec<Child>) -> (Vec<i64>, usize) {
    let mut placed = Vec::new();
    let mut tried = 0;
    for child in workers {
        let out = child.wait_with_output().expect("a worker ends");
        assert!(
            out.status.success(),
            "worker failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            tried += 1;
            match line.strip_prefix("placed ") {
                Some(numbers) => placed.extend(
                    numbers
                        .split(' ')
                        .map(|n| n.parse::<i64>().expect("an order number")),
                ),
                None => assert!(line.starts_with("refused: "), "unexpected output: {line}"),
            }
        }
    }
    (placed, tried)
}

//! Frames go to the terminal whole: everything ratatui writes for one frame
//! is collected and sent in one `write()`, wrapped in a synchronized update
//! (`CSI ?2026h … ?2026l`) with the cursor hidden while it draws. Over a
//! slow SSH link the operator never sees half a frame, and a terminal that
//! knows synchronized output paints it at once (others ignore the marks).
//!
//! ratatui flushes its backend several times per frame (cursor moves are
//! `execute!`d), so `flush` here keeps collecting; the event loop calls
//! [`FrameWriter::end_frame`] once the frame is complete.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

const BEGIN: &[u8] = b"\x1b[?2026h\x1b[?25l";
const END: &[u8] = b"\x1b[?2026l";

/// The backend's writer; clones share one frame buffer.
#[derive(Clone, Default)]
pub struct FrameWriter {
    frame: Rc<RefCell<Vec<u8>>>,
}

impl FrameWriter {
    /// Sends what the frame wrote, if anything, to `out` in one write.
    pub fn end_frame(&self, out: &mut impl Write) -> io::Result<()> {
        let body = std::mem::take(&mut *self.frame.borrow_mut());
        if body.is_empty() {
            return Ok(());
        }
        let mut whole = Vec::with_capacity(BEGIN.len() + body.len() + END.len());
        whole.extend_from_slice(BEGIN);
        whole.extend_from_slice(&body);
        whole.extend_from_slice(END);
        out.write_all(&whole)?;
        out.flush()
    }
}

impl Write for FrameWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.frame.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    /// Kept for the end of the frame.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::CrosstermBackend;
    use ratatui::text::Line;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    /// Records each write call separately.
    #[derive(Default)]
    struct Writes(Vec<Vec<u8>>);
    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn each_frame_is_one_write_inside_a_synchronized_update() {
        let frames = FrameWriter::default();
        let options = TerminalOptions {
            viewport: Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 20, 3)),
        };
        let mut term =
            Terminal::with_options(CrosstermBackend::new(frames.clone()), options).unwrap();
        let mut out = Writes::default();
        for text in ["first frame", "second", "second"] {
            term.draw(|f| f.render_widget(Line::raw(text), f.area()))
                .unwrap();
            frames.end_frame(&mut out).unwrap();
        }
        // The third frame equals the second: ratatui still moves the cursor,
        // which is one write too, never a split one.
        assert!(out.0.len() <= 3, "{} writes", out.0.len());
        assert!(out.0.len() >= 2);
        for w in &out.0 {
            assert!(w.starts_with(BEGIN), "{:?}", String::from_utf8_lossy(w));
            assert!(w.ends_with(END), "{:?}", String::from_utf8_lossy(w));
        }
        let first = String::from_utf8_lossy(&out.0[0]);
        assert!(
            first.contains("first") && first.contains("frame"),
            "{first}"
        );
        let second = String::from_utf8_lossy(&out.0[1]);
        assert!(second.contains("second"), "{second}");
    }

    #[test]
    fn nothing_written_sends_nothing() {
        let frames = FrameWriter::default();
        let mut out = Writes::default();
        frames.end_frame(&mut out).unwrap();
        assert!(out.0.is_empty());
    }
}

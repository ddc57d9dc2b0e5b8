//! The end of an MP4 file without a `Content-Length`: an MP4 (ISO base
//! media) file is a run of top-level boxes, each starting with its size, so
//! a body that stops anywhere but exactly at a box boundary was cut short.
//! [`BoxWalker`] follows the boundaries as the bytes stream past, keeping
//! nothing but the header of the box it is reading. A file that ends on a
//! boundary but never had a `moov` box (the index every player needs) is
//! not whole either.

/// Top-level box types an MP4 or QuickTime file starts with.
const FIRST_BOX_TYPES: &[&[u8; 4]] = &[
    b"ftyp", b"styp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot",
];

/// Follows the top-level boxes of an MP4 stream.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct BoxWalker {
    /// Bytes fed so far.
    received: u64,
    /// Where the box being read (or the next one) starts.
    box_start: u64,
    /// The header bytes of that box read so far (8, or 16 for a 64-bit size).
    header: Vec<u8>,
    /// A box of size 0 runs to the end of the file: any end is right.
    open_ended: bool,
    /// Set when a header makes no sense; the end check then fails.
    broken: Option<String>,
    /// Whether a `moov` box (the index a player needs) was seen.
    saw_moov: bool,
}

impl BoxWalker {
    /// Whether `head` starts with a plausible top-level MP4 box header.
    pub(crate) fn looks_like_mp4(head: &[u8]) -> bool {
        match head {
            [a, b, c, d, t0, t1, t2, t3, ..] => {
                let size = u32::from_be_bytes([*a, *b, *c, *d]);
                (size == 0 || size == 1 || size >= 8)
                    && FIRST_BOX_TYPES.contains(&&[*t0, *t1, *t2, *t3])
            }
            _ => false,
        }
    }

    /// Takes the next piece of the stream.
    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        let start = self.received;
        self.received += chunk.len() as u64;
        while !self.open_ended && self.broken.is_none() {
            // The absolute position of the next header byte wanted.
            let wanted_at = self.box_start + self.header.len() as u64;
            if wanted_at >= self.received {
                break;
            }
            let at = (wanted_at - start) as usize;
            let want = self.header_len() - self.header.len();
            let take = want.min(chunk.len() - at);
            self.header.extend_from_slice(&chunk[at..at + take]);
            if self.header.len() < self.header_len() {
                continue;
            }
            self.finish_header();
        }
    }

    /// 8 bytes, or 16 when the 32-bit size is 1 (a 64-bit size follows).
    fn header_len(&self) -> usize {
        if self.header.len() >= 4 && self.header[..4] == [0, 0, 0, 1] {
            16
        } else {
            8
        }
    }

    fn finish_header(&mut self) {
        let small = u32::from_be_bytes([
            self.header[0],
            self.header[1],
            self.header[2],
            self.header[3],
        ]);
        if &self.header[4..8] == b"moov" {
            self.saw_moov = true;
        }
        let (size, header_len) = match small {
            0 => {
                self.open_ended = true;
                return;
            }
            1 => {
                let mut large = [0u8; 8];
                large.copy_from_slice(&self.header[8..16]);
                (u64::from_be_bytes(large), 16)
            }
            n => (u64::from(n), 8),
        };
        if size < header_len {
            self.broken = Some(format!(
                "the MP4 box at byte {} declares {size} bytes, less than its own header",
                self.box_start
            ));
            return;
        }
        self.box_start = self.box_start.saturating_add(size);
        self.header.clear();
    }

    /// `Ok` when the stream ended exactly at a box boundary (or inside a
    /// box that runs to the end), else why it looks cut off.
    pub(crate) fn check_end(&self) -> Result<(), String> {
        if let Some(why) = &self.broken {
            return Err(why.clone());
        }
        let at_boundary = self.header.is_empty() && self.received == self.box_start;
        if (self.open_ended || at_boundary) && self.saw_moov {
            return Ok(());
        }
        if self.open_ended || at_boundary {
            return Err(format!(
                "the video was cut off: {} bytes arrived and hold no moov box, which every playable MP4 has",
                self.received
            ));
        }
        let ends_at = if self.header.is_empty() {
            self.box_start
        } else {
            self.box_start + self.header_len() as u64
        };
        Err(format!(
            "the video was cut off: {} bytes arrived, but its MP4 boxes run to at least byte {ends_at}",
            self.received
        ))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// A box of `kind` with `payload` bytes, with a 32- or 64-bit size.
    fn mp4_box(kind: &[u8; 4], payload: usize, large: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if large {
            out.extend_from_slice(&1u32.to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(&(16 + payload as u64).to_be_bytes());
        } else {
            out.extend_from_slice(&(8 + payload as u32).to_be_bytes());
            out.extend_from_slice(kind);
        }
        out.extend((0..payload).map(|i| (i % 251) as u8));
        out
    }

    fn walk(bytes: &[u8], cuts: &[usize]) -> BoxWalker {
        let mut walker = BoxWalker::default();
        let mut at = 0;
        for &cut in cuts.iter().chain(std::iter::once(&bytes.len())) {
            let cut = cut.clamp(at, bytes.len());
            walker.feed(&bytes[at..cut]);
            at = cut;
        }
        walker
    }

    /// A file of an `ftyp`, the boxes given (`mdat`, `moov`, `mdat`...)
    /// and a last `moov`; with the byte offsets where a `moov` box ends.
    fn file(boxes: &[(usize, bool)]) -> (Vec<u8>, Vec<usize>) {
        let mut bytes = mp4_box(b"ftyp", 16, false);
        let mut moov_ends = Vec::new();
        for (i, (payload, large)) in boxes.iter().chain([(5, false)].iter()).enumerate() {
            let kind = if i % 2 == 1 || i == boxes.len() {
                b"moov"
            } else {
                b"mdat"
            };
            bytes.extend(mp4_box(kind, *payload, *large));
            if kind == b"moov" {
                moov_ends.push(bytes.len());
            }
        }
        (bytes, moov_ends)
    }

    /// Where each box of `bytes` ends.
    fn boundaries(bytes: &[u8]) -> Vec<usize> {
        let mut ends = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let small = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            let size = if small == 1 {
                u64::from_be_bytes(bytes[at + 8..at + 16].try_into().unwrap()) as usize
            } else {
                small
            };
            at += size;
            ends.push(at);
        }
        ends
    }

    proptest! {
        /// A whole file passes however it is cut into pieces; a prefix of it
        /// passes only when it ends on a box boundary after a `moov` box.
        #[test]
        fn whole_files_pass_and_prefixes_fail(
            boxes in proptest::collection::vec((0usize..300, any::<bool>()), 0..5),
            mut cuts in proptest::collection::vec(0usize..2000, 0..6),
            prefix in any::<proptest::sample::Index>(),
        ) {
            let (bytes, moov_ends) = file(&boxes);
            cuts.sort_unstable();
            prop_assert!(BoxWalker::looks_like_mp4(&bytes));
            prop_assert_eq!(walk(&bytes, &cuts).check_end(), Ok(()));
            let short = prefix.index(bytes.len());
            let whole_enough = boundaries(&bytes).contains(&short)
                && moov_ends.iter().any(|&end| end <= short);
            let walker = walk(&bytes[..short], &cuts);
            prop_assert_eq!(walker.check_end().is_ok(), whole_enough, "prefix of {} bytes of {}", short, bytes.len());
        }
    }

    #[test]
    fn a_box_running_to_the_end_accepts_any_end() {
        let mut bytes = mp4_box(b"ftyp", 8, false);
        bytes.extend(mp4_box(b"moov", 4, false));
        bytes.extend_from_slice(&0u32.to_be_bytes());
        bytes.extend_from_slice(b"mdat");
        bytes.extend_from_slice(&[7; 100]);
        assert_eq!(walk(&bytes, &[3, 20]).check_end(), Ok(()));
        assert_eq!(walk(&bytes[..50], &[]).check_end(), Ok(()));
        // Without a moov box, no end is right.
        let err = walk(&mp4_box(b"ftyp", 8, false), &[])
            .check_end()
            .unwrap_err();
        assert!(err.contains("no moov box"), "{err}");
    }

    #[test]
    fn nonsense_sizes_and_other_starts() {
        let mut bytes = mp4_box(b"ftyp", 8, false);
        bytes.extend_from_slice(&4u32.to_be_bytes());
        bytes.extend_from_slice(b"mdat");
        let err = walk(&bytes, &[]).check_end().unwrap_err();
        assert!(err.contains("less than its own header"), "{err}");
        assert!(!BoxWalker::looks_like_mp4(b"<html><head>"));
        assert!(!BoxWalker::looks_like_mp4(b"{\"error\": 1}"));
        assert!(!BoxWalker::looks_like_mp4(b"\0\0\0\x20ftyp"[..6].as_ref()));
        assert!(!BoxWalker::looks_like_mp4(&[
            0x1A, 0x45, 0xDF, 0xA3, 1, 2, 3, 4
        ]));
    }
}
